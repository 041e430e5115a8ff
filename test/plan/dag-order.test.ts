// topologicalOrder (a heap of ready jobs) gives exactly the order, and the errors, of the definition:
// "among the jobs whose needs are all placed, the one written first goes next", checked against
// that definition written as a scan, on random DAGs, cycles and repeated names.
import assert from 'node:assert/strict';
import { topologicalOrder, type DagNode } from '../../runner/plan/dag';

/** The definition, as the scan it was (n^2/2 steps). */
function byScan(nodes: readonly DagNode[]): string[] {
  const known = new Set(nodes.map((n) => n.name));
  for (const n of nodes) {
    for (const need of n.needs) {
      if (!known.has(need)) throw new Error(`job ${n.name} needs ${need}, which is not a job of this workflow`);
      if (need === n.name) throw new Error(`job ${n.name} needs itself`);
    }
  }
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const next = nodes.find((n) => !placed.has(n.name) && n.needs.every((d) => placed.has(d)));
    if (!next) throw new Error(`the needs of ${nodes.filter((n) => !placed.has(n.name)).map((n) => n.name).join(', ')} form a cycle`);
    placed.add(next.name);
    order.push(next.name);
  }
  return order;
}

function outcome(f: () => string[]): string[] | string {
  try {
    return f();
  } catch (err) {
    return (err as Error).message;
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('plan: topological order against its definition', () => {
  it('agrees on random DAGs (shuffled file order, repeated needs), cycles and repeated names', () => {
    const random = rng(7);
    for (let trial = 0; trial < 3000; trial++) {
      const n = 1 + Math.floor(random() * 14);
      const names = Array.from({ length: n }, (_, i) => `j${i}`);
      // Edges from a hidden order, so most graphs are DAGs; some get a back edge (a cycle).
      const nodes: DagNode[] = names.map((name, i) => {
        const needs: string[] = [];
        for (let k = 0; k < i; k++) if (random() < 0.3) needs.push(names[k]);
        if (needs.length > 0 && random() < 0.2) needs.push(needs[0]);
        return { name, needs };
      });
      if (random() < 0.15 && n > 1) {
        const a = 1 + Math.floor(random() * (n - 1));
        const b = Math.floor(random() * a);
        nodes[b].needs = [...nodes[b].needs, names[a]];
      }
      if (random() < 0.05 && n > 2) nodes.push({ name: names[Math.floor(random() * n)], needs: random() < 0.5 ? [] : [names[0]] });
      for (let i = nodes.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
      }
      assert.deepEqual(outcome(() => topologicalOrder(nodes)), outcome(() => byScan(nodes)), JSON.stringify(nodes));
    }
  });

  it('orders a 20,000-job chain written backwards at once', () => {
    const n = 20_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ name: `j${n - 1 - i}`, needs: i === n - 1 ? [] : [`j${n - 2 - i}`] }));
    const t = Date.now();
    const order = topologicalOrder(nodes);
    assert.ok(Date.now() - t < 2000);
    assert.equal(order[0], 'j0');
    assert.equal(order[n - 1], `j${n - 1}`);
  });
});
