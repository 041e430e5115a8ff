// R1: SIGKILL the runner at seeded random moments of a 30-job workflow (fan-out, chain, a small
// array) on the real cluster, then `run --resume`: every job exactly once per attempt in accounting
// (by its comment shifterflow:<run>:<job>:<attempt>), none lost, every run COMPLETED.
// Quick: SF_R1_KILLS (default 3). Long: scripts/reliability/long.sh (SF_R1_KILLS=50).

import assert from 'node:assert/strict';
import { prng } from '../workflow/fuzz';
import { thirtyJobs } from './workflows';
import { checkAccounting, cli, cluster, clusterWorkspace, count, journalOf, runDirs, settled, sleep, startRunner, unique, waitIdle, type Cluster } from './helpers';

describe('R1: SIGKILL the runner at random points, then --resume @cluster', function () {
  const kills = count('SF_R1_KILLS', 3);
  this.timeout(60_000 + kills * 120_000);
  let c: Cluster;
  before(() => {
    c = cluster();
  });

  it(`${kills} seeded kills of a 30-job workflow: no duplicate submission, no lost job, every run COMPLETED`, async () => {
    const seed = count('SF_R1_SEED', 20261122);
    const random = prng(seed);
    let duplicates = 0;
    let lost = 0;
    let finished = 0;
    let killedBeforeJournal = 0;
    let landed = 0;
    const where: string[] = [];
    const problems: string[] = [];
    for (let k = 0; k < kills; k++) {
      const wf = unique(`r1k${k}x`);
      const { yaml, keys } = thirtyJobs(wf);
      assert.equal(keys.length, 30);
      const dir = clusterWorkspace(c, { 'wf.yaml': yaml, 'out/.keep': '' });
      // Kill anywhere from image preparation to the end of tracking (an undisturbed run takes ~10-12 s here).
      const delay = 300 + Math.floor(random() * 9_000);
      const runner = startRunner(c, dir, ['run', 'wf.yaml', '--poll-ms', '1000,3000']);
      await Promise.race([sleep(delay), runner.exited]);
      const pid = runner.nodePid();
      if (pid) {
        process.kill(pid, 'SIGKILL');
        landed++;
      }
      const code = await runner.exited;
      const id = runDirs(dir)[0];
      const submittedBefore = id ? journalOf(dir, id).filter((e) => e.type === 'job-submitted').length : 0;
      where.push(`${delay}ms/${submittedBefore}sub${pid ? '' : `/ended:${code}`}`);
      let r;
      if (id) r = cli(c, dir, ['run', 'wf.yaml', '--resume', '--poll-ms', '1000,3000']);
      else {
        killedBeforeJournal++;
        r = cli(c, dir, ['run', 'wf.yaml', '--poll-ms', '1000,3000']);
      }
      const runId = runDirs(dir)[0];
      if (r.code === 0) finished++;
      else problems.push(`kill ${k}: resume exited ${r.code}: ${r.stderr.slice(-800)}`);
      const jobs = await settled(c, wf, 32);
      const check = checkAccounting(jobs, runId, keys);
      duplicates += check.duplicates.length;
      lost += check.lost.length;
      if (check.duplicates.length || check.lost.length) problems.push(`kill ${k} (${wf}, run ${runId}): duplicates ${check.duplicates.join('; ')} lost ${check.lost.join(',')}`);
      // Each workflow job once in accounting (array: 3 tasks of one job), nothing else of this workflow.
      const perJob = new Map<string, Set<string>>();
      for (const j of jobs) perJob.set(j.name, (perJob.get(j.name) ?? new Set()).add(j.id.split('_')[0]));
      const twice = [...perJob].filter(([, s]) => s.size > 1).map(([n]) => n);
      if (twice.length) problems.push(`kill ${k}: submitted more than once: ${twice.join(',')}`);
      duplicates += twice.length;
    }
    console.log(`R1: ${landed} kills of ${kills} runs (seed ${seed}; at ${where.join(' ')}), ${duplicates} duplicate submissions, ${lost} lost jobs, ${finished}/${kills} runs finished COMPLETED${killedBeforeJournal ? ` (${killedBeforeJournal} killed before the run dir existed: plain rerun)` : ''}`);
    assert.deepEqual(problems, []);
    assert.ok(landed >= Math.ceil(kills / 2), 'most kills landed before the run ended by itself');
    await waitIdle(c);
  });
});
