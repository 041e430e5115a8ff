// What the cache lens says above a job: `shifterflow run --dry-run --json`'s answer (runner/cli/dry-run.ts)
// turned into one title per job. Pure and free of `vscode`, so that it is tested without a host.

import type { DryRunResult, DryRunTask } from '../runner/cli/dry-run';

export interface CacheText {
  title: string;
  tooltip: string;
}

/** The dry run's stdout (one JSON object), or undefined when it is not that. */
export function parseDryRun(stdout: string): Pick<DryRunResult, 'imageIds' | 'tasks'> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    return undefined;
  }
  const d = data as { imageIds?: unknown; tasks?: unknown } | null;
  if (!d || (d.imageIds !== 'lookup' && d.imageIds !== 'last-run') || !Array.isArray(d.tasks)) return undefined;
  const sound = d.tasks.every((t: Partial<DryRunTask>) => typeof t?.job === 'string' && typeof t.cached === 'boolean' && (t.cached ? typeof t.runId === 'string' : typeof t.reason === 'string'));
  return sound ? { imageIds: d.imageIds, tasks: d.tasks as DryRunTask[] } : undefined;
}

/**
 * Per job: "cached (RUN)" when every task of it is, else "runs: WHY" with the first task's reason
 * (as `run --dry-run` orders them); a matrix says how many of its tasks run.
 */
export function jobCacheTexts(result: Pick<DryRunResult, 'imageIds' | 'tasks'>): Map<string, CacheText> {
  const byJob = new Map<string, DryRunTask[]>();
  for (const t of result.tasks) byJob.set(t.job, [...(byJob.get(t.job) ?? []), t]);
  const idsNote = result.imageIds === 'last-run' ? '\n\nImage ids as the last run made them READY (not checked without preparing the images).' : '';
  const out = new Map<string, CacheText>();
  for (const [job, tasks] of byJob) {
    const name = (t: DryRunTask) => (t.index === undefined ? job : `${job}[${t.index}]`);
    const lines = tasks.map((t) => `${name(t)}: ${t.cached ? `cached (${t.runId})` : `runs: ${t.reason}`}`);
    const tooltip = `shifterflow run --dry-run:\n\n${lines.join('\n')}${idsNote}\n\nClick to check again.`;
    const running = tasks.filter((t) => !t.cached);
    if (running.length === 0) {
      const runs = [...new Set(tasks.map((t) => t.runId!))].sort();
      out.set(job, { title: `$(check) cached (${runs.length === 1 ? runs[0] : `${runs.at(-1)} and ${runs.length - 1} earlier`})`, tooltip });
    } else {
      const count = tasks.length > 1 ? ` ${running.length} of ${tasks.length}` : '';
      out.set(job, { title: `runs${count}: ${running[0].reason}`, tooltip });
    }
  }
  return out;
}

/** A dry run that did not answer: the CLI's own words, without a misleading per-job answer. */
export function failedCheckText(exitCode: number | null, stderr: string, timedOut: boolean): CacheText {
  const said = stderr.trim().split('\n').slice(0, 12).join('\n');
  if (timedOut) return { title: '$(warning) cache: no answer (the dry run took too long)', tooltip: `shifterflow run --dry-run did not end in time and was stopped.${said ? `\n\n${said}` : ''}\n\nClick to check again.` };
  const code = /\b(SF\d{3})\b/.exec(said)?.[1];
  return {
    title: `$(warning) cache: fix the errors first${code ? ` (${code})` : ''}`,
    tooltip: `shifterflow run --dry-run stopped (exit ${exitCode ?? 'signal'}):\n\n${said || '(no message)'}\n\nClick to check again.`,
  };
}
