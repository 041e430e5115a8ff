// Validation and the normalizer that render and run use (runner/images/image-ref.ts) must agree: a
// reference that `shifterflow validate` passes must not be refused later by `render` or `run`. Checked
// on the rule's own passing examples, the schema's examples, and a grid of references built from the
// parts where the two used to disagree (a missing name, "/" in custom and id names, digests, registry
// ports, case, whitespace, empty parts).

import assert from 'node:assert/strict';
import imageRefSchema from '../../../schemas/image-ref.schema.json';
import { ImageRefError, normalizeImageRef } from '../../../runner/images/image-ref';
import { REF_PATTERN } from '../../../runner/workflow/rules/image-lookup';
import { ACCEPTED_REFS } from './image-ref-examples';
import { diagnostics } from './helpers';

const DIGEST = 'sha256:' + '0a'.repeat(32);

/** Every combination of the parts, deterministic: TYPE? HOST? PATH VERSION? SUFFIX?. */
function grid(): string[] {
  const types = ['', 'docker:', 'custom:', 'id:', 'local:', 'Docker:'];
  const hosts = ['', 'registry.example.org/', 'registry.example.org:5000/', 'localhost:5000/'];
  const paths = ['app', 'myorg/app', 'myorg/', 'MyOrg/App', 'a//b', 'a/b/', '', 'my app'];
  const versions = ['', ':1.0', ':', ':latest', ':_x', ':1.0/'];
  const suffixes = ['', `@${DIGEST}`, '@', ' '];
  const out = new Set<string>();
  for (const t of types) for (const h of hosts) for (const p of paths) for (const v of versions) for (const s of suffixes) out.add(t + h + p + v + s);
  return [...out];
}

const HANDPICKED = [
  'docker:myorg/', 'custom:a/b', 'id:a/b', 'local:a/b', 'myorg/', 'docker:myorg/:1.0', 'docker::1.0', ':1.0', 'docker:', 'custom:',
  'docker:ubuntu:', 'ubuntu:', 'docker:ubuntu@', ' docker:ubuntu:22.04', 'docker:ubuntu:22.04 ', 'docker: ubuntu', '\tubuntu:22.04',
  'docker:registry.example.org:5000/team/app:1.0', 'docker:registry.example.org:5000/team/', 'custom:registry.example.org:5000/team/app',
  'CUSTOM:x', 'ID:abc', 'docker:UBUNTU', 'custom:a:b:c', 'docker:ubuntu:1.0:2.0', 'docker:a+b', 'local:/global/images/x', 'docker:ubuntu:22.04/',
  `custom:x@${DIGEST}`, `id:abc@${DIGEST}`, `local:x@${DIGEST}`, `custom:a/b@${DIGEST}`, `docker:ubuntu:22.04@${DIGEST}`,
];

function refusedByNormalizer(ref: string): boolean {
  try {
    normalizeImageRef(ref);
    return false;
  } catch (e) {
    if (e instanceof ImageRefError) return true;
    throw e;
  }
}

interface Placed {
  ref: string;
  /** Where validation must say it: line:col of the value. */
  at: string;
  /** Validation reads it as a reference here (not as an alias name), so a refusal must be SF010. */
  isRef: boolean;
}

/**
 * References in one workflow, as `images:` entries or inline on jobs. Entries and inline uses go in
 * separate files (with thousands of aliases defined, each inline text that is no reference would make
 * SF030 look for the closest alias among all of them), and a file holds a slice of the grid: the schema
 * check's error translation grows with the square of the errors in one file.
 */
function layout(refs: readonly string[], where: 'entry' | 'inline'): { text: string; placed: Placed[] } {
  const lines = where === 'entry' ? ['version: 1', 'name: t', 'images:'] : ['version: 1', 'name: t', 'jobs:'];
  const placed: Placed[] = [];
  refs.forEach((ref, i) => {
    const quoted = JSON.stringify(ref);
    const line = where === 'entry' ? `  i${i}: ${quoted}` : `  j${i}: { command: run, image: ${quoted} }`;
    lines.push(line);
    placed.push({ ref, at: `${lines.length}:${line.indexOf(quoted) + 1}`, isRef: where === 'entry' || ref.includes(':') });
  });
  if (where === 'entry') lines.push('jobs:', '  j: { command: run, image: i0 }');
  return { text: lines.join('\n') + '\n', placed };
}

describe('image references: validation agrees with the normalizer', () => {
  it("every reference of SF010's passing examples and of the schema's examples normalizes", () => {
    for (const ref of [...ACCEPTED_REFS, ...imageRefSchema.examples]) {
      assert.doesNotThrow(() => normalizeImageRef(ref), ref);
    }
  });

  for (const where of ['entry', 'inline'] as const) {
    it(`every reference validation accepts (${where === 'entry' ? 'under images:' : 'inline'}) normalizes; every one the normalizer refuses is an error at the image`, () => {
      const refs = [...new Set([...ACCEPTED_REFS, ...imageRefSchema.examples, ...HANDPICKED, ...grid()])];
      const disagreements: string[] = [];
      let refused = 0;
      for (let from = 0; from < refs.length; from += 100) {
        const { text, placed } = layout(refs.slice(from, from + 100), where);
        const errorsAt = new Map<string, string[]>();
        for (const d of diagnostics(text)) {
          if (d.severity !== 'error') continue;
          const at = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
          errorsAt.set(at, [...(errorsAt.get(at) ?? []), d.code]);
        }
        for (const p of placed) {
          if (!refusedByNormalizer(p.ref)) continue;
          refused++;
          const codes = errorsAt.get(p.at) ?? [];
          // Past the grammar the image rule itself must say it, as SF010. Before it, the schema (SF003,
          // under images:) or the inline grammar check (SF010) does; inline text with no ':' is an
          // unknown alias (SF030).
          const ok = p.isRef && REF_PATTERN.test(p.ref) ? codes.includes('SF010') : codes.length > 0;
          if (!ok) disagreements.push(`${JSON.stringify(p.ref)} (${where}): the normalizer refuses it, validation reports ${codes.join(', ') || 'nothing'}`);
        }
      }
      assert.deepEqual(disagreements, []);
      // The grid must exercise both sides, or the property says nothing.
      assert.ok(refused > 1000 && refused < refs.length - 100, `refused ${refused} of ${refs.length}`);
    });
  }
});
