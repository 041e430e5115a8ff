// SF034 SF036 SF047: the shape of what a job runs. One command or a list of steps (Shifter never
// runs the image's ENTRYPOINT unless asked), steps told apart by name in logs and traces, and a
// background step only where a later step runs beside it.

import type { Finding } from '../finding';
import { asArray, asRecord, asString, hasUnknownKey, yamlScalar, type JobRule } from './rule';

export const steps: JobRule = (_ctx, entry) => {
  const findings: Finding[] = [];
  const { job } = entry;
  const hasSteps = job.steps !== undefined;
  if (job.command !== undefined && hasSteps) {
    findings.push({
      code: 'SF036',
      message: `Job "${entry.name}" has both command and steps; it runs one or the other. Move the command into a step (- command: ...) or delete it.`,
      path: [...entry.path, 'command'],
      anchor: 'key',
    });
  } else if (job.command === undefined && !hasSteps && !hasUnknownKey(job)) {
    findings.push({
      code: 'SF036',
      message: `Job "${entry.name}" has no command and no steps, and Shifter does not run the image's ENTRYPOINT by itself. Add command: with the program to run.`,
      path: entry.path,
      anchor: 'key',
    });
  }

  const list = asArray(job.steps);
  const names = new Set(list.map((s) => asString(asRecord(s)?.name)).filter((n) => n !== undefined));
  const seen = new Set<string>();
  list.forEach((s, i) => {
    const name = asString(asRecord(s)?.name);
    if (name === undefined) return;
    if (!seen.has(name)) {
      seen.add(name);
      return;
    }
    let k = 2;
    while (names.has(`${name}-${k}`)) k++;
    const unique = `${name}-${k}`;
    names.add(unique);
    findings.push({
      code: 'SF034',
      message: `Job "${entry.name}" has two steps named "${name}"; logs and the trace could not tell them apart. Rename this one, for example to "${unique}".`,
      path: [...entry.path, 'steps', i, 'name'],
      fix: { title: `Rename to "${unique}"`, kind: 'replaceValue', yaml: yamlScalar(unique) },
    });
  });

  const last = asRecord(list[list.length - 1]);
  if (last?.background === true) {
    const name = asString(last.name);
    findings.push({
      code: 'SF047',
      message: `The last step${name !== undefined ? ` "${name}"` : ''} of job "${entry.name}" runs in the background, but no later step runs beside it and the script waits for it anyway. Remove background: true, or move the step before the ones it should run beside.`,
      path: [...entry.path, 'steps', list.length - 1, 'background'],
      fix: { title: 'Set background to false', kind: 'replaceValue', yaml: 'false' },
    });
  }
  return findings;
};
