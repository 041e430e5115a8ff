// The `needs` between jobs as a graph, and the edges that close its cycles: SF033 looks for cycles
// among jobs, SF049 among groups and the jobs around them.

import { asArray, type JobEntry } from './rule';

export interface NeedEdge {
  /** The needed job (an index into the jobs). */
  to: number;
  /** Where it is in the needing job's `needs` list. */
  index: number;
}

/** edges[i]: the jobs job i needs, known jobs only, in the order of its `needs`. */
export function needEdges(jobs: readonly JobEntry[]): NeedEdge[][] {
  const id = new Map(jobs.map((j, i) => [j.name, i]));
  return jobs.map((entry) => {
    const out: NeedEdge[] = [];
    asArray(entry.job.needs).forEach((n, index) => {
      const to = typeof n === 'string' ? id.get(n) : undefined;
      if (to !== undefined) out.push({ to, index });
    });
    return out;
  });
}

export interface BackEdge<E> {
  /** The node the closing edge leaves from. */
  from: number;
  edge: E;
  /** The cycle's nodes, from the one the edge returns to around to it again. */
  nodes: number[];
  /** The cycle's edges, in the same order, the closing one last. */
  via: E[];
}

/**
 * Every edge that closes a cycle (a back edge of a depth-first walk from each node in order).
 * Removing them always leaves a DAG, so fixing what is reported is enough even where cycles share
 * nodes. Iterative, so that a long chain cannot overflow the stack.
 */
export function backEdges<E extends { to: number }>(edges: readonly (readonly E[])[]): BackEdge<E>[] {
  const out: BackEdge<E>[] = [];
  // 0: not seen, 1: on the current path, 2: done (no cycle through it is left to find).
  const state = new Uint8Array(edges.length);
  for (let root = 0; root < edges.length; root++) {
    if (state[root] !== 0) continue;
    const path = [root];
    // via[i] is the edge from path[i] to path[i + 1].
    const via: E[] = [];
    const next = [0];
    state[root] = 1;
    while (path.length > 0) {
      const at = path[path.length - 1];
      const edge = edges[at][next[next.length - 1]++];
      if (edge === undefined) {
        state[at] = 2;
        path.pop();
        next.pop();
        via.pop();
      } else if (state[edge.to] === 1) {
        const k = path.lastIndexOf(edge.to);
        out.push({ from: at, edge, nodes: [...path.slice(k), edge.to], via: [...via.slice(k), edge] });
      } else if (state[edge.to] === 0) {
        state[edge.to] = 1;
        path.push(edge.to);
        next.push(0);
        via.push(edge);
      }
    }
  }
  return out;
}
