// The local run's last check before anything starts (the validator catches most of it in the file).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflightVolumes } from '../../runner/local/preflight';
import type { Plan, PlannedVolume } from '../../runner/plan/types';
import { planText } from '../engines/plan-text';

const TMP = mkdtempSync(join(tmpdir(), 'sf-preflight-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function withVolumes(volumes: PlannedVolume[]): Plan {
  const plan = planText('version: 1\nname: p\nprofile: local\njobs:\n  j:\n    image: docker:a:1\n    command: x\n');
  plan.jobs[0].volumes = volumes;
  return plan;
}

describe('local: preflight of volumes', () => {
  it('passes existing directories and perNodeCache volumes (they bring their own)', () => {
    assert.deepEqual(preflightVolumes(withVolumes([{ name: 'd', source: TMP, target: '/d', readOnly: true }, { name: 'c', source: join(TMP, 'none'), target: '/c', readOnly: false, perNodeCache: { size: '1G' } }])), []);
  });

  it('refuses reserved targets, dropped characters, missing sources and files, naming volume and job', () => {
    writeFileSync(join(TMP, 'f'), '');
    const problems = preflightVolumes(
      withVolumes([
        { name: 'conf', source: TMP, target: '/etc/app', readOnly: false },
        { name: 'sp', source: `${TMP}/a b`, target: '/x', readOnly: false },
        { name: 'gone', source: join(TMP, 'gone'), target: '/g', readOnly: false },
        { name: 'file', source: join(TMP, 'f'), target: '/f', readOnly: false },
      ]),
    );
    assert.equal(problems.length, 4);
    assert.match(problems[0], /^volume conf \(job j\): target \/etc\/app is reserved by Shifter/);
    assert.match(problems[1], /^volume sp \(job j\): source .* has characters Shifter silently removes/);
    assert.match(problems[2], /^volume gone \(job j\): FAILED to find real path for volume "from"/);
    assert.match(problems[3], /^volume file \(job j\): FAILED "from" location is not directory/);
  });
});
