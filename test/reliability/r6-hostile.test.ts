// R6: at least 50 hostile strings (test/render/hostile-corpus.ts and more: quotes, $(), backticks, ;,
// &&, newlines, spaces, globs, non-ASCII, very long), each carrying `touch <dir>/CANARY-<n>`, placed in
// job names, env values, matrix values, workdirs, volume paths and image names. validate -> render ->
// run on the real cluster: no canary ever appears; a refused input gets a positioned SFxxx error
// (file:line:col) and nothing is submitted; an accepted one arrives intact (the job writes what it saw).
// Quick mode batches every value of a field into one workflow (two cluster runs in all).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateText } from '../../runner/workflow/validate';
import { hostileStrings } from '../render/hostile-corpus';
import { cli, cluster, clusterWorkflow, clusterWorkspace, runDirs, sacctJobs, sleep, unique, type Cluster } from './helpers';

function corpus(dir: string): string[] {
  const base = hostileStrings('@CANARY@');
  const more = [
    '$(touch @CANARY@)$(touch @CANARY@)',
    '${IFS}touch${IFS}@CANARY@',
    '<(touch @CANARY@)',
    '>(touch @CANARY@)',
    '> @CANARY@',
    '|| touch @CANARY@',
    'a & touch @CANARY@',
    '{{ touch @CANARY@ }}',
    '${{ touch @CANARY@ }}',
    '/sfglobal/*/../../tmp/*',
    '..;touch @CANARY@',
    'x'.repeat(5000) + '$(touch @CANARY@)',
    '\u202e\u0301 rtl and combining',
    '%0a touch @CANARY@',
  ];
  return [...base, ...more].map((s, n) => s.replaceAll('@CANARY@', join(dir, `CANARY-${n}`)));
}

/** A YAML double-quoted scalar holding exactly `s`. */
function q(s: string): string {
  return JSON.stringify(s).replace(/\u007f/g, '\\x7f').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029').replace(/\u202e/g, '\\u202e');
}

function canaries(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('CANARY'));
}

