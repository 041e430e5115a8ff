// What happens during a run, as data. The journal stores these events, the progress display and
// `--json` print them, and the VS Code extension consumes the same stream.

import type { JobState } from './job-state';

/** A file a job read or wrote and its content digest (provenance: report.html). */
export interface RecordedFile {
  path: string;
  digest: string;
}

interface Timed {
  time: string;
}

export type RunEvent = Timed &
  (
    | { type: 'run-started'; runId: string; workflow: string; file: string; profile: string; executor: string; jobs: { key: string; cacheKey: string; needs: string[]; arraySize?: number; group?: string }[] }
    | { type: 'image'; ref: string; status: string; id?: string; message?: string }
    /** `arrayIndices`: the tasks this attempt runs (`--array` value) when not the whole array; the others keep their earlier attempt's result. */
    | { type: 'job-submitted'; job: string; attempt: number; externalId: string; cacheKey: string; arrayIndices?: string }
    | { type: 'job-cached'; job: string; arrayIndex?: number; fromRun: string; key: string; inputs: Record<string, RecordedFile[]>; outputs: Record<string, RecordedFile[]> }
    | { type: 'job-recorded'; job: string; arrayIndex?: number; key: string; inputs: Record<string, RecordedFile[]>; outputs: Record<string, RecordedFile[]> }
    | { type: 'job-state'; job: string; attempt: number; externalId: string; arrayIndex?: number; state: JobState; exitCode?: number; nodes?: string; start?: string; end?: string; elapsedSeconds?: number; reason?: string }
    | { type: 'message'; level: 'info' | 'warning' | 'error'; text: string }
    | { type: 'run-finished'; status: RunStatus }
  );

export type RunStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';

export type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

// Distributes an event to its arguments without making each caller spell the union.
export function event<T extends RunEvent['type']>(type: T, fields: Omit<EventOf<T>, 'type' | 'time'>): EventOf<T> {
  return { type, time: new Date().toISOString(), ...fields } as EventOf<T>;
}
