// The rendered scripts and submit.sh on the real test cluster (Slurm 22.05, 3 nodes) with the Shifter
// stand-in: what the golden files promise, proven by running them. Needs test/cluster/up.sh and
// test/shifter-standin/install.sh; fails loudly (never skips) when they are missing.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planWorkflow } from '../../runner/plan';
import { jobScriptName, renderJob, renderSubmitScript } from '../../runner/render';
import { validateText } from '../../runner/workflow/validate';
import { requireRoot, runAs, testUser, type RunResult, type User } from '../shifter-standin/helpers';

interface Cluster {
  env: Record<string, string>;
  user: User;
  work: string;
}

function loadCluster(): Cluster {
  requireRoot();
  const state = process.env.SFCLUSTER_STATE || '/var/lib/sfcluster';
  const envFile = path.join(state, 'env.sh');
  assert.ok(fs.existsSync(envFile), `PREREQUISITE MISSING: ${envFile} (start the cluster: test/cluster/up.sh)`);
  const vars: Record<string, string> = {};
  for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^export (\w+)='(.*)'$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  assert.ok(fs.existsSync(path.join(state, 'plugstack.conf.d', 'shifter.conf')), `PREREQUISITE MISSING: the Shifter stand-in is not installed (test/shifter-standin/install.sh ${state})`);
  const user = testUser();
  const work = path.join(vars.SF_GLOBAL_ROOT || '/sfglobal', 'scratch', user.name, `render-${process.pid}-${Date.now()}`);
  for (const d of [work, path.join(work, 'out'), path.join(work, 'cache'), path.join(work, 'scripts')]) {
    fs.mkdirSync(d, { recursive: true });
    fs.chownSync(d, user.uid, user.gid);
  }
  return { env: { SLURM_CONF: vars.SLURM_CONF, PATH: '/usr/local/bin:/usr/bin:/bin' }, user, work };
}

