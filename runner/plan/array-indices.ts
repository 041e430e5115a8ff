// Slurm's `--array` value, both ways: a set of task indices and a throttle -> `1-3,7,912%10`, and that
// text -> the indices. One place for every submission of part of an array: a retry of its failed
// tasks, a resume that skips the finished ones, a matrix partly cached.

/** `--array` for these indices (any order, duplicates ignored): runs of consecutive ones as ranges, `%throttle` kept. */
export function arraySpec(indices: Iterable<number>, maxParallel?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError('an array submission needs at least one index');
  for (const i of sorted) if (!Number.isInteger(i) || i < 0) throw new RangeError(`array index ${i} is not a whole number >= 0`);
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let end = k;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
    parts.push(end === k ? String(sorted[k]) : `${sorted[k]}-${sorted[end]}`);
    k = end + 1;
  }
  return parts.join(',') + (maxParallel !== undefined ? `%${maxParallel}` : '');
}

/** The indices and throttle of an `--array` value: `0-5`, `1,3,5`, `0-9:2`, with an optional `%N`. */
export function parseArraySpec(spec: string): { indices: number[]; maxParallel?: number } {
  const [list, limit] = spec.split('%');
  const indices: number[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    const step = m[3] !== undefined ? Math.max(1, Number(m[3])) : 1;
    for (let i = from; i <= to; i += step) indices.push(i);
  }
  return { indices, maxParallel: limit ? Number(limit) : undefined };
}
