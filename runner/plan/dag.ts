// The DAG made by `needs`: a stable topological order. Among the jobs whose needs are all placed, the
// one written first in the file goes next, so the order is the file's order wherever the DAG allows.

import { PlanError } from './plan-error';

export interface DagNode {
  name: string;
  needs: readonly string[];
}

/** Job names in a stable topological order. Throws PlanError on an unknown need or a cycle. */
export function topologicalOrder(nodes: readonly DagNode[]): string[] {
  const first = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (!first.has(n.name)) first.set(n.name, i);
  });
  for (const n of nodes) {
    for (const need of n.needs) {
      if (!first.has(need)) throw new PlanError(`job ${n.name} needs ${need}, which is not a job of this workflow`);
      if (need === n.name) throw new PlanError(`job ${n.name} needs itself`);
    }
  }
  // Kahn's algorithm with the ready jobs in a min-heap of file positions: the same order as scanning
  // for the first ready job each time (n^2/2 steps for n jobs), in O(edges + n log n). As with the
  // scan, a name is placed once, by whichever of its entries is ready first.
  const waiting = nodes.map((n) => new Set(n.needs).size);
  const dependents: number[][] = nodes.map(() => []);
  const ready = new MinHeap();
  nodes.forEach((n, i) => {
    for (const need of new Set(n.needs)) dependents[first.get(need)!].push(i);
    if (waiting[i] === 0) ready.push(i);
  });
  const placed = new Set<string>();
  const order: string[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    const name = nodes[i].name;
    if (placed.has(name)) continue;
    placed.add(name);
    order.push(name);
    for (const d of dependents[first.get(name)!]) if (--waiting[d] === 0) ready.push(d);
  }
  if (order.length < nodes.length) {
    const left = nodes.filter((n) => !placed.has(n.name)).map((n) => n.name);
    throw new PlanError(`the needs of ${left.join(', ')} form a cycle`);
  }
  return order;
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly a: number[] = [];
  push(v: number): void {
    const a = this.a;
    let i = a.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= v) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }
  pop(): number | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1] < a[l] ? l + 1 : l;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** Dependency edges `from -> to` (to needs from), in the given job order. */
export function dependencyEdges(jobs: readonly { key: string; needs: readonly string[] }[]): { from: string; to: string }[] {
  return jobs.flatMap((j) => j.needs.map((from) => ({ from, to: j.key })));
}
