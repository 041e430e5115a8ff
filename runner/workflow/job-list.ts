// The names and values of a workflow's `jobs` mapping, in order, computed once per mapping. Several
// checks walk every job on each validation, and Object.keys of a mapping with thousands of keys is
// not cheap (V8 keeps it as a dictionary and sorts the keys each time). The parsed source records the
// list as it builds the mapping, so that after an edit nobody has to ask for the keys at all.

export interface JobList {
  readonly names: readonly string[];
  readonly values: readonly unknown[];
}

const lists = new WeakMap<object, JobList>();

export function jobList(jobs: Record<string, unknown>): JobList {
  let list = lists.get(jobs);
  if (!list) {
    const names = Object.keys(jobs);
    list = { names, values: names.map((n) => jobs[n]) };
    lists.set(jobs, list);
  }
  return list;
}

/** Records the list of a mapping just built by inserting `names` in order (and not changed after). */
export function recordJobList(jobs: Record<string, unknown>, names: readonly string[], values: readonly unknown[]): void {
  // Keys that are array indices ("0", "12") come first in a JavaScript object, whatever the insertion order.
  if (names.some((n) => isIndex(n))) return;
  lists.set(jobs, { names, values });
}

function isIndex(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9][0-9]*)$/.test(name) && Number(name) < 2 ** 32 - 1;
}
