// The end of a job's script when it declares outputs: after a command that succeeded, each declared
// output must exist on the node, or the script exits 1 naming it. Slurm then records the job
// FAILED, so `afterok` never lets its dependents start on a missing file (the runner checks again
// from where it runs, run/output-check.ts, and says so in status and the report). Host paths: the
// batch script runs on the node, outside the image.

import type { PlannedJob } from '../plan/types';
import { quote } from './shell-quote';

const INDENT = '  ';

export function outputCheckLines(job: PlannedJob): string[] {
  if (!job.files.some((f) => f.outputs.length > 0)) return [];
  const words = job.files.map((f) => f.outputs.flatMap((s) => s.paths.flatMap((p) => [quote(s.name), quote(p)])).join(' '));
  const lines = ['', '# declared outputs: a missing one fails the job, so that its dependents never start', 'sf_status=$?'];
  if (!job.array || words.every((w) => w === words[0])) lines.push(`sf_outputs=(${words[0]})`);
  else {
    lines.push('case "${SLURM_ARRAY_TASK_ID:-}" in');
    words.forEach((w, i) => lines.push(`${INDENT}${i}) sf_outputs=(${w}) ;;`));
    lines.push(`${INDENT}*) sf_outputs=() ;;`, 'esac');
  }
  lines.push(
    'if [ "$sf_status" -eq 0 ]; then',
    `${INDENT}for ((sf_i = 0; sf_i < \${#sf_outputs[@]}; sf_i += 2)); do`,
    `${INDENT}${INDENT}[ -e "\${sf_outputs[sf_i + 1]}" ] || { printf 'shifterflow: output %s was not written: %s\\n' "\${sf_outputs[sf_i]}" "\${sf_outputs[sf_i + 1]}" >&2; sf_status=1; }`,
    `${INDENT}done`,
    'fi',
    'exit "$sf_status"',
  );
  return lines;
}
