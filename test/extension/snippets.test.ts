// Every snippet of snippets/shifterflow.json, expanded with its placeholders' defaults (the first
// choice of a choice), in the place it is meant for, validates clean with the core's validateText.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateText } from '../../runner/workflow/validate';
import { formatDiagnostic } from '../../runner/workflow/diagnostic';

const root = join(__dirname, '..', '..', '..');
const snippets = JSON.parse(readFileSync(join(root, 'snippets', 'shifterflow.json'), 'utf8')) as Record<string, { prefix: string[] | string; body: string[]; description: string }>;

/** A VS Code snippet body -> the text inserted when every placeholder keeps its default. */
export function expand(body: string[], indent = ''): string {
  let text = body.join('\n');
  for (let i = 0; i < 5; i++) {
    text = text
      .replace(/\$\{\d+\|([^,|}]*)[^|}]*\|\}/g, '$1') // choice: the first option
      .replace(/\$\{\d+:((?:[^${}]|\\\$|\$\{\{[^}]*\}\})*)\}/g, '$1') // placeholder with a default
      .replace(/\$\{\d+\}|\$\d+/g, ''); // tab stops
  }
  text = text.replace(/\\\$/g, '$').replace(/\t/g, '  ');
  return text
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}

const HEADER = `version: 1
name: snippets
profile: nersc
defaults: { qos: regular, account: m1234, constraint: cpu, time: "00:30:00" }
`;

function contextFor(name: string, prefix: string, text: string): string {
  if (prefix.startsWith('sf-workflow')) return text;
  // A job snippet that mounts a volume names `data` (the manager/worker workers' data).
  if (prefix.startsWith('sf-job')) return `${HEADER}volumes:\n  data: { source: /global/cfs/cdirs/m1234/data, target: /data }\njobs:\n${expandIndented(text, '  ')}\n`;
  if (prefix.startsWith('sf-volume')) {
    return `${HEADER}images:\n  app: docker:ubuntu:22.04\nvolumes:\n${expandIndented(text, '  ')}\njobs:\n  use:\n    image: app\n    exclusive: true\n    volumes: [${/^(\S+):/.exec(text)![1]}]\n    command: ls\n`;
  }
  throw new Error(`snippet ${name}: no context for prefix ${prefix}`);
}

function expandIndented(text: string, indent: string): string {
  return text
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}

describe('snippets/shifterflow.json', () => {
  it('has the snippets the issue asks for', () => {
    const prefixes = Object.values(snippets).flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    for (const p of ['sf-workflow', 'sf-job', 'sf-job-serial', 'sf-job-manager-worker', 'sf-job-mpi', 'sf-job-matrix', 'sf-volume-ro', 'sf-volume-pernodecache']) assert.ok(prefixes.includes(p), `missing snippet ${p}`);
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    it(`"${name}" expands to a workflow that validates clean`, () => {
      const prefix = Array.isArray(snippet.prefix) ? snippet.prefix[0] : snippet.prefix;
      const file = contextFor(name, prefix, expand(snippet.body));
      assert.ok(!/\$\{|\$\d/.test(file.replace(/\$\{\{ matrix\.\w+ \}\}/g, '').replace(/\$\(hostname\)/g, '')), `unexpanded placeholder in:\n${file}`);
      const result = validateText(file, `${prefix}.shifterflow.yaml`);
      assert.deepEqual(result.diagnostics.map(formatDiagnostic), [], `expanded:\n${file}`);
      assert.ok(result.workflow);
    });
  }
});
