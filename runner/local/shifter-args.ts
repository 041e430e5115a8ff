// The options of Shifter's own `shifter` command (docs/shifter.md, "`shifter` (the runtime)"), so that one batch script runs
// on Slurm and on this machine. Option parsing stops at the first non-option (the command).

export interface ShifterArgs {
  image?: string;
  volumes: string[];
  env: string[];
  envFiles: string[];
  /** true: bare --workdir (the image's WORKDIR). */
  workdir?: string | true;
  /** true: bare --entrypoint (the image's ENTRYPOINT). */
  entrypoint?: string | true;
  modules?: string;
  clearenv: boolean;
  verbose: boolean;
  command: string[];
}

export function parseShifterArgs(argv: string[]): ShifterArgs {
  const a: ShifterArgs = { volumes: [], env: [], envFiles: [], clearenv: false, verbose: false, command: [] };
  let i = 0;
  const take = (arg: string, long: string, short?: string): string | undefined => {
    if (arg.startsWith(`--${long}=`)) return arg.slice(long.length + 3);
    if (arg === `--${long}` || (short && arg === `-${short}`)) {
      if (i + 1 >= argv.length) throw new Error(`option ${arg} requires an argument\nMissing an argument!`);
      return argv[++i];
    }
    if (short && arg.startsWith(`-${short}`) && arg.length > 2 && !arg.startsWith('--')) return arg.slice(2);
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
    else if ((v = take(arg, 'env-file')) !== undefined) a.envFiles.push(v);
    else if ((v = take(arg, 'env', 'e')) !== undefined) a.env.push(v);
    else if ((v = take(arg, 'module', 'm')) !== undefined) a.modules = v;
    else if (arg === '--workdir' || arg === '-w') a.workdir = true;
    else if (arg.startsWith('--workdir=')) a.workdir = arg.slice(10);
    else if (arg === '--entrypoint') a.entrypoint = true;
    else if (arg.startsWith('--entrypoint=')) a.entrypoint = arg.slice(13);
    else if (arg === '-E' || arg === '--clearenv') a.clearenv = true;
    else if (arg === '-v' || arg === '--verbose') a.verbose = true;
    else throw new Error(`shifter: unrecognized option '${arg}'`);
  }
  a.command = argv.slice(i);
  return a;
}
