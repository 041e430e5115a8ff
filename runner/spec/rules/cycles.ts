// SF033: `needs` must form a DAG. A depth-first walk in file order reports every edge that closes a
// cycle (a back edge), with the whole cycle in the message. Removing the reported edges always
// leaves a DAG, so fixing what is reported is enough even where cycles share jobs.

import type { Finding } from '../finding';
import { asArray, asString, jobsOf, type Rule } from './rule';

interface Edge {
  to: string;
  index: number;
}

export const cycles: Rule = ({ value }) => {
  const jobs = jobsOf(value);
  const edges = new Map<string, Edge[]>();
  for (const entry of jobs) edges.set(entry.name, []);
  for (const entry of jobs) {
    asArray(entry.job.needs).forEach((n, index) => {
      const to = asString(n);
      if (to !== undefined && edges.has(to)) edges.get(entry.name)!.push({ to, index });
    });
  }

  const findings: Finding[] = [];
  const done = new Set<string>();
  for (const root of edges.keys()) {
    if (done.has(root)) continue;
    // Iterative, so that a long chain of jobs cannot overflow the stack.
    const path: string[] = [root];
    const next: number[] = [0];
    const depth = new Map<string, number>([[root, 0]]);
    while (path.length > 0) {
      const at = path[path.length - 1];
      const out = edges.get(at)!;
      const i = next[next.length - 1]++;
      if (i >= out.length) {
        done.add(at);
        depth.delete(at);
        path.pop();
        next.pop();
        continue;
      }
      const edge = out[i];
      const onPath = depth.get(edge.to);
      if (onPath !== undefined) {
        const cycle = [...path.slice(onPath), edge.to].join(' -> ');
        findings.push({
          code: 'SF033',
          message: `Jobs wait for each other in a cycle: ${cycle}, so Slurm would never start them. Remove "${edge.to}" from the needs of "${at}", or break the cycle elsewhere.`,
          path: ['jobs', at, 'needs', edge.index],
        });
      } else if (!done.has(edge.to)) {
        depth.set(edge.to, path.length);
        path.push(edge.to);
        next.push(0);
      }
    }
  }
  return findings;
};
