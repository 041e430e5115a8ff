// Every job of every example rendered for podman-hpc and for Apptainer, compared byte for byte with
// test/golden/<engine>/<example>/<job>.sbatch (and <group>@group.sbatch, and submit.sh), as test/render/golden.test.ts does for
// Shifter. A job the engine refuses (perNodeCache in an --exclusive job) has <job>.refused holding
// the reason instead. Regenerate deliberately and read the diff:
//   UPDATE_GOLDEN=1 npx mocha out/test/engines/golden.test.js

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apptainerEngine, podmanHpcEngine, type ContainerEngine } from '../../runner/engines';
import { groupScriptName, jobScriptName, renderGroup, renderJob, renderSubmitScript } from '../../runner/render';
import { RenderError } from '../../runner/render/render-error';
import { GOLDEN, isBroken, loadExamples } from '../render/examples';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

function renderAll(engine: ContainerEngine) {
  return loadExamples().map((ex) => {
    const files = new Map<string, string>();
    if (isBroken(ex)) return { name: ex.name, files, error: ex.error };
    for (const job of ex.plan.jobs) {
      try {
        files.set(jobScriptName(job.key), renderJob(job, ex.plan, engine));
      } catch (e) {
        if (!(e instanceof RenderError)) throw e;
        files.set(`${job.key}.refused`, e.message + '\n');
      }
    }
    for (const group of ex.plan.groups) {
      try {
        files.set(groupScriptName(group.name), renderGroup(group, ex.plan, engine));
      } catch (e) {
        if (!(e instanceof RenderError)) throw e;
        files.set(`${group.name}@group.refused`, e.message + '\n');
      }
    }
    files.set('submit.sh', renderSubmitScript(ex.plan, engine));
    return { name: ex.name, files };
  });
}

for (const engine of [podmanHpcEngine, apptainerEngine]) {
  describe(`engines: golden ${engine.name} scripts of examples/`, () => {
    for (const ex of renderAll(engine)) {
      describe(ex.name, () => {
        const dir = join(GOLDEN, engine.name, ex.name);
        if ('error' in ex) {
          it('loads', () => assert.fail(ex.error));
          return;
        }
        for (const [name, text] of ex.files) {
          it(`${name} matches test/golden/${engine.name}/${ex.name}/${name}`, () => {
            const path = join(dir, name);
            if (UPDATE) {
              mkdirSync(dir, { recursive: true });
              writeFileSync(path, text);
            }
            assert.ok(existsSync(path), `missing golden file ${path}: run with UPDATE_GOLDEN=1 and read it`);
            assert.equal(text, readFileSync(path, 'utf8'));
          });
          if (name.endsWith('.refused')) continue;
          it(`${name} passes bash -n`, () => {
            const r = spawnSync('bash', ['-n'], { input: text });
            assert.equal(r.status, 0, r.stderr.toString());
          });
        }
        it('has no stale golden file', () => {
          if (!existsSync(dir)) return;
          assert.deepEqual(readdirSync(dir).filter((f) => !ex.files.has(f)).sort(), []);
        });
      });
    }
  });
}
