// How a plan uses each of its images, for the image check's workflow rules: one ImageUse per step
// that runs in the image (its job, or `job.step` for a job of several steps), with the step's MPI,
// entrypoint, command (and whether it runs under the image's /bin/sh), workdir and the job's volume
// targets; with the workflow, where the file writes each command. Pure: the plan in, uses by reference out.

import { PLACEHOLDER, placeholderValue } from '../plan/file-refs';
import type { Plan, PlannedJob, PlannedStep } from '../plan/types';
import { commandForm } from '../render/command-form';
import { substituteInShell } from '../render/shell-quote';
import type { Workflow } from '../workflow/generated/schema-types';
import type { ImageUse } from './check-context';
import { commandSite } from './image-sites';

export function planImageUses(plan: Plan, workflow?: Workflow): Map<string, ImageUse[]> {
  const uses = new Map<string, ImageUse[]>(plan.images.map((i) => [i.ref, []]));
  for (const job of plan.jobs) {
    const volumeTargets = job.volumes.map((v) => v.target);
    for (const [index, step] of job.steps.entries()) {
      const use: ImageUse = {
        job: job.steps.length === 1 ? job.key : `${job.key}.${step.name}`,
        // An image that brings its own MPI (`mpi: own`) does not take the system's: no swap-in to check.
        mpi: step.mpi !== undefined && step.image.mpi !== 'own',
        entrypoint: step.entrypoint !== undefined,
        commands: step.command.trim() === '' ? [] : [step.command],
        workdirs: step.workdir ? [step.workdir] : [],
        volumeTargets,
      };
      const shell = step.command.trim() === '' ? undefined : needsShell(job, step);
      if (shell !== undefined) use.shell = shell;
      const at = workflow ? commandSite(workflow, job.key, index) : undefined;
      if (at) use.at = at;
      const list = uses.get(step.image.ref) ?? [];
      list.push(use);
      uses.set(step.image.ref, list);
    }
  }
  return uses;
}

/**
 * Why the step's command runs under `/bin/sh -c` on some task, as the renderer decides it: the
 * command with each task's matrix values and declared files put in (the paths as on the host; the
 * job sees the same characters under its volume's target), read by commandForm.
 */
function needsShell(job: PlannedJob, step: PlannedStep): string | undefined {
  const hasPlaceholders = step.command.includes('${{');
  const tasks = job.array && hasPlaceholders ? job.array.values.map((values, i) => ({ values, files: job.files[i] })) : [{ values: job.array?.values[0], files: job.files[0] }];
  for (const { values, files } of tasks) {
    let command: string;
    try {
      command = hasPlaceholders ? substituteInShell(step.command, PLACEHOLDER, (m) => placeholderValue(m[1], m[2], values, files, (p) => p)) : step.command;
    } catch {
      // A placeholder the renderer would refuse (reported by validation): judge the rest of the command.
      command = step.command.replace(PLACEHOLDER, 'x');
    }
    const form = commandForm(command);
    if (form.kind === 'shell') return form.because;
  }
  return undefined;
}
