// The shifterflow command line: one file per command, dispatched from here.

import { UserError } from './user-error';
import { validateCommand } from './validate-command';
import { renderCommand } from './render-command';
import { graphCommand } from './graph-command';
import { runCommand } from './run-command';
import { statusCommand } from './status-command';
import { runsCommand } from './runs-command';
import { logsCommand } from './logs-command';
import { cancelCommand } from './cancel-command';
import { imagesCommand } from './images-command';

type Command = (argv: string[]) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  validate: { run: validateCommand, summary: 'check workflow files (schema + Shifter rules)' },
  render: { run: renderCommand, summary: 'print or write the sbatch scripts of a workflow (and submit.sh)' },
  graph: { run: graphCommand, summary: 'print the job graph (Mermaid or DOT)' },
  run: { run: runCommand, summary: 'run a workflow: images, submissions, tracking, journal' },
  status: { run: statusCommand, summary: "show a run's jobs and states" },
  runs: { run: runsCommand, summary: 'list the runs of this directory' },
  logs: { run: logsCommand, summary: "print (or follow) a job's output" },
  cancel: { run: cancelCommand, summary: 'cancel a run and its jobs' },
  images: { run: imagesCommand, summary: 'pull, list and look up images at the Shifter gateway' },
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
