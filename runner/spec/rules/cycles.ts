// SF033: `needs` must form a DAG. A depth-first walk in file order reports every edge that closes a
// cycle (a back edge), with the whole cycle in the message. Removing the reported edges always
// leaves a DAG, so fixing what is reported is enough even where cycles share jobs.

import type { Finding } from '../finding';
import { asArray, jobsOf, type Rule } from './rule';

export const cycles: Rule = ({ value }) => {
  const jobs = jobsOf(value);
  const id = new Map(jobs.map((j, i) => [j.name, i]));
  // edges[i]: the jobs job i needs, with the index of each in its `needs` list.
  const edges = jobs.map((entry) => {
    const out: { to: number; index: number }[] = [];
    asArray(entry.job.needs).forEach((n, index) => {
      const to = typeof n === 'string' ? id.get(n) : undefined;
      if (to !== undefined) out.push({ to, index });
    });
    return out;
  });

  const findings: Finding[] = [];
  // 0: not seen, 1: on the current path, 2: done (no cycle through it is left to find).
  const state = new Uint8Array(jobs.length);
  for (let root = 0; root < jobs.length; root++) {
    if (state[root] !== 0) continue;
    // Iterative, so that a long chain of jobs cannot overflow the stack.
    const path = [root];
    const next = [0];
    state[root] = 1;
    while (path.length > 0) {
      const at = path[path.length - 1];
      const edge = edges[at][next[next.length - 1]++];
      if (edge === undefined) {
        state[at] = 2;
        path.pop();
        next.pop();
      } else if (state[edge.to] === 1) {
        const cycle = [...path.slice(path.lastIndexOf(edge.to)), edge.to].map((i) => jobs[i].name).join(' -> ');
        findings.push({
          code: 'SF033',
          message: `Jobs wait for each other in a cycle: ${cycle}, so Slurm would never start them. Remove "${jobs[edge.to].name}" from the needs of "${jobs[at].name}", or break the cycle elsewhere.`,
          path: ['jobs', jobs[at].name, 'needs', edge.index],
        });
      } else if (state[edge.to] === 0) {
        state[edge.to] = 1;
        path.push(edge.to);
        next.push(0);
      }
    }
  }
  return findings;
};
