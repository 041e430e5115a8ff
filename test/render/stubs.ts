// Argument-printing stand-ins for srun, shifter, sbatch and shifterimg, put first on PATH to run
// rendered scripts without a cluster. Each records its argv (NUL-separated, one file per call) and
// then behaves just enough like the real program: srun drops its options and runs the command as its
// step (in a process group of its own; a TERM to srun ends the whole step, as Slurm does), shifter
// drops its options and execs the command, sbatch prints a job id.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const RECORD = `rec() { local f="$SF_STUB_LOG/\${EPOCHREALTIME/./}-$$-$RANDOM"; printf '%s\\0' "$@" > "$f.tmp" && mv "$f.tmp" "$f.call"; }`;

const STUBS: Record<string, string> = {
  srun: `${RECORD}
step=
trap 'if [ -n "$step" ]; then kill -TERM -- "-$step" "$step" 2>/dev/null; fi; exit 143' TERM INT
rec srun "$@"
while [ $# -gt 0 ]; do
  case "$1" in
    -N|-n|-c|-t|-p|-q|-A) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
setsid "$@" &
step=$!
wait "$step"`,
  shifter: `${RECORD}
rec shifter "$@"
while [ $# -gt 0 ]; do
  case "$1" in
    -*) shift ;;
    *) break ;;
  esac
done
exec "$@"`,
  sbatch: `${RECORD}
rec sbatch "$@"
n=$(( $(cat "$SF_STUB_LOG/../sbatch-count" 2>/dev/null || echo 1000) + 1 ))
echo "$n" > "$SF_STUB_LOG/../sbatch-count"
if [ "$n" = 1002 ]; then echo "$n;perlmutter"; else echo "$n"; fi`,
  shifterimg: `${RECORD}
rec shifterimg "$@"
exit "\${SF_STUB_SHIFTERIMG_STATUS:-0}"`,
  'argv-dump': `${RECORD}
rec argv-dump "$@"`,
};

export interface Stubs {
  dir: string;
  /** Runs bash on a script file with the stubs first on PATH. */
  run(script: string, env?: Record<string, string>, args?: string[]): { status: number | null; stdout: string; stderr: string; ms: number };
  /** Every recorded call, in time order: [program, ...argv]. */
  calls(): string[][];
  reset(): void;
  cleanup(): void;
}

export function makeStubs(): Stubs {
  const dir = mkdtempSync(join(tmpdir(), 'sf-stubs-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'log');
  mkdirSync(bin);
  mkdirSync(log);
  for (const [name, body] of Object.entries(STUBS)) {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/bash\n${body}\n`);
    chmodSync(path, 0o755);
  }
  return {
    dir,
    run(script, env = {}, args = []) {
      const file = join(dir, `script-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
      writeFileSync(file, script);
      const t0 = Date.now();
      const r = spawnSync('bash', [file, ...args], {
        cwd: dir,
        env: { PATH: `${bin}:/usr/bin:/bin`, SF_STUB_LOG: log, LC_ALL: 'C.UTF-8', ...env },
        timeout: 60_000,
      });
      return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString(), ms: Date.now() - t0 };
    },
    calls() {
      return readdirSync(log)
        .filter((f) => f.endsWith('.call'))
        .sort()
        .map((f) => {
          const s = readFileSync(join(log, f), 'utf8');
          return s.slice(0, -1).split('\0');
        });
    },
    reset() {
      rmSync(log, { recursive: true, force: true });
      mkdirSync(log);
      rmSync(join(dir, 'sbatch-count'), { force: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
