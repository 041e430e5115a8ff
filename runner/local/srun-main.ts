// The local runtime's `srun`: starts a step's tasks on this machine with the variables Slurm gives
// each task (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID...), waits for all of them and exits with the
// first failure, as srun does. Node and task counts beyond one machine are honoured as task counts.

import { spawn } from 'node:child_process';

export function parseSrunArgs(argv: string[]): { ntasks: number; command: string[]; pty: boolean } {
  let nodes: number | undefined;
  let ntasks: number | undefined;
  let perNode: number | undefined;
  let pty = false;
  let i = 0;
  const value = (a: string): string => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) break;
    if (a === '-N' || a.startsWith('--nodes')) nodes = parseInt(value(a), 10);
    else if (a.startsWith('-N')) nodes = parseInt(a.slice(2), 10);
    else if (a === '-n' || a.startsWith('--ntasks=') || a === '--ntasks') ntasks = parseInt(value(a), 10);
    else if (a.startsWith('-n')) ntasks = parseInt(a.slice(2), 10);
    else if (a.startsWith('--ntasks-per-node')) perNode = parseInt(value(a), 10);
    else if (a === '--pty') pty = true;
    else if (a === '-c' || a === '-J' || a === '-t' || a === '-p' || a === '-q' || a === '-A' || a === '-w') i++;
    else if (a === '--') {
      i++;
      break;
    }
    // other long options (--overlap, --exact, --mpi=..., --cpus-per-task=...) need no local action
  }
  const n = ntasks ?? (perNode !== undefined ? perNode * (nodes ?? 1) : (nodes ?? 1));
  return { ntasks: Math.max(1, n), command: argv.slice(i), pty };
}

export function main(): void {
  const { ntasks, command } = parseSrunArgs(process.argv.slice(2));
  if (command.length === 0) {
    process.stderr.write('srun: fatal: No command given to execute.\n');
    process.exit(1);
  }
  const step = process.env.SF_LOCAL_STEP ? Number(process.env.SF_LOCAL_STEP) + 1 : 0;
  let firstFailure: number | undefined;
  let left = ntasks;
  for (let rank = 0; rank < ntasks; rank++) {
    const env = {
      ...process.env,
      SF_LOCAL_STEP: String(step),
      SLURM_STEP_ID: String(step),
      SLURM_STEPID: String(step),
      SLURM_PROCID: String(rank),
      SLURM_LOCALID: String(rank),
      SLURM_NODEID: '0',
      SLURM_NTASKS: String(ntasks),
      SLURM_NPROCS: String(ntasks),
      SLURM_STEP_NUM_TASKS: String(ntasks),
    };
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
    child.on('error', (e) => {
      process.stderr.write(`srun: error: task ${rank}: ${e.message}\n`);
      firstFailure ??= 2;
      if (--left === 0) process.exit(firstFailure);
    });
    child.on('exit', (code, signal) => {
      const status = code ?? (signal ? 128 + 15 : 1);
      if (status !== 0) {
        process.stderr.write(`srun: error: task ${rank}: Exited with exit code ${status}\n`);
        firstFailure ??= status;
      }
      if (--left === 0) process.exit(firstFailure ?? 0);
    });
  }
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(128 + (sig === 'SIGTERM' ? 15 : 2)));
}

