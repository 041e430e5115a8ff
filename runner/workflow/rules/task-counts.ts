// SF044 SF045: node and task counts that Slurm would refuse or silently reshape. A step runs inside
// the job's allocation, so it cannot have more nodes; and tasks, nodes and tasksPerNode given together
// must agree, or srun picks one reading of them that may not be the one meant.

import type { Finding, JsonPath } from '../finding';
import { asArray, asCount, asRecord, effective, type JobRule } from './rule';

export const taskCounts: JobRule = ({ value }, entry) => {
  const nodesSetting = effective(value, entry, 'nodes');
  const jobNodes = asCount(nodesSetting?.value);
  const jobLabel = `job "${entry.name}"`;
  const findings = consistent(jobLabel, entry.path, jobNodes, entry.job);
  asArray(entry.job.steps).forEach((s, i) => {
    const step = asRecord(s);
    if (!step) return;
    const path = [...entry.path, 'steps', i];
    const label = `step ${typeof step.name === 'string' ? `"${step.name}"` : `#${i + 1}`} of ${jobLabel}`;
    const nodes = asCount(step.nodes);
    if (nodes !== undefined && jobNodes !== undefined && nodes > jobNodes) {
      findings.push({
        code: 'SF044',
        message: `The ${label} asks for ${nodes} nodes, but the job has ${jobNodes}${nodesSetting!.path[0] === 'defaults' ? ' (from defaults)' : ''}; a step runs inside the job's allocation. Lower the step's nodes or raise the job's.`,
        path: [...path, 'nodes'],
        fix: { title: `Use the job's ${jobNodes} node${jobNodes === 1 ? '' : 's'}`, kind: 'replaceValue', yaml: String(jobNodes) },
      });
    }
    findings.push(...consistent(`the ${label}`, path, nodes, step));
  });
  return findings;
};

function consistent(label: string, path: JsonPath, nodes: number | undefined, owner: Record<string, unknown>): Finding[] {
  const tasks = asCount(owner.tasks);
  const perNode = asCount(owner.tasksPerNode);
  if (nodes === undefined || tasks === undefined || perNode === undefined || tasks === nodes * perNode) return [];
  const product = nodes * perNode;
  return [
    {
      code: 'SF045',
      message: `${label[0].toUpperCase()}${label.slice(1)} has tasks: ${tasks}, but nodes x tasksPerNode is ${nodes} x ${perNode} = ${product}. Make them agree, or give only two of the three.`,
      path: [...path, 'tasks'],
      fix: { title: `Set tasks to ${product}`, kind: 'replaceValue', yaml: String(product) },
    },
  ];
}
