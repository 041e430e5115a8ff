// SF033: `needs` must form a DAG. A depth-first walk in file order reports every edge that closes a
// cycle (a back edge, needs-graph.ts), with the whole cycle in the message.

import { backEdges, needEdges } from './needs-graph';
import { jobsOf, type Rule } from './rule';

export const cycles: Rule = ({ value }) => {
  const jobs = jobsOf(value);
  return backEdges(needEdges(jobs)).map(({ from, edge, nodes }) => ({
    code: 'SF033',
    message: `Jobs wait for each other in a cycle: ${nodes.map((i) => jobs[i].name).join(' -> ')}, so Slurm would never start them. Remove "${jobs[edge.to].name}" from the needs of "${jobs[from].name}", or break the cycle elsewhere.`,
    path: ['jobs', jobs[from].name, 'needs', edge.index],
  }));
};