describe('R6: hostile strings through validate -> render -> run @cluster', function () {
  this.timeout(300_000);
  let c: Cluster;
  const figures: string[] = [];
  before(() => {
    c = cluster();
  });
  after(() => console.log(`R6: ${figures.join('; ')}`));

  it('env values and matrix values are accepted and arrive intact in the job; no canary', async () => {
    const wf = unique('r6a');
    const dir = clusterWorkspace(c, { 'out/.keep': '' });
    const values = corpus(dir);
    assert.ok(values.length >= 50, `${values.length} hostile strings`);
    const env = values.map((v, i) => `      V${i}: ${q(v)}`).join('\n');
    const yaml = clusterWorkflow(wf, `jobs:
  envs:
    image: workflow
    env:
${env}
    command: sh -c 'i=0; while [ $i -lt ${values.length} ]; do awk -v n=V$i "BEGIN { printf \\"%s\\", ENVIRON[n] }" > @DIR@/out/env.$i; i=$((i+1)); done'
  matrix:
    image: workflow
    matrix: { v: [${values.map(q).join(', ')}] }
    command: sh -c 'printf "%s" "$1" > @DIR@/out/mx.$SLURM_ARRAY_TASK_ID' - \${{ matrix.v }}
`).replaceAll('@DIR@', dir);
    const { writeFileSync, chownSync } = await import('node:fs');
    writeFileSync(join(dir, 'wf.yaml'), yaml);
    chownSync(join(dir, 'wf.yaml'), c.uid, c.uid);
    const v = cli(c, dir, ['validate', 'wf.yaml']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const render = cli(c, dir, ['render', 'wf.yaml']);
    assert.equal(render.code, 0, render.stderr);
    assert.deepEqual(canaries(dir), [], 'render ran nothing');
    const r = cli(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const wrong: string[] = [];
    values.forEach((val, i) => {
      for (const kind of ['env', 'mx']) {
        const f = join(dir, 'out', `${kind}.${i}`);
        const got = existsSync(f) ? readFileSync(f, 'utf8') : '<missing>';
        if (got !== val) wrong.push(`${kind} #${i} ${JSON.stringify(val).slice(0, 60)} -> ${JSON.stringify(got).slice(0, 60)}`);
      }
    });
    const found = canaries(dir);
    figures.push(`${values.length} strings as env values and as matrix values (${values.length} array tasks): ${values.length * 2 - wrong.length}/${values.length * 2} intact, ${found.length} canaries`);
    assert.deepEqual(found, []);
    assert.deepEqual(wrong, []);
    const jobs = await settledCount(c, wf, 1 + values.length);
    assert.equal(jobs, 1 + values.length);
  });

  async function settledCount(cl: Cluster, wf: string, n: number): Promise<number> {
    for (let i = 0; i < 40; i++) {
      const k = sacctJobs(cl, wf).length;
      if (k >= n) return k;
      await sleep(500);
    }
    return sacctJobs(cl, wf).length;
  }

  // job names, workdirs, volume paths, image names: each value on its own (in-process validation for the
  // verdict and its position), then every refused value of a field in one file through the CLI `run`.
  const fields: Record<string, (v: string) => string> = {
    'job name': (v) => `jobs:\n  ${q(v)}:\n    image: workflow\n    command: "true"\n`,
    workdir: (v) => `jobs:\n  a:\n    image: workflow\n    workdir: ${q(v)}\n    command: "true"\n`,
    'volume source': (v) => `volumes:\n  d: { source: ${q(v)}, target: /data }\njobs:\n  a:\n    image: workflow\n    volumes: [d]\n    command: "true"\n`,
    'volume target': (v) => `volumes:\n  d: { source: /sfglobal, target: ${q(v)} }\njobs:\n  a:\n    image: workflow\n    volumes: [d]\n    command: "true"\n`,
    image: (v) => `jobs:\n  a:\n    image: ${q(v)}\n    command: "true"\n`,
  };

  it('job names, workdirs, volume paths, image names: refused with a positioned SFxxx error and nothing submitted', async () => {
    const dir = clusterWorkspace(c, {});
    const values = corpus(dir);
    const summary: string[] = [];
    for (const [field, place] of Object.entries(fields)) {
      const refused: string[] = [];
      const accepted: string[] = [];
      for (const v of values) {
        const text = clusterWorkflow('r6b', place(v));
        const res = validateText(text, 'wf.yaml');
        const errors = res.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length === 0) {
          accepted.push(v);
          continue;
        }
        refused.push(v);
        const line = text.split('\n').findIndex((l) => l.includes(q(v)));
        for (const d of errors) {
          assert.match(d.code, /^SF\d{3}$/);
          assert.ok(d.range.start.line >= 0 && d.range.end.offset <= text.length, `${field} ${JSON.stringify(v)}: ${d.code} range`);
        }
        assert.ok(errors.some((d) => d.range.start.line === line) || line < 0 || field === 'job name', `${field} ${JSON.stringify(v).slice(0, 80)}: an error on the value's line ${line + 1}: ${errors.map((d) => `${d.code}@${d.range.start.line + 1}`).join(',')}`);
      }
      // Every refused value of this field in one workflow, through the CLI: exit 1, file:line:col errors, no job.
      if (refused.length > 0) {
        const wf = unique('r6r');
        const body = refused.map((v, i) => place(v).replace(/^jobs:\n/m, '').replace(/^volumes:\n  d:/m, `volumes:\n  d${i}:`)).join('');
        const text = field.startsWith('volume')
          ? clusterWorkflow(wf, `volumes:\n${refused.map((v, i) => (field === 'volume source' ? `  d${i}: { source: ${q(v)}, target: /data }` : `  d${i}: { source: /sfglobal, target: ${q(v)} }`)).join('\n')}\njobs:\n${refused.map((_, i) => `  a${i}:\n    image: workflow\n    volumes: [d${i}]\n    command: "true"\n`).join('')}`)
          : clusterWorkflow(wf, `jobs:\n${field === 'job name' ? body : refused.map((v, i) => place(v).replace(/^jobs:\n  a:/, `  a${i}:`)).join('')}`);
        const { writeFileSync, chownSync } = await import('node:fs');
        const file = join(dir, `${field.replace(' ', '-')}.yaml`);
        writeFileSync(file, text);
        chownSync(file, c.uid, c.uid);
        const r = cli(c, dir, ['run', file]);
        assert.equal(r.code, 1, `${field}: ${r.stderr.slice(0, 2000)}`);
        assert.match(r.stderr, new RegExp(`${field.replace(' ', '-')}\\.yaml:\\d+:\\d+: error SF\\d{3}`));
        assert.equal(runDirs(dir).length, 0, 'no run directory: nothing submitted');
        await sleep(1500);
        assert.deepEqual(sacctJobs(c, wf), []);
      }
      summary.push(`${field} ${refused.length} refused/${accepted.length} accepted`);
    }
    const found = canaries(dir);
    figures.push(`${values.length} strings x 5 fields: ${summary.join(', ')}; refused files: exit 1 with file:line:col SFxxx, 0 jobs; ${found.length} canaries`);
    assert.deepEqual(found, []);
  });
});
