// Every job of every example, rendered, compared byte for byte with test/golden/<example>/<job>.sbatch
// (and <group>@group.sbatch per group, and submit.sh). The golden files were read by eye against NERSC's guide and the Shifter contract
// (test/golden/README.md); regenerate them deliberately with test/golden/update.sh (UPDATE_GOLDEN=1)
// and read the diff before committing it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupScriptName, jobScriptName, renderGroup, renderJob, renderSubmitScript } from '../../runner/render';
import { GOLDEN, isBroken, loadExamples } from './examples';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('render: golden scripts of examples/', () => {
  const examples = loadExamples();

  it('has an example for each case the guide shows', () => {
    assert.deepEqual(examples.map((e) => e.name), ['files', 'group', 'hello', 'manager-worker', 'matrix', 'mpi', 'pernodecache', 'serial-shared']);
  });

  for (const ex of examples) {
    describe(ex.name, () => {
      if (isBroken(ex)) {
        it('loads', () => {
          throw ex.error;
        });
        return;
      }
      const files = new Map<string, string>();
      for (const job of ex.plan.jobs) files.set(jobScriptName(job.key), renderJob(job, ex.plan));
      for (const group of ex.plan.groups) files.set(groupScriptName(group.name), renderGroup(group, ex.plan));
      files.set('submit.sh', renderSubmitScript(ex.plan));
      const dir = join(GOLDEN, ex.name);

      for (const [name, text] of files) {
        it(`${name} matches test/golden/${ex.name}/${name}`, () => {
          const path = join(dir, name);
          if (UPDATE) {
            mkdirSync(dir, { recursive: true });
            writeFileSync(path, text);
          }
          assert.ok(existsSync(path), `missing golden file ${path}: run test/golden/update.sh and read it`);
          assert.equal(text, readFileSync(path, 'utf8'));
        });

        it(`${name} passes bash -n`, () => {
          const r = spawnSync('bash', ['-n'], { input: text });
          assert.equal(r.status, 0, r.stderr.toString());
        });
      }

      it('has no stale golden file', () => {
        if (!existsSync(dir)) return;
        assert.deepEqual(readdirSync(dir).filter((f) => !files.has(f)).sort(), []);
      });
    });
  }
});

describe('render: what a script never contains (contract)', () => {
  for (const ex of loadExamples()) {
    if (isBroken(ex)) continue;
    const scripts = [...ex.plan.jobs.map((job) => ({ name: job.key, text: () => renderJob(job, ex.plan) })), ...ex.plan.groups.map((g) => ({ name: groupScriptName(g.name), text: () => renderGroup(g, ex.plan) }))];
    for (const script of scripts) {
      it(`${ex.name}/${script.name}`, () => {
        const text = script.text();
        const lines = text.split('\n');
        assert.equal(lines[0], '#!/bin/bash');
        assert.doesNotMatch(text, /^#!.*shifter/m, 'no #!/usr/bin/shifter batch scripts');
        const firstCommand = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
        const sbatch = lines.filter((l) => l.startsWith('#SBATCH'));
        assert.ok(lines.findIndex((l, i) => l.startsWith('#SBATCH') && i > firstCommand) === -1, 'every #SBATCH line before the first command');
        for (const l of sbatch) assert.doesNotMatch(l, /\$/, `no variables in #SBATCH lines: ${l}`);
        assert.ok(sbatch.filter((l) => l.startsWith('#SBATCH --volume')).length <= 1, 'one --volume directive');
        assert.ok(sbatch.filter((l) => l.startsWith('#SBATCH --module')).length <= 1, 'one --module directive');
        assert.ok(sbatch.filter((l) => l.startsWith('#SBATCH --image')).length === 1, 'one --image directive');
        for (const l of lines.filter((x) => /^\s*srun /.test(x))) {
          const beforeShifter = l.slice(0, l.indexOf(' shifter'));
          assert.doesNotMatch(beforeShifter, /--image|--volume/, `srun --image/--volume is ignored inside a job: ${l}`);
        }
      });
    }
  }
});
