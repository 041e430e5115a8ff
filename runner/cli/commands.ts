// The shifterflow command line: one file per command, dispatched from here.

import { UserError } from '../user-error';

type Command = (argv: string[]) => number | Promise<number>;

// Each command's module is loaded when that command runs: `validate` and `render` do not load (nor
// initialise) the run loop, the local executor, Slurm, images and their Node built-ins
// (child_process, crypto, ...), which is measurable in a cold start (bench P2).
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  validate: { run: async (argv) => (await import('./validate-command')).validateCommand(argv), summary: 'check workflow files (schema + Shifter rules)' },
  render: { run: async (argv) => (await import('./render-command')).renderCommand(argv), summary: 'print or write the sbatch scripts of a workflow (and submit.sh)' },
  graph: { run: async (argv) => (await import('./graph-command')).graphCommand(argv), summary: 'print the job graph (Mermaid or DOT)' },
  // A dry run first tries the memo of the plan, without loading the run (dry-run-command.ts).
  run: { run: async (argv) => (argv.includes('--dry-run') ? (await import('./dry-run-command')).dryRunCommand(argv) : (await import('./run-command')).runCommand(argv)), summary: 'run a workflow: images, submissions, tracking, journal' },
  status: { run: async (argv) => (await import('./status-command')).statusCommand(argv), summary: "show a run's jobs and states" },
  runs: { run: async (argv) => (await import('./runs-command')).runsCommand(argv), summary: 'list the runs of this directory' },
  logs: { run: async (argv) => (await import('./logs-command')).logsCommand(argv), summary: "print (or follow) a job's output" },
  cancel: { run: async (argv) => (await import('./cancel-command')).cancelCommand(argv), summary: 'cancel a run and its jobs' },
  cache: { run: async (argv) => (await import('./cache-command')).cacheCommand(argv), summary: 'list and clean the cache across runs (.shifterflow/cache)' },
  images: { run: async (argv) => (await import('./images-command')).imagesCommand(argv), summary: "pull, list and look up images at the Shifter gateway; check them against Shifter's rules" },
  dockerfile: { run: async (argv) => (await import('./dockerfile-command')).dockerfileCommand(argv), summary: "check Dockerfiles against Shifter's rules (dockerfile check PATH...)" },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Usage: shifterflow COMMAND [options]

Shifter-aware workflows on Slurm.

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'shifterflow COMMAND --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UserError(`unknown command "${name}"\n\n${usage()}`);
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`shifterflow: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

declare const SHIFTERFLOW_VERSION: string | undefined;
const VERSION = typeof SHIFTERFLOW_VERSION === 'string' ? SHIFTERFLOW_VERSION : '0.1.0';
export { COMMANDS };
