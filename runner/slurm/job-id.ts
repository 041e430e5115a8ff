// Slurm job ids as squeue and sacct print them: `123`, `123_4` (array task), `123_[0-9%2]` or
// `123_[1,3,5-7]` (tasks still pending, one row), `123.batch` / `123_4.0` (steps), `123+1` (het job).

export interface ParsedJobId {
  /** The job id the user submitted (the array's id for a task). */
  jobId: string;
  arrayIndex?: number;
  /** Indices of pending tasks listed in one row (`123_[0-3,7]`). */
  pendingIndices?: number[];
  /** Step name: `batch`, `extern`, `0`, ... */
  step?: string;
  /** Heterogeneous job component (`123+1` -> 1). */
  hetOffset?: number;
}

/** Above this many tasks in one `[...]` row something is wrong: refuse instead of allocating. */
const MAX_EXPANDED = 1_000_000;

export function parseJobId(text: string): ParsedJobId | undefined {
  const m = /^(\d+)(?:\+(\d+))?(?:_(\d+|\[[^\]]*\]))?(?:\+(\d+))?(?:\.(.+))?$/.exec(text.trim());
  if (!m) return undefined;
  const out: ParsedJobId = { jobId: m[1] };
  const het = m[2] ?? m[4];
  if (het !== undefined) out.hetOffset = Number(het);
  if (m[3] !== undefined) {
    if (m[3].startsWith('[')) {
      const indices = expandArrayRange(m[3]);
      if (!indices) return undefined;
      out.pendingIndices = indices;
    } else out.arrayIndex = Number(m[3]);
  }
  if (m[5] !== undefined) out.step = m[5];
  return out;
}

/** `[0-9]`, `[1,3,5-7]`, `[0-99:3]` (step), `[0-15%4]` (throttle) -> the indices, ascending, unique. */
export function expandArrayRange(text: string): number[] | undefined {
  let body = text.trim();
  if (body.startsWith('[')) body = body.slice(1);
  if (body.endsWith(']')) body = body.slice(0, -1);
  body = body.replace(/%\d+$/, '');
  if (!body) return undefined;
  const seen = new Set<number>();
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (to < from || step < 1 || (to - from) / step + seen.size > MAX_EXPANDED) return undefined;
    for (let i = from; i <= to; i += step) seen.add(i);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Ids as the executor hands them out and accepts them: `123` or `123_4`. */
export function isJobIdArg(text: string): boolean {
  return /^\d+(?:_\d+)?$/.test(text);
}

export function assertJobIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !isJobIdArg(id));
  if (bad.length) throw new TypeError(`not Slurm job ids: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
}
