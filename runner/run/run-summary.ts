// A run as the journal tells it: what was submitted, each job's latest state, how the run ended.
// `status`, `runs`, the report and the VS Code Runs view all read runs through this.

import type { RunEvent, RunStatus } from './events';
import { aggregateState, type JobState } from './job-state';

export interface JobSummary {
  key: string;
  needs: string[];
  attempt: number;
  externalId?: string;
  state: JobState | 'NOT_SUBMITTED';
  exitCode?: number;
  tasks: { index?: number; state: JobState; exitCode?: number; nodes?: string; start?: string; end?: string }[];
  arraySize?: number;
}

export interface RunSummary {
  runId: string;
  workflow: string;
  file: string;
  executor: string;
  profile: string;
  startedAt: string;
  /** How the run ended, or RUNNING while its runner (or Slurm) still has work. */
  status: RunStatus | 'RUNNING';
  finishedAt?: string;
  jobs: JobSummary[];
}

export function summarize(events: RunEvent[]): RunSummary | undefined {
  const started = events.find((e) => e.type === 'run-started');
  if (!started || started.type !== 'run-started') return undefined;
  const jobs = new Map<string, JobSummary>(started.jobs.map((j) => [j.key, { key: j.key, needs: j.needs, attempt: 0, state: 'NOT_SUBMITTED', tasks: [], arraySize: j.arraySize }]));
  let status: RunSummary['status'] = 'RUNNING';
  let finishedAt: string | undefined;
  for (const e of events) {
    if (e.type === 'job-submitted') {
      const j = jobs.get(e.job);
      if (!j) continue;
      Object.assign(j, { attempt: e.attempt, externalId: e.externalId, state: 'PENDING', tasks: [], exitCode: undefined });
      status = 'RUNNING'; // a resumed run is going again
      finishedAt = undefined;
    } else if (e.type === 'job-state') {
      const j = jobs.get(e.job);
      if (!j || j.externalId !== e.externalId) continue;
      const task = { index: e.arrayIndex, state: e.state, exitCode: e.exitCode, nodes: e.nodes, start: e.start, end: e.end };
      const at = j.tasks.findIndex((t) => t.index === e.arrayIndex);
      if (at >= 0) j.tasks[at] = task;
      else j.tasks.push(task);
      j.state = aggregateState(j.tasks.map((t) => t.state), j.arraySize ?? 1);
      j.exitCode = j.tasks.find((t) => t.exitCode !== undefined && t.exitCode !== 0)?.exitCode ?? j.tasks[0]?.exitCode;
    } else if (e.type === 'run-finished') {
      status = e.status;
      finishedAt = e.time;
    }
  }
  return { runId: started.runId, workflow: started.workflow, file: started.file, executor: started.executor, profile: started.profile, startedAt: started.time, status, finishedAt, jobs: [...jobs.values()] };
}
