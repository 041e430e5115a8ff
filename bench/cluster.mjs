// The test cluster for benchmarks: env.sh, a workspace on the global file system owned by the test
// user, commands run as that user, and PATH shims that count every Slurm command a run makes.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STATE = process.env.SFCLUSTER_STATE ?? '/var/lib/sfcluster';

export function clusterEnv() {
  const file = join(STATE, 'env.sh');
  if (!existsSync(file)) throw new Error(`no test cluster (${file}): run test/cluster/up.sh and test/shifter-standin/install.sh as root`);
  const out = spawnSync('bash', ['-c', `. '${file}' && env -0`], { encoding: 'utf8' }).stdout;
  return Object.fromEntries(out.split('\0').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

export function workspace(env, name) {
  const uid = Number(env.SF_TEST_UID);
  const base = join(env.SF_TEST_HOME, 'bench');
  mkdirSync(base, { recursive: true });
  chownSync(base, uid, uid);
  const dir = mkdtempSync(join(base, `${name}-`));
  chownSync(dir, uid, uid);
  return dir;
}

const COUNTED = ['sbatch', 'squeue', 'sacct', 'scancel'];

/**
 * A directory of shims for sbatch, squeue, sacct, scancel (and any `extra` commands, e.g. scontrol)
 * that count their calls into FILE.
 */
export function slurmShims(dir, extra = []) {
  const bin = join(dir, 'shims');
  mkdirSync(bin, { recursive: true });
  for (const cmd of [...COUNTED, ...extra]) {
    const real = spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(bin, cmd), `#!/bin/sh\necho ${cmd} >> '${join(dir, 'calls.log')}'\nexec ${real} "$@"\n`);
    chmodSync(join(bin, cmd), 0o755);
  }
  return bin;
}

export function countCalls(dir) {
  const log = join(dir, 'calls.log');
  const counts = { sbatch: 0, squeue: 0, sacct: 0, scancel: 0 };
  if (existsSync(log)) for (const l of readFileSync(log, 'utf8').split('\n')) if (/^[a-z]+$/.test(l)) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

export function resetCalls(dir) {
  writeFileSync(join(dir, 'calls.log'), '');
  chmodSync(join(dir, 'calls.log'), 0o666);
}

export function asUser(env, dir, argv, extraPath = '') {
  const t = performance.now();
  const r = spawnSync('runuser', ['-u', env.SF_TEST_USER, '--', 'env', '-i', `SLURM_CONF=${env.SLURM_CONF}`, `PATH=${extraPath ? `${extraPath}:` : ''}/usr/local/bin:/usr/bin:/bin`, `HOME=${env.SF_TEST_HOME}`, `USER=${env.SF_TEST_USER}`, `SHIFTERFLOW_REGISTRY=${env.SF_REGISTRY ?? '127.0.0.1:5000'}`, ...argv], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

export function write(env, path, text, mode = 0o644) {
  writeFileSync(path, text, { mode });
  chownSync(path, Number(env.SF_TEST_UID), Number(env.SF_TEST_UID));
}

/**
 * Waits (up to BENCH_WAIT_READY s, default 900) for three idle nodes, a controller that answers and an
 * empty queue: the cluster is shared, and a timing taken beside someone else's jobs measures theirs.
 */
export function waitForIdleCluster(env, stamp) {
  const end = Date.now() + Number(process.env.BENCH_WAIT_READY ?? 900) * 1000;
  for (let waited = false; ; waited = true) {
    const r = spawnSync('bash', ['-c', `sinfo -h -o '%T %D'; scontrol ping; squeue -h | wc -l`], { encoding: 'utf8', env: { ...process.env, SLURM_CONF: env.SLURM_CONF } });
    const lines = r.stdout.trim().split('\n');
    if (lines[0] === 'idle 3' && /is UP/.test(r.stdout) && lines.at(-1) === '0') {
      if (waited) stamp('cluster ready again');
      return;
    }
    if (!waited) stamp(`waiting for an idle cluster: ${r.stdout.replace(/\n/g, ' | ')}`);
    if (Date.now() > end) throw new Error(`the cluster did not become ready (want 3 idle nodes, slurmctld UP, empty queue):\n${r.stdout}${r.stderr}`);
    spawnSync('sleep', ['5']);
  }
}
