// The DAG made by `needs`: a stable topological order. Among the jobs whose needs are all placed, the
// one written first in the file goes next, so the order is the file's order wherever the DAG allows.

import { PlanError } from './plan-error';

export interface DagNode {
  name: string;
  needs: readonly string[];
}

/** Job names in a stable topological order. Throws PlanError on an unknown need or a cycle. */
export function topologicalOrder(nodes: readonly DagNode[]): string[] {
  const known = new Set(nodes.map((n) => n.name));
  for (const n of nodes) {
    for (const need of n.needs) {
      if (!known.has(need)) throw new PlanError(`job ${n.name} needs ${need}, which is not a job of this workflow`);
      if (need === n.name) throw new PlanError(`job ${n.name} needs itself`);
    }
  }
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const next = nodes.find((n) => !placed.has(n.name) && n.needs.every((d) => placed.has(d)));
    if (!next) {
      const left = nodes.filter((n) => !placed.has(n.name)).map((n) => n.name);
      throw new PlanError(`the needs of ${left.join(', ')} form a cycle`);
    }
    placed.add(next.name);
    order.push(next.name);
  }
  return order;
}

/** Dependency edges `from -> to` (to needs from), in the given job order. */
export function dependencyEdges(jobs: readonly { key: string; needs: readonly string[] }[]): { from: string; to: string }[] {
  return jobs.flatMap((j) => j.needs.map((from) => ({ from, to: j.key })));
}
