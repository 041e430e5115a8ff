// The lines of a job's script for its declared outputs, around its command. Before it: each output
// that is a file from an earlier run is removed and the directories the outputs go into are made, so a
// job that runs again and does not write an output fails instead of passing on the old file (as
// Snakemake does; a directory output is kept: removing a whole tree on a mistyped path would cost
// more than it saves). After a command that succeeded: each output must exist on the node, or the
// script exits 1 naming it. Slurm then records the job FAILED, so `afterok` never lets its dependents
// start on a missing file (the runner checks again from where it runs, run/output-check.ts, and says
// so in status and the report). Host paths: the batch script runs on the node, outside the image.

import type { PlannedJob } from '../plan/types';
import { quote } from './shell-quote';

const INDENT = '  ';

function hasOutputs(job: PlannedJob): boolean {
  return job.files.some((f) => f.outputs.length > 0);
}

/** `sf_outputs=(NAME PATH ...)`, for the array task that runs where outputs differ per task. */
function outputList(job: PlannedJob): string[] {
  const words = job.files.map((f) => f.outputs.flatMap((s) => s.paths.flatMap((p) => [quote(s.name), quote(p)])).join(' '));
  if (!job.array || words.every((w) => w === words[0])) return [`sf_outputs=(${words[0]})`];
  const lines = ['case "${SLURM_ARRAY_TASK_ID:-}" in'];
  words.forEach((w, i) => lines.push(`${INDENT}${i}) sf_outputs=(${w}) ;;`));
  lines.push(`${INDENT}*) sf_outputs=() ;;`, 'esac');
  return lines;
}

export function outputPrepareLines(job: PlannedJob): string[] {
  if (!hasOutputs(job)) return [];
  return [
    '# declared outputs: an old file is removed first, so that only this run can write it',
    ...outputList(job),
    'for ((sf_i = 1; sf_i < ${#sf_outputs[@]}; sf_i += 2)); do',
    `${INDENT}[ -d "\${sf_outputs[sf_i]}" ] || rm -f -- "\${sf_outputs[sf_i]}"`,
    `${INDENT}mkdir -p -- "$(dirname -- "\${sf_outputs[sf_i]}")" || { printf 'shifterflow: cannot make the directory of output %s: %s\\n' "\${sf_outputs[sf_i - 1]}" "\${sf_outputs[sf_i]}" >&2; exit 1; }`,
    'done',
    '',
  ];
}

export function outputCheckLines(job: PlannedJob): string[] {
  if (!hasOutputs(job)) return [];
  return [
    '',
    '# declared outputs: a missing one fails the job, so that its dependents never start',
    'sf_status=$?',
    'if [ "$sf_status" -eq 0 ]; then',
    `${INDENT}for ((sf_i = 0; sf_i < \${#sf_outputs[@]}; sf_i += 2)); do`,
    `${INDENT}${INDENT}[ -e "\${sf_outputs[sf_i + 1]}" ] || { printf 'shifterflow: output %s was not written: %s\\n' "\${sf_outputs[sf_i]}" "\${sf_outputs[sf_i + 1]}" >&2; sf_status=1; }`,
    `${INDENT}done`,
    'fi',
    'exit "$sf_status"',
  ];
}
