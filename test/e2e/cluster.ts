// The real test cluster (test/cluster/up.sh + test/shifter-standin/install.sh), as tests use it: the
// CLI run as the unprivileged test user (Shifter refuses root) in a directory on the global file
// system that every node sees. A missing cluster fails the tests loudly.

import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';

export const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'shifterflow.js');
const STATE = process.env.SFCLUSTER_STATE ?? '/var/lib/sfcluster';

export interface Cluster {
  env: Record<string, string>;
  user: string;
  uid: number;
  home: string;
}

export function cluster(): Cluster {
  const envFile = join(STATE, 'env.sh');
  if (!existsSync(envFile)) throw new Error(`PREREQUISITE: no test cluster (${envFile} missing): run test/cluster/up.sh and test/shifter-standin/install.sh as root`);
  const dump = spawnSync('bash', ['-c', `. '${envFile}' && env -0`], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const kv of dump.stdout.split('\0')) if (kv.includes('=')) env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8', env: { ...process.env, SLURM_CONF: env.SLURM_CONF } });
  if (!/UP/.test(ping.stdout)) throw new Error(`PREREQUISITE: slurmctld does not answer: ${ping.stdout}${ping.stderr}`);
  if (spawnSync('shifterimg', ['images'], { encoding: 'utf8' }).status !== 0) throw new Error('PREREQUISITE: shifterimg (the stand-in) is not installed or its gateway is down');
  return { env, user: env.SF_TEST_USER, uid: Number(env.SF_TEST_UID), home: env.SF_TEST_HOME };
}

/** A fresh directory on the global file system, owned by the test user, with these files. */
export function clusterWorkspace(c: Cluster, files: Record<string, string>): string {
  const base = join(c.home, 'e2e');
  mkdirSync(base, { recursive: true });
  chownSync(base, c.uid, c.uid);
  const dir = mkdtempSync(join(base, 'run-'));
  chownSync(dir, c.uid, c.uid);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    const parent = join(path, '..');
    mkdirSync(parent, { recursive: true });
    chownSync(parent, c.uid, c.uid);
    writeFileSync(path, text.replaceAll('@DIR@', dir));
    chownSync(path, c.uid, c.uid);
  }
  return dir;
}

function userEnv(c: Cluster): string[] {
  // The stand-in's gateway reads docker: images from the test registry (SHIFTER_GATEWAY_REGISTRY, set
  // from SF_REGISTRY): the run's image check must read the same images there, not from Docker Hub.
  return [`SLURM_CONF=${c.env.SLURM_CONF}`, 'PATH=/usr/local/bin:/usr/bin:/bin', `HOME=${c.home}`, `USER=${c.user}`, 'LANG=C.UTF-8', `SHIFTERFLOW_REGISTRY=${c.env.SF_REGISTRY ?? '127.0.0.1:5000'}`];
}

/** `env`: NAME=VALUE after the cluster's (a later one wins; `NAME=` unsets a setting for shifterflow). */
export function runAsUser(c: Cluster, cwd: string, args: string[], timeoutMs = 180_000, env: string[] = []) {
  const r = spawnSync('runuser', ['-u', c.user, '--', 'env', '-i', ...userEnv(c), ...env, process.execPath, CLI, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnAsUser(c: Cluster, cwd: string, args: string[]) {
  return spawn('runuser', ['-u', c.user, '--', 'env', '-i', ...userEnv(c), process.execPath, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function slurm(c: Cluster, argv: string[]): string {
  // Accounting of a busy test cluster (benchmarks leave thousands of jobs) can be large.
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, SLURM_CONF: c.env.SLURM_CONF }, maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.error?.message ?? ''} ${r.stderr}`);
  return r.stdout;
}

export interface AccountedJob {
  id: string;
  name: string;
  state: string;
  comment: string;
}

/** Every Slurm job or array task (not step) whose name starts with `<workflow>.`, from accounting. */
export function sacctJobs(c: Cluster, workflow: string): AccountedJob[] {
  const out = slurm(c, ['sacct', '-n', '-P', '-X', '-a', '-S', 'now-1hour', '-E', 'now', '-s', 'PD,R,CD,F,CA,TO,NF,OOM,PR,BF,DL,RQ,S', '--format=JobID,JobName%60,State,Comment%100']);
  return out.split('\n').filter(Boolean).map((l) => {
    const [id, name, state, comment] = l.split('|');
    return { id, name, state, comment };
  }).filter((j) => j.name.startsWith(`${workflow}.`));
}

const ACTIVE = /^(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED)/;

/** Accounting shows a job a second or two after it ends: wait until `count` rows are there and final. */
export async function settledJobs(c: Cluster, workflow: string, count: number): Promise<AccountedJob[]> {
  let jobs: AccountedJob[] = [];
  for (let i = 0; i < 40; i++) {
    jobs = sacctJobs(c, workflow);
    if (jobs.length >= count && jobs.every((j) => !ACTIVE.test(j.state))) return jobs;
    await new Promise((r) => setTimeout(r, 500));
  }
  return jobs;
}

export function runDirs(dir: string): string[] {
  const r = spawnSync('ls', [join(dir, '.shifterflow', 'runs')], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).sort();
}

export function journalOf(dir: string, id: string): RunEvent[] {
  return readFileSync(join(dir, '.shifterflow', 'runs', id, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
}

/** A workflow for the test cluster: Shifter on Slurm, the global file system as the site's. */
export function clusterWorkflow(name: string, body: string): string {
  return `version: 1
name: ${name}
profile: { base: slurm, siteFileSystems: [/sfglobal] }
defaults: { account: m1234, qos: regular, time: "00:05:00" }
images:
  workflow: docker:workflow:latest
  manager: docker:workflow_manager:latest
  mpi: { ref: "docker:mpi-hello:latest", mpi: mpich }
${body}`;
}

export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}
