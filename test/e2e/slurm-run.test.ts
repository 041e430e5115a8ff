import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cluster, clusterWorkflow, clusterWorkspace, journalOf, runAsUser, runDirs, sacctJobs, settledJobs, spawnAsUser, unique, type Cluster } from './cluster';

describe('shifterflow run on the real Slurm cluster with the Shifter stand-in @cluster', function () {
  this.timeout(240_000);
  let c: Cluster;
  before(() => {
    c = cluster();
  });

  const logOf = (dir: string, file: string) => readFileSync(join(dir, '.shifterflow', 'runs', runDirs(dir)[0], 'logs', file), 'utf8');

  it('hello: pulls the image first, pins its id, runs through shifter, leaves trace and report', async () => {
    const wf = unique('hello');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  hello:\n    image: workflow\n    command: sh -c 'echo "hello from $(hostname) in $SHIFTER_IMAGEREQUEST $SF_IMAGE_ENV"'\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(logOf(dir, 'hello.1.out'), /^hello from n[123] in docker:workflow:latest from-image\n$/);
    const events = journalOf(dir, runDirs(dir)[0]);
    const ready = events.find((e) => e.type === 'image' && e.status === 'READY' && e.id);
    const firstSubmit = events.findIndex((e) => e.type === 'job-submitted');
    assert.ok(ready && events.indexOf(ready) < firstSubmit, 'the image is READY, with its id, before any submission');
    const trace = readFileSync(join(dir, '.shifterflow', 'runs', runDirs(dir)[0], 'trace.tsv'), 'utf8').trim().split('\n')[1].split('\t');
    assert.equal(trace[7], 'COMPLETED');
    assert.equal(trace[5], (ready as { id: string }).id);
    assert.deepEqual((await settledJobs(c, wf, 1)).map((j) => [j.name, j.state]), [[`${wf}.hello`, 'COMPLETED']]);
  });

  it("the guide's manager/worker job: two images, manager in the background, workers on 3 nodes see the volume", () => {
    const wf = unique('mw');
    const dir = clusterWorkspace(c, { 'data/input.txt': 'frames\n', 'out/.keep': '', 'wf.yaml': clusterWorkflow(wf, `volumes:
  data: { source: @DIR@/data, target: /data/in, readOnly: true }
  out: { source: @DIR@/out, target: /output }
jobs:
  simulate:
    image: workflow
    nodes: 3
    volumes: [data, out]
    steps:
      - { name: manager, image: manager, nodes: 1, tasks: 1, background: true, command: "sh -c 'cat /etc/sf-image-name > /output/manager; while [ $(ls /output | grep -c ^w) -lt 6 ]; do sleep 0.2; done'" }
      - { name: workers, nodes: 3, tasksPerNode: 2, command: "sh -c 'cat /data/in/input.txt > /output/w.$SLURM_PROCID.$(hostname); cat /etc/sf-image-name >> /output/w.$SLURM_PROCID.$(hostname)'" }
`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const outs = readdirSync(join(dir, 'out')).filter((f) => f.startsWith('w.'));
    assert.equal(outs.length, 6);
    assert.deepEqual([...new Set(outs.map((f) => f.split('.')[2]))].sort(), ['n1', 'n2', 'n3']);
    assert.equal(readFileSync(join(dir, 'out', outs[0]), 'utf8'), 'frames\nworkflow:latest\n');
    assert.equal(readFileSync(join(dir, 'out', 'manager'), 'utf8'), 'workflow_manager:latest\n');
  });

  it('a matrix is one job array; each task gets its values', async () => {
    const wf = unique('mx');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  sweep:\n    image: workflow\n    matrix: { sample: [a, 'b c', "$(touch pwned)"] }\n    command: sh -c 'printf "%s\\n" "$1" > @DIR@/out.$SLURM_ARRAY_TASK_ID' - \${{ matrix.sample }}\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([0, 1, 2].map((i) => readFileSync(join(dir, `out.${i}`), 'utf8')), ['a\n', 'b c\n', '$(touch pwned)\n']);
    assert.ok(!existsSync(join(dir, 'pwned')));
    const tasks = await settledJobs(c, wf, 3);
    assert.deepEqual(tasks.map((j) => j.id.split('_')[1]).sort(), ['0', '1', '2']);
    assert.equal(new Set(tasks.map((j) => j.id.split('_')[0])).size, 1, 'one array job');
  });

  it('a failure cancels the dependents (kill-on-invalid-dep) and the run exits 1', () => {
    const wf = unique('chain');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: workflow\n    command: sh -c 'exit 3'\n  b:\n    needs: [a]\n    image: workflow\n    command: touch @DIR@/b\n  c:\n    needs: [b]\n    image: workflow\n    command: touch @DIR@/c\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(runAsUser(c, dir, ['status', '--json']).stdout);
    assert.deepEqual(s.jobs.map((j: { key: string; state: string; exitCode?: number }) => [j.key, j.state, j.exitCode]), [['a', 'FAILED', 3], ['b', 'CANCELLED', 0], ['c', 'CANCELLED', 0]]);
    assert.ok(!existsSync(join(dir, 'b')) && !existsSync(join(dir, 'c')));
  });

  it('a retry succeeds on attempt 2 and its dependent runs after it', async () => {
    const wf = unique('retry');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  flaky:\n    image: workflow\n    retry: { attempts: 2, on: [FAILED] }\n    command: sh -c 'test -f @DIR@/once || { touch @DIR@/once; exit 1; }'\n  after:\n    needs: [flaky]\n    image: workflow\n    command: touch @DIR@/after\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'after')));
    const flaky = (await settledJobs(c, wf, 3)).filter((j) => j.name === `${wf}.flaky`).map((j) => j.state);
    assert.deepEqual(flaky, ['FAILED', 'COMPLETED']);
  });

  it('a group runs its chain in one Slurm job, each job with its own log and state; a retry reruns the group from the failed job', async () => {
    const wf = unique('grp');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:
  prep:
    image: workflow
    command: touch @DIR@/prep
  a:
    needs: [prep]
    group: chain
    image: workflow
    command: sh -c 'echo "a in $SLURM_JOB_ID"'
  b:
    needs: [a]
    group: chain
    image: workflow
    retry: { attempts: 1, on: [FAILED] }
    command: sh -c 'test -f @DIR@/once || { touch @DIR@/once; echo "b fails once" >&2; exit 4; }; echo "b in $SLURM_JOB_ID"'
  c:
    needs: [b]
    group: chain
    image: workflow
    command: sh -c 'echo "c in $SLURM_JOB_ID"'
  after:
    needs: [c]
    image: workflow
    command: touch @DIR@/after
`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'after')));
    // One Slurm job per group attempt, never one per job of the group.
    const jobs = await settledJobs(c, wf, 5);
    const states = (name: string) => jobs.filter((j) => j.name === `${wf}.${name}`).map((j) => j.state.split(' ')[0]);
    assert.deepEqual(states('prep'), ['COMPLETED']);
    assert.deepEqual(states('chain'), ['FAILED', 'COMPLETED']);
    assert.deepEqual(states('after'), ['CANCELLED', 'COMPLETED']);
    assert.deepEqual(['a', 'b', 'c'].map((k) => jobs.filter((j) => j.name === `${wf}.${k}`).length), [0, 0, 0]);
    // Each job's own log; a ran once (not again with the retry), b twice, c only in the second.
    const first = /^a in (\d+)\n$/.exec(logOf(dir, 'a.1.out'))?.[1];
    const second = /^b in (\d+)\n$/.exec(logOf(dir, 'b.2.out'))?.[1];
    assert.ok(first && second && first !== second, `a ran in ${first}, b's retry in ${second}`);
    assert.equal(logOf(dir, 'c.2.out'), `c in ${second}\n`);
    assert.match(logOf(dir, 'b.1.err'), /b fails once/);
    const logs = readdirSync(join(dir, '.shifterflow', 'runs', runDirs(dir)[0], 'logs'));
    assert.ok(!logs.includes('a.2.out') && !logs.includes('c.1.out'), logs.join(' '));
    const s = JSON.parse(runAsUser(c, dir, ['status', '--json']).stdout);
    assert.deepEqual(s.jobs.map((j: { key: string; state: string; attempt: number }) => [j.key, j.state, j.attempt]), [['prep', 'COMPLETED', 1], ['a', 'COMPLETED', 1], ['b', 'COMPLETED', 2], ['c', 'COMPLETED', 2], ['after', 'COMPLETED', 2]]);
  });

  it('cancel mid-run cancels the Slurm jobs', async () => {
    const wf = unique('cancel');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  long:\n    image: workflow\n    command: sleep 120\n  next:\n    needs: [long]\n    image: workflow\n    command: "true"\n`) });
    const runner = spawnAsUser(c, dir, ['run', 'wf.yaml']);
    const exited = new Promise<number | null>((r) => runner.on('exit', (code) => r(code)));
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 200));
      if (runDirs(dir).length > 0 && journalOf(dir, runDirs(dir)[0]).some((e) => e.type === 'job-state' && e.job === 'long' && e.state === 'RUNNING')) break;
    }
    assert.equal(runAsUser(c, dir, ['cancel']).code, 0);
    assert.equal(await exited, 130);
    assert.deepEqual((await settledJobs(c, wf, 2)).map((j) => j.state.split(' ')[0]), ['CANCELLED', 'CANCELLED']);
  });

  it('SIGKILL of the runner mid-run, then --resume: no job is submitted twice', async () => {
    const wf = unique('kill');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: workflow\n    command: sleep 3\n  b:\n    needs: [a]\n    image: workflow\n    command: sleep 1\n  c:\n    needs: [b]\n    image: workflow\n    command: touch @DIR@/c-done\n`) });
    const runner = spawnAsUser(c, dir, ['run', 'wf.yaml']);
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (runDirs(dir).length > 0 && journalOf(dir, runDirs(dir)[0]).filter((e) => e.type === 'job-submitted').length === 3) break;
    }
    // runuser forwards signals; kill the node process itself so nothing can clean up.
    const pid = Number(readFileSync(join(dir, '.shifterflow', 'runs', runDirs(dir)[0], 'runner.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => runner.on('exit', r));
    const r = runAsUser(c, dir, ['run', 'wf.yaml', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'c-done')));
    const jobs = await settledJobs(c, wf, 3);
    assert.deepEqual(jobs.map((j) => j.name).sort(), [`${wf}.a`, `${wf}.b`, `${wf}.c`], 'each job submitted exactly once');
    assert.ok(jobs.every((j) => j.state === 'COMPLETED'));
  });

  it('--detach returns once everything is submitted; status follows the run from Slurm to the end', async () => {
    const wf = unique('detach');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: workflow\n    command: sleep 2\n  b:\n    needs: [a]\n    image: workflow\n    command: touch @DIR@/b-done\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml', '--detach']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(join(dir, 'b-done')), 'returned before the jobs ran');
    let status = runAsUser(c, dir, ['status']);
    assert.equal(status.code, 3, status.stdout + status.stderr);
    for (let i = 0; i < 60 && status.code === 3; i++) {
      await new Promise((res) => setTimeout(res, 1000));
      status = runAsUser(c, dir, ['status']);
    }
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /^ {2}b +\d+ +COMPLETED$/m);
    assert.ok(existsSync(join(dir, 'b-done')));
  });

  it('--detach with a group: status tells the group\'s jobs apart while it runs and after', async () => {
    const wf = unique('gdetach');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    group: g\n    image: workflow\n    command: "true"\n  b:\n    needs: [a]\n    group: g\n    image: workflow\n    command: sh -c 'while [ ! -f @DIR@/go ]; do sleep 0.2; done'\n  c:\n    needs: [b]\n    group: g\n    image: workflow\n    command: sh -c 'exit 5'\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml', '--detach']);
    assert.equal(r.code, 0, r.stderr);
    const states = () => JSON.parse(runAsUser(c, dir, ['status', '--json']).stdout).jobs.map((j: { key: string; state: string }) => `${j.key}:${j.state}`).join(' ');
    let seen = '';
    for (let i = 0; i < 100 && seen !== 'a:COMPLETED b:RUNNING c:PENDING'; i++) {
      await new Promise((res) => setTimeout(res, 300));
      seen = states();
    }
    assert.equal(seen, 'a:COMPLETED b:RUNNING c:PENDING');
    writeFileSync(join(dir, 'go'), '');
    let status = runAsUser(c, dir, ['status']);
    for (let i = 0; i < 60 && status.code === 3; i++) {
      await new Promise((res) => setTimeout(res, 1000));
      status = runAsUser(c, dir, ['status']);
    }
    assert.equal(status.code, 1, status.stdout + status.stderr);
    assert.equal(states(), 'a:COMPLETED b:COMPLETED c:FAILED');
  });

  it('MPI over 2 nodes with MPICH and pmi2', () => {
    const wf = unique('mpi');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  hello:\n    image: mpi\n    nodes: 2\n    tasksPerNode: 2\n    mpi: pmi2\n    command: /usr/local/bin/mpi_hello\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr + logOf(dir, 'hello.1.err'));
    const out = logOf(dir, 'hello.1.out');
    const ranks = out.split('\n').filter((l) => /^mpi-hello rank \d of 4 on n[12] /.test(l)).map((l) => l.split(' ')[2]).sort();
    assert.deepEqual(ranks, ['0', '1', '2', '3'], out);
    assert.match(out, /MPICH/);
  });

  it('an image whose pull ends in FAILURE: a clear error and nothing submitted', async () => {
    const wf = unique('fail');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: docker:no-such-image:1.0\n    command: "true"\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /image docker:no-such-image:1\.0 is FAILURE.*nothing was submitted/);
    await new Promise((r) => setTimeout(r, 2000)); // accounting lag: a job would show by now
    assert.deepEqual(sacctJobs(c, wf), []);
  });

  it('preflight: a volume source that is a file, or off the site file systems, is refused and nothing is submitted', async () => {
    const wf = unique('pre');
    const dir = clusterWorkspace(c, { 'afile': 'x', 'wf.yaml': clusterWorkflow(wf, `volumes:\n  f: { source: @DIR@/afile, target: /data }\n  missing: { source: @DIR@/nope, target: /more }\njobs:\n  a:\n    image: workflow\n    volumes: [f, missing]\n    command: "true"\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /volume f \(job a\): FAILED "from" location is not directory/);
    assert.match(r.stderr, /volume missing \(job a\): FAILED to find real path/);
    assert.match(r.stderr, /nothing was submitted/);
    await new Promise((res) => setTimeout(res, 2000));
    assert.deepEqual(sacctJobs(c, wf), []);
  });

  it('images pull | list | lookup, for scripts and CI, with --json', () => {
    const dir = clusterWorkspace(c, {});
    const pull = runAsUser(c, dir, ['images', 'pull', 'docker:workflow:1.2', 'docker:no-such-image:2', '--json']);
    assert.equal(pull.code, 1, 'one image ends in FAILURE');
    const results = JSON.parse(pull.stdout) as { ref: string; status: string; ok: boolean; id?: string }[];
    assert.deepEqual(results.map((x) => [x.ref, x.status, x.ok]), [['docker:workflow:1.2', 'READY', true], ['docker:no-such-image:2', 'FAILURE', false]]);
    const lookup = runAsUser(c, dir, ['images', 'lookup', 'workflow:1.2']);
    assert.equal(lookup.code, 0);
    assert.equal(lookup.stdout.trim(), results[0].id);
    const list = JSON.parse(runAsUser(c, dir, ['images', 'list', '--json']).stdout) as { ref: string; status: string }[];
    assert.ok(list.some((i) => i.ref === 'docker:workflow:1.2' && i.status === 'READY'));
    assert.equal(runAsUser(c, dir, ['images', 'lookup', 'docker:never-pulled:9']).code, 1);
  });

  it('the same workflow gives the same trace shape locally and on Slurm', () => {
    const wf = unique('shape');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  first:\n    image: workflow\n    command: "true"\n  fan:\n    needs: [first]\n    image: workflow\n    matrix: { i: [1, 2, 3] }\n    command: "true"\n  broken:\n    needs: [fan]\n    image: workflow\n    command: sh -c 'exit 4'\n  never:\n    needs: [broken]\n    image: workflow\n    command: "true"\n`) });
    const shape = () => {
      const [id] = runDirs(dir).slice(-1);
      const rows = readFileSync(join(dir, '.shifterflow', 'runs', id, 'trace.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
      // job, attempt, array index, image, state, exit code: what must not depend on where it ran
      return rows.map((r) => [r[0], r[1], r[3], r[4], r[7], r[8]].join(' ')).sort();
    };
    assert.equal(runAsUser(c, dir, ['run', 'wf.yaml']).code, 1);
    const onSlurm = shape();
    // The local run reads its images as it did before the Slurm runs' image check needed the test
    // registry named: through the local engines' own registry settings (with SHIFTERFLOW_REGISTRY
    // bwrap's skopeo, under runuser, cannot read its auth file and the run falls to podman).
    const local = runAsUser(c, dir, ['run', 'wf.yaml', '--profile', 'local'], 180_000, ['SHIFTERFLOW_REGISTRY=']);
    assert.equal(local.code, 1, local.stderr);
    assert.match(local.stderr, /on local/);
    assert.deepEqual(shape(), onSlurm);
    assert.deepEqual(onSlurm.filter((r) => r.startsWith('broken') || r.startsWith('never')), ['broken 1  docker:workflow:latest FAILED 4', 'never 1  docker:workflow:latest CANCELLED 0']);
  });

  it('perNodeCache is a fresh, writable, private directory on every node', () => {
    const wf = unique('pnc');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `volumes:\n  cache: { source: @DIR@, target: /scratch, perNodeCache: { size: 1G } }\njobs:\n  cache:\n    image: workflow\n    nodes: 2\n    tasksPerNode: 1\n    volumes: [cache]\n    command: sh -c 'n=$(ls -A /scratch | wc -l); echo x > /scratch/f; echo "$(hostname) $n $(stat -c %u /scratch/f)"'\n`) });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const lines = logOf(dir, 'cache.1.out').trim().split('\n').sort();
    assert.deepEqual(lines, [`n1 0 ${c.uid}`, `n2 0 ${c.uid}`]);
  });
});
