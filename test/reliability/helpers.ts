// Shared by the reliability tests (R1-R8): the e2e cluster helpers, plus disrupting and restoring the
// cluster (scripts/reliability/clusterctl.sh, which restarts daemons exactly as test/cluster/up.sh
// does), runners with extra environment or as another user, and accounting checks for duplicates.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sacctJobs, type AccountedJob, type Cluster } from '../e2e/cluster';

export * from '../e2e/cluster';

const CLI = join(ROOT, 'bin', 'shifterflow.js');
const CTL = join(ROOT, 'scripts', 'reliability', 'clusterctl.sh');

/** Long mode (scripts/reliability/*.sh): bigger counts from the environment. */
export function count(name: string, quick: number): number {
  const v = process.env[name];
  return v !== undefined && Number(v) > 0 ? Number(v) : quick;
}

/** Runs clusterctl.sh (root); throws with its output when it fails. */
export function ctl(...args: string[]): string {
  const r = spawnSync('bash', [CTL, ...args], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`clusterctl.sh ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/**
 * Every node back and responding: idle, or (other engineers share this cluster) running someone
 * else's jobs; never down, drained or not responding (`*`). Waits up to `seconds` for all idle first.
 */
export async function waitIdle(c: Cluster, seconds = 60): Promise<string> {
  let out = '';
  for (let i = 0; i < seconds * 2; i++) {
    const r = spawnSync('sinfo', ['-h', '-N', '-o', '%N %t'], { encoding: 'utf8', env: { ...process.env, SLURM_CONF: c.env.SLURM_CONF } });
    out = r.stdout.trim().split('\n').sort().filter((l, k, a) => a.indexOf(l) === k).join(', ');
    if (r.status === 0 && /^n1 idle, n2 idle, n3 idle$/.test(out)) return out;
    if (r.status === 0 && i >= 20 && /^n1 (idle|mix|alloc|comp), n2 (idle|mix|alloc|comp), n3 (idle|mix|alloc|comp)$/.test(out)) return `${out} (busy with other jobs)`;
    await sleep(500);
  }
  throw new Error(`the cluster is not back to 3 responding nodes: ${out}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function userEnv(c: Cluster, user: string, extra: Record<string, string>): string[] {
  const home = join(c.env.SF_GLOBAL_ROOT, 'home', user);
  return [`SLURM_CONF=${c.env.SLURM_CONF}`, 'PATH=/usr/local/bin:/usr/bin:/bin', `HOME=${home}`, `USER=${user}`, 'LANG=C.UTF-8',
    // The image check before a Slurm run reads the images from the registry the test gateway pulls from (never Docker Hub).
    `SHIFTERFLOW_REGISTRY=${c.env.SF_REGISTRY ?? '127.0.0.1:5000'}`, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)];
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as `user` (default the test user) with extra environment variables. */
export function cli(c: Cluster, cwd: string, args: string[], opts: { user?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Result {
  const user = opts.user ?? c.user;
  const r = spawnSync('runuser', ['-u', user, '--', 'env', '-i', ...userEnv(c, user, opts.env ?? {}), process.execPath, CLI, ...args], { cwd, encoding: 'utf8', timeout: opts.timeoutMs ?? 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Any command as another user (e.g. scancel as sfother). */
export function asUser(c: Cluster, user: string, cwd: string, argv: string[]): Result {
  const r = spawnSync('runuser', ['-u', user, '--', 'env', '-i', ...userEnv(c, user, {}), ...argv], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Runner {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  /** The node process of the CLI (runuser's child), once it exists. */
  nodePid: () => number | undefined;
}

export function startRunner(c: Cluster, cwd: string, args: string[], env: Record<string, string> = {}): Runner {
  const child = spawn('runuser', ['-u', c.user, '--', 'env', '-i', ...userEnv(c, c.user, env), process.execPath, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const nodePid = () => {
    try {
      const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      return kids.find((k) => existsSync(`/proc/${k}`) && readFileSync(`/proc/${k}/comm`, 'utf8').trim() === 'node');
    } catch {
      return undefined;
    }
  };
  return { child, out: () => out, err: () => err, exited, nodePid };
}

/** Comment the runner gives each submission: shifterflow:<run>:<job>:<attempt>. */
export interface AccountingCheck {
  jobs: AccountedJob[];
  /** Comments carried by more than one Slurm job (array tasks of one job count once). */
  duplicates: string[];
  /** Workflow jobs with no COMPLETED record. */
  lost: string[];
}

export function checkAccounting(jobs: AccountedJob[], runId: string, keys: string[]): AccountingCheck {
  const byComment = new Map<string, Set<string>>();
  for (const j of jobs) {
    if (!j.comment.startsWith(`shifterflow:${runId}:`)) continue;
    const s = byComment.get(j.comment) ?? new Set();
    s.add(j.id.split('_')[0]);
    byComment.set(j.comment, s);
  }
  const duplicates = [...byComment].filter(([, ids]) => ids.size > 1).map(([k, ids]) => `${k} -> ${[...ids].join(',')}`);
  const lost = keys.filter((k) => !jobs.some((j) => j.comment.startsWith(`shifterflow:${runId}:${k}:`) && j.state === 'COMPLETED'));
  return { jobs, duplicates, lost };
}

/** sacct rows of a workflow once all `count` are there and final (or after ~60 s). */
export async function settled(c: Cluster, workflow: string, minimum: number): Promise<AccountedJob[]> {
  let jobs: AccountedJob[] = [];
  for (let i = 0; i < 120; i++) {
    jobs = sacctJobs(c, workflow);
    if (jobs.length >= minimum && jobs.every((j) => !/^(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED)/.test(j.state))) return jobs;
    await sleep(500);
  }
  return jobs;
}

/** Mean and 99th percentile of a list of numbers. */
export function stats(xs: number[]): { mean: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0, max: s.at(-1) ?? 0 };
}
