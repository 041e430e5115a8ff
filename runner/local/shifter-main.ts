// The local runtime's `shifter`: the options of Shifter's own command (see the contract), so that
// one batch script runs on Slurm and on this machine. It runs the command through the local engine
// chosen by the executor (SF_LOCAL_ENGINE). Engine `none` runs on the host: nothing is isolated and
// volumes are not mounted (the run says so once when it starts).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ShifterArgs {
  image?: string;
  volumes: string[];
  env: string[];
  envFiles: string[];
  workdir?: string | true;
  entrypoint?: string | true;
  modules?: string;
  clearenv: boolean;
  command: string[];
}

/** Shifter's option parsing: it stops at the first non-option (the command). */
export function parseShifterArgs(argv: string[]): ShifterArgs {
  const a: ShifterArgs = { volumes: [], env: [], envFiles: [], clearenv: false, command: [] };
  let i = 0;
  const take = (arg: string, long: string, short?: string): string | undefined => {
    if (arg.startsWith(`--${long}=`)) return arg.slice(long.length + 3);
    if (arg === `--${long}` || (short && arg === `-${short}`)) return argv[++i];
    if (short && arg.startsWith(`-${short}`) && arg.length > 2) return arg.slice(2);
    return undefined;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) break;
    let v: string | undefined;
    if (arg === '--') {
      i++;
      break;
    } else if ((v = take(arg, 'image', 'i')) !== undefined) a.image = v;
    else if ((v = take(arg, 'volume', 'V')) !== undefined) a.volumes.push(v);
    else if ((v = take(arg, 'env', 'e')) !== undefined) a.env.push(v);
    else if ((v = take(arg, 'module', 'm')) !== undefined) a.modules = v;
    else if (arg.startsWith('--env-file=')) a.envFiles.push(arg.slice(11));
    else if (arg === '--workdir' || arg === '-w') a.workdir = true;
    else if (arg.startsWith('--workdir=')) a.workdir = arg.slice(10);
    else if (arg === '--entrypoint') a.entrypoint = true;
    else if (arg.startsWith('--entrypoint=')) a.entrypoint = arg.slice(13);
    else if (arg === '-E' || arg === '--clearenv') a.clearenv = true;
    else if (arg === '-v' || arg === '--verbose') continue;
    else throw new Error(`Unknown option ${arg}`);
  }
  a.command = argv.slice(i);
  return a;
}

export function main(): void {
  let args: ShifterArgs;
  try {
    args = parseShifterArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  const image = args.image ?? process.env.SHIFTER_IMAGEREQUEST;
  if (!image) {
    process.stderr.write('shifter: no image given (--image, or #SBATCH --image in the batch script)\n');
    process.exit(1);
  }
  const env: Record<string, string> = args.clearenv ? {} : { ...(process.env as Record<string, string>) };
  for (const file of args.envFiles) {
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line.includes('=')) env[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  for (const kv of args.env) {
    const eq = kv.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`Invalid environment variable: ${kv}\n`);
      process.exit(1);
    }
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  env.SHIFTER_RUNTIME = '1';
  env.SHIFTER_IMAGEREQUEST = image;
  env.SHIFTER_IMAGE = image;
  const engine = process.env.SF_LOCAL_ENGINE ?? 'none';
  if (engine !== 'none') {
    process.stderr.write(`shifter: local engine "${engine}" is not available in this build\n`);
    process.exit(1);
  }
  const command = args.entrypoint && typeof args.entrypoint === 'string' ? [args.entrypoint, ...args.command] : args.command;
  if (command.length === 0) {
    process.stderr.write('shifter: no command given (Shifter does not run the image ENTRYPOINT)\n');
    process.exit(1);
  }
  const cwd = typeof args.workdir === 'string' ? args.workdir : undefined;
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env, cwd });
  child.on('error', (e) => {
    process.stderr.write(`shifter: ${command[0]}: ${e.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 143 : 1)));
}

