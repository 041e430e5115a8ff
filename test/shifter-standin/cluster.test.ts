// The stand-in's Slurm integration (SPANK plugin) on the real test cluster, against docs/shifter.md's
// "The Slurm plugin (SPANK) at submission" and "Steps in a batch script" sections.
// Needs: test/cluster/up.sh (Slurm 22.05, nodes n1..n3, registry with workflow:latest and
// workflow_manager:latest, users sfuser/sfother) and test/shifter-standin/install.sh <state>.
// Fails loudly when any of that is missing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAs, RunResult, testUser, User, requireRoot } from './helpers';

interface Cluster {
  state: string;
  env: Record<string, string>;
  user: User;
  work: string; // a fresh directory on the global file system, owned by the test user
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
  assert.ok(
    fs.existsSync(path.join(state, 'plugstack.conf.d', 'shifter.conf')),
    `PREREQUISITE MISSING: the stand-in is not installed (test/shifter-standin/install.sh ${state})`,
  );
  const user = testUser();
  const work = path.join(vars.SF_GLOBAL_ROOT || '/sfglobal', 'scratch', user.name, `standin-${process.pid}-${Date.now()}`);
  fs.mkdirSync(work, { recursive: true });
  fs.chownSync(work, user.uid, user.gid);
  return { state, env: { SLURM_CONF: vars.SLURM_CONF, PATH: '/usr/local/bin:/usr/bin:/bin' }, user, work };
}

