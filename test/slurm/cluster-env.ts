// For @cluster tests: the test cluster's client settings (written by test/cluster/up.sh to
// $SFCLUSTER_STATE/env.sh) and a real CommandRunner that runs every program as the test user.
// No cluster means a failing test with the reason, never a skipped one.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExecFileRunner, type CommandResult, type CommandRunner, type RunOptions } from '../../runner/slurm/command-runner';

export interface ClusterEnv {
  /** Every variable env.sh exports. */
  vars: Record<string, string>;
  slurmConf: string;
  user: string;
  uid: number;
  otherUser: string;
  home: string;
  account: string;
  registry: string;
}

export function clusterStateDir(): string {
  return process.env.SFCLUSTER_STATE || '/var/lib/sfcluster';
}

/** Reads env.sh (`export NAME='value'` lines, as up.sh writes them); throws when the cluster is not up. */
export function loadClusterEnv(): ClusterEnv {
  const file = path.join(clusterStateDir(), 'env.sh');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`the test cluster is not up: ${file} is missing. Start it with "sudo bash test/cluster/up.sh" (or set SFCLUSTER_STATE).`);
  }
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)='([^']*)'$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  const need = (k: string) => {
    const v = vars[k];
    if (!v) throw new Error(`${file} does not export ${k}`);
    return v;
  };
  return {
    vars,
    slurmConf: need('SLURM_CONF'),
    user: need('SF_TEST_USER'),
    uid: Number(need('SF_TEST_UID')),
    otherUser: vars.SF_OTHER_USER ?? 'sfother',
    home: need('SF_TEST_HOME'),
    account: need('SF_ACCOUNT'),
    registry: vars.SF_REGISTRY ?? '127.0.0.1:5000',
  };
}

/**
 * The real runner, as `user`: through `runuser -u USER --` when this process is root (CI), directly
 * otherwise (the tests then must already run as the test user). Still argv only: runuser execs the
 * program itself, no shell.
 */
export class AsUserRunner implements CommandRunner {
  private readonly real = new ExecFileRunner();
  constructor(readonly user: string) {}

  run(argv: string[], opts?: RunOptions): Promise<CommandResult> {
    if (process.getuid?.() === 0) return this.real.run(['runuser', '-u', this.user, '--', ...argv], opts);
    return this.real.run(argv, opts);
  }
}

/** A fresh directory on the cluster's global file system, owned by the test user. */
export function makeUserDir(env: ClusterEnv, label: string): string {
  const dir = path.join(env.home, `.shifterflow-test-${label}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) fs.chownSync(dir, env.uid, gidOf(env.user) ?? env.uid);
  return dir;
}

/** Writes a file and gives it to the test user. */
export function writeUserFile(env: ClusterEnv, file: string, text: string, mode = 0o644): void {
  fs.writeFileSync(file, text, { mode });
  if (process.getuid?.() === 0) fs.chownSync(file, env.uid, gidOf(env.user) ?? env.uid);
}

function gidOf(user: string): number | undefined {
  try {
    const line = fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${user}:`));
    const gid = line?.split(':')[3];
    return gid ? Number(gid) : undefined;
  } catch {
    return undefined;
  }
}
