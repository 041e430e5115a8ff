// plan -> the DAG as Mermaid (default) or Graphviz DOT text, for `shifterflow graph`.

import { dependencyEdges } from '../plan/dag';
import type { Plan, PlannedJob } from '../plan/types';

export type GraphFormat = 'mermaid' | 'dot';

function detail(job: PlannedJob): string[] {
  const out: string[] = [];
  if (job.array) out.push(`array of ${job.array.size}`);
  if (job.steps.length > 1) out.push(`${job.steps.length} steps`);
  return out;
}

export function renderGraph(plan: Plan, format: GraphFormat = 'mermaid'): string {
  return format === 'dot' ? dot(plan) : mermaid(plan);
}

function mermaid(plan: Plan): string {
  const id = new Map(plan.jobs.map((j, i) => [j.key, `j${i}`]));
  const label = (s: string) => s.replace(/[&"<>#]/g, (c) => `#${c.charCodeAt(0)};`);
  const lines = ['flowchart TD'];
  for (const job of plan.jobs) lines.push(`  ${id.get(job.key)}["${[job.key, ...detail(job)].map(label).join('<br/>')}"]`);
  for (const e of dependencyEdges(plan.jobs)) lines.push(`  ${id.get(e.from)} --> ${id.get(e.to)}`);
  return lines.join('\n') + '\n';
}

function dot(plan: Plan): string {
  const q = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
  const lines = [`digraph ${q(plan.workflow)} {`, '  node [shape=box];'];
  for (const job of plan.jobs) lines.push(`  ${q(job.key)} [label=${q([job.key, ...detail(job)].join('\n'))}];`);
  for (const e of dependencyEdges(plan.jobs)) lines.push(`  ${q(e.from)} -> ${q(e.to)};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