describe('shifter stand-in: Slurm integration (SPANK plugin) @cluster', function () {
  this.timeout(180000);
  let c: Cluster;
  let jobImage: string;
  let mgrImage: string;

  const bash = (script: string): RunResult => runAs(c.user, 'bash', ['-c', script], { env: c.env, cwd: c.work, timeoutMs: 170000 });
  const sbatchWait = (name: string, body: string, args = ''): { r: RunResult; out: string } => {
    fs.writeFileSync(path.join(c.work, `${name}.sh`), `#!/bin/bash\n${body}`);
    fs.chownSync(path.join(c.work, `${name}.sh`), c.user.uid, c.user.gid);
    const r = bash(`sbatch --wait --quiet ${args} -o ${c.work}/${name}.out ${name}.sh`);
    const outFile = path.join(c.work, `${name}.out`);
    return { r, out: fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '' };
  };

  before(function () {
    c = loadCluster();
    const ping = bash('scontrol ping');
    assert.equal(ping.status, 0, `PREREQUISITE: slurmctld does not answer: ${ping.stdout}${ping.stderr}`);
    for (const img of ['workflow:latest', 'workflow_manager:latest', 'mpi-hello:latest']) {
      const p = bash(`shifterimg pull ${img}`);
      assert.equal(p.status, 0, p.stdout + p.stderr);
      assert.match(p.stdout, /status: READY\n$/, `PREREQUISITE: ${img} must be in the cluster registry: ${p.stdout}`);
    }
    jobImage = bash('shifterimg lookup workflow:latest').stdout.trim();
    mgrImage = bash('shifterimg lookup workflow_manager:latest').stdout.trim();
    assert.match(jobImage, /^[0-9a-f]{64}$/);
  });
  after(() => {
    if (c) fs.rmSync(c.work, { recursive: true, force: true });
  });

  it('sbatch --image pins the image id in the job; srun shifter runs it on every node', () => {
    const { r, out } = sbatchWait(
      'pin',
      `#SBATCH --image=docker:workflow:latest\n#SBATCH -N 2\n` +
        'echo "JOB SHIFTER_IMAGE=$SHIFTER_IMAGE TYPE=$SHIFTER_IMAGETYPE REQ=$SHIFTER_IMAGEREQUEST SPANK=$SLURM_SPANK_SHIFTER_IMAGE"\n' +
        'srun -N 2 -n 2 shifter sh -c \'echo "TASK $(hostname) $SLURM_PROCID $SLURM_JOB_ID $(cat /etc/sf-image-name) $SHIFTER_RUNTIME $SHIFTER_IMAGE"\'\n',
    );
    assert.equal(r.status, 0, r.stderr + out);
    assert.match(out, new RegExp(`^JOB SHIFTER_IMAGE=${jobImage} TYPE=id REQ=docker:workflow:latest SPANK=${jobImage}$`, 'm'));
    const tasks = out.split('\n').filter((l) => l.startsWith('TASK '));
    assert.equal(tasks.length, 2, out);
    assert.equal(new Set(tasks.map((t) => t.split(' ')[1])).size, 2, 'two different nodes');
    for (const t of tasks) assert.match(t, new RegExp(`^TASK n\\d [01] \\d+ workflow:latest 1 ${jobImage}$`));
  });

  it('shifter --image=OTHER switches image inside a job; srun --image=OTHER shifter is ignored', () => {
    const { r, out } = sbatchWait(
      'switch',
      '#SBATCH --image=docker:workflow:latest\n#SBATCH -N 1\n' +
        'srun -n 1 shifter --image=docker:workflow_manager:latest sh -c \'echo "A $(cat /etc/sf-image-name) $SHIFTER_IMAGE"\'\n' +
        'srun -n 1 --image=docker:workflow_manager:latest shifter sh -c \'echo "B $(cat /etc/sf-image-name)"\'\n',
    );
    assert.equal(r.status, 0, r.stderr + out);
    assert.match(out, new RegExp(`^A workflow_manager:latest ${mgrImage}$`, 'm'));
    assert.match(out, /^B workflow:latest$/m);
  });

  it('salloc --image gives the allocation the image; srun --image outside an allocation does not pass it', () => {
    const s = bash('salloc -Q -N 1 --image=docker:workflow:latest srun -n 1 shifter cat /etc/sf-image-name');
    assert.equal(s.status, 0, s.stderr);
    assert.equal(s.stdout, 'workflow:latest\n');
    const o = bash('srun -Q -N 1 --image=docker:workflow:latest shifter true');
    assert.notEqual(o.status, 0);
    assert.match(o.stderr, /No image specified, or specified incorrectly!/);
  });

  it('refuses at submission: image not READY, volume without image, bad volume, unknown module (no job created)', () => {
    const cases: Array<[string, RegExp[]]> = [
      ['--image=docker:never/pulled:1', [/^sbatch: error: Failed to lookup image\.  Aborting\.$/m]],
      [`--volume=${c.work}:/data`, [/^sbatch: error: Cannot specify shifter volumes without specifying the image first!$/m]],
      [
        "--image=workflow:latest --volume='$HOME/va:/output'",
        [
          /^Invalid Volume Map: \$HOME\/va:\/output, aborting!$/m,
          /^sbatch: error: Failed to parse or invalid\/disallowed volume map request/m,
        ],
      ],
      [`--image=workflow:latest --volume=${c.work}:/etc/app`, [/^Invalid Volume Map: .*:\/etc\/app, aborting!$/m]],
      ['--image=workflow:latest --module=foo', [/Unknown shifter module: foo/]],
    ];
    for (const [args, res] of cases) {
      const r = bash(`sbatch ${args} --wrap=true`);
      assert.notEqual(r.status, 0, args);
      assert.doesNotMatch(r.stdout, /Submitted batch job/, args);
      for (const re of res) assert.match(r.stderr, re, `${args}: ${r.stderr}`);
    }
    const none = bash('sbatch --image=workflow:latest --module=none --wrap=true');
    assert.equal(none.status, 0, none.stderr);
  });

  it('two #SBATCH --volume lines: only the last one is mounted', () => {
    const a = path.join(c.work, 'va');
    const b = path.join(c.work, 'vb');
    for (const d of [a, b]) {
      fs.mkdirSync(d);
      fs.chownSync(d, c.user.uid, c.user.gid);
    }
    const { r, out } = sbatchWait(
      'twovol',
      `#SBATCH --image=docker:workflow:latest\n#SBATCH --volume=${a}:/input\n#SBATCH --volume=${b}:/output\n#SBATCH -N 1\n` +
        'echo "SHIFTER_VOLUME=$SHIFTER_VOLUME"\nsrun -n 1 shifter sh -c \'ls -d /input 2>/dev/null || echo no-input; touch /output/x && echo output-ok\'\n',
    );
    assert.equal(r.status, 0, r.stderr + out);
    assert.match(out, new RegExp(`^SHIFTER_VOLUME=${b}:/output$`, 'm'));
    assert.match(out, /^output-ok$/m);
    assert.ok(fs.existsSync(path.join(b, 'x')));
  });

  it('a volume source outside the site file systems passes sbatch, then fails in every step', () => {
    const { r, out } = sbatchWait(
      'hidden',
      '#SBATCH --image=docker:workflow:latest\n#SBATCH --volume=/var/lib:/data\n#SBATCH -N 1\nsrun -n 1 shifter true; echo "step rc=$?"\n',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(out, /FAILED to find real path for volume "from": \/var\/lib/);
    assert.match(out, /^step rc=1$/m);
  });

  it('MPI: srun --mpi=pmi2 -N 2 -n 4 shifter prog, with --module=mpich swapping in the site MPICH', () => {
    const { r, out } = sbatchWait(
      'mpi',
      '#SBATCH --image=docker:mpi-hello:latest\n#SBATCH --module=mpich\n#SBATCH -N 2\n#SBATCH -n 4\n' +
        'srun --mpi=pmi2 -N 2 -n 4 shifter sh -c \'echo "LD=$LD_LIBRARY_PATH"; exec mpi_hello\'\n',
    );
    assert.equal(r.status, 0, r.stderr + out);
    assert.equal((out.match(/ of 4 on n\d sum=4$/gm) || []).length, 4, out);
    assert.match(out, /^LD=\/opt\/udiImage\/modules\/mpich\/lib64/m);
  });

  it('perNodeCache: kept across steps of an --exclusive job, a fresh one for every srun of a shared job', () => {
    const body =
      `#SBATCH --image=docker:workflow:latest\n#SBATCH --volume="${c.work}/cache:/tmp:perNodeCache=size=1G"\n#SBATCH -N 1\n` +
      "srun -n 1 shifter sh -c 'echo one > /tmp/step1'\n" +
      'srun -n 1 shifter sh -c \'echo "SECOND [$(ls /tmp | tr "\\n" " ")]"\'\n';
    const ex = sbatchWait('pnc-excl', body, '--exclusive');
    assert.equal(ex.r.status, 0, ex.r.stderr + ex.out);
    assert.match(ex.out, /^SECOND \[step1 \]$/m);
    const sh = sbatchWait('pnc-shared', body);
    assert.equal(sh.r.status, 0, sh.r.stderr + sh.out);
    assert.match(sh.out, /^SECOND \[\]$/m);
  });
});