describe('render: scripts on the real cluster with the Shifter stand-in @cluster', function () {
  this.timeout(300_000);
  let c: Cluster;
  const bash = (script: string, timeoutMs = 240_000): RunResult => runAs(c.user, 'bash', ['-c', script], { env: c.env, cwd: c.work, timeoutMs });

  /** Renders a workflow (validated as the CLI does) into scripts/, runs submit.sh, waits, returns sacct's view. */
  function submitAndWait(yamlText: string): Map<string, { state: string; exit: string }> {
    const result = validateText(yamlText, 'cluster.yaml');
    assert.ok(result.workflow, result.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    const plan = planWorkflow(result.workflow, result.profile, { logDir: path.join(c.work, 'scripts') });
    const dir = path.join(c.work, 'scripts');
    for (const job of plan.jobs) fs.writeFileSync(path.join(dir, jobScriptName(job.key)), renderJob(job, plan));
    fs.writeFileSync(path.join(dir, 'submit.sh'), renderSubmitScript(plan), { mode: 0o755 });
    const submitted = bash(`bash ${dir}/submit.sh`);
    assert.equal(submitted.status, 0, submitted.stdout + submitted.stderr);
    const ids = new Map([...submitted.stdout.matchAll(/^submitted \S+?\.(\S+) as job (\d+)$/gm)].map((m) => [m[1], m[2]]));
    assert.equal(ids.size, plan.jobs.length, submitted.stdout);
    const list = [...ids.values()].join(',');
    const waited = bash(`for i in $(seq 600); do [ -z "$(squeue -h -j ${list} 2>/dev/null)" ] && break; sleep 0.3; done; sleep 2; sacct -n -X -P -o JobID,State,ExitCode -j ${list}`);
    assert.equal(waited.status, 0, waited.stderr);
    const states = new Map<string, { state: string; exit: string }>();
    for (const [key, id] of ids) {
      const rows = waited.stdout.split('\n').filter((l) => l.startsWith(`${id}|`) || l.startsWith(`${id}_`));
      assert.ok(rows.length > 0, `sacct knows job ${key} (${id}): ${waited.stdout}`);
      const bad = rows.find((r) => r.split('|')[1] !== 'COMPLETED');
      const [, state, exit] = (bad ?? rows[0]).split('|');
      states.set(key, { state: state.split(' ')[0], exit });
    }
    return states;
  }

  const read = (f: string) => fs.readFileSync(path.join(c.work, 'out', f), 'utf8');

  before(() => {
    c = loadCluster();
    const ping = bash('scontrol ping', 30_000);
    assert.equal(ping.status, 0, `PREREQUISITE: slurmctld does not answer: ${ping.stdout}${ping.stderr}`);
    for (const img of ['myorg/workflow:1.2', 'myorg/workflow_manager:latest']) {
      const p = bash(`shifterimg pull ${img}`);
      assert.match(p.stdout, /status: READY\n$/, `PREREQUISITE: ${img} must be in the cluster registry: ${p.stdout}${p.stderr}`);
    }
  });
  after(() => {
    if (c) fs.rmSync(c.work, { recursive: true, force: true });
  });

  it('manager/worker side by side in two images, a job array with quoted values, a serial job: all COMPLETED', () => {
    const states = submitAndWait(`
version: 1
name: rendertest
profile: { base: slurm, siteFileSystems: [/sfglobal] }
defaults: { account: m1234, qos: regular, time: "00:05:00" }
images:
  workflow: docker:myorg/workflow:1.2
  manager: docker:myorg/workflow_manager:latest
volumes:
  out: { source: ${c.work}/out, target: /output }
  cache: { source: ${c.work}/cache, target: /scratch, perNodeCache: { size: 64M } }
jobs:
  simulate:
    image: workflow
    nodes: 2
    exclusive: true
    volumes: [out, cache]
    steps:
      - name: manager
        image: manager
        nodes: 1
        tasks: 1
        background: true
        command: sh -c 'i=0; until [ -e /output/worker-3 ]; do [ $i -ge 600 ] && { echo alone > /output/manager; exit 1; }; sleep 0.1; i=$((i+1)); done; cat /etc/sf-image-name > /output/manager'
      - name: workers
        nodes: 2
        tasksPerNode: 2
        command: sh -c 'cat /etc/sf-image-name > /output/worker-$SLURM_PROCID'
  analyze:
    needs: [simulate]
    image: workflow
    volumes: [out]
    matrix: { sample: [a, "b c"] }
    command: sh -c 'printf "%s|%s\\n" "$1" "$SAMPLE" > "/output/sample-$SLURM_ARRAY_TASK_ID"' sh \${{ matrix.sample }}
    env: { SAMPLE: "\${{ matrix.sample }}" }
  summarize:
    needs: [analyze]
    image: workflow
    qos: shared
    volumes: [out]
    command: sh -c 'ls /output > /output/summary'
`);
    assert.deepEqual(Object.fromEntries(states), {
      simulate: { state: 'COMPLETED', exit: '0:0' },
      analyze: { state: 'COMPLETED', exit: '0:0' },
      summarize: { state: 'COMPLETED', exit: '0:0' },
    });
    for (let i = 0; i < 4; i++) assert.equal(read(`worker-${i}`), 'myorg/workflow:1.2\n');
    assert.equal(read('manager'), 'myorg/workflow_manager:latest\n', 'the manager ran beside the workers (--overlap)');
    assert.equal(read('sample-0'), 'a|a\n');
    assert.equal(read('sample-1'), 'b c|b c\n');
    assert.match(read('summary'), /^manager\n/);
  });

  it('a failed background step fails the job, and its dependent is cancelled', () => {
    const states = submitAndWait(`
version: 1
name: failtest
profile: { base: slurm, siteFileSystems: [/sfglobal] }
defaults: { account: m1234, qos: regular, time: "00:05:00" }
jobs:
  broken:
    image: docker:myorg/workflow:1.2
    steps:
      - { name: manager, command: "sh -c 'exit 3'", background: true }
      - { name: workers, command: "true" }
  after:
    needs: [broken]
    image: docker:myorg/workflow:1.2
    command: "true"
`);
    assert.deepEqual(states.get('broken'), { state: 'FAILED', exit: '3:0' });
    assert.equal(states.get('after')?.state, 'CANCELLED');
  });
});
