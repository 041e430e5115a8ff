// SF041 SF042 SF048: what a qos implies. jgi needs whole nodes for Spark; a shared qos gives part of
// one node, and there a serial job (one command, one task) runs directly, without srun: a task count
// above one turns it into an srun of that many copies of the same command.

import type { Finding, FindingFix, JsonPath } from '../finding';
import { asCount, asRecord, effective, hasUnknownKey, type JobEntry, type JobRule } from './rule';

export const qos: JobRule = ({ value, profile }, entry) => {
  const findings: Finding[] = [];
  const q = effective(value, entry, 'qos');
  if (q?.value === 'jgi' && effective(value, entry, 'exclusive')?.value !== true && !hasUnknownKey(entry.job)) findings.push(jgi(value, entry, q.path));
  if (typeof q?.value !== 'string' || !profile.sharedQos.includes(q.value)) return findings;
  const where = `qos ${q.value}${q.path[0] === 'defaults' ? ' (from defaults)' : ''}`;

  const nodes = effective(value, entry, 'nodes');
  const n = asCount(nodes?.value);
  if (nodes && n !== undefined && n > 1) {
    const who = nodes.path[0] === 'defaults' ? `defaults.nodes gives job "${entry.name}" (and every job without nodes of its own) ${n} nodes` : `Job "${entry.name}" asks for ${n} nodes`;
    findings.push(shared(`${who} on the shared ${where}`, nodes.path));
  }
  const steps = Array.isArray(entry.job.steps) ? entry.job.steps : undefined;
  steps?.forEach((s, i) => {
    const sn = asCount(asRecord(s)?.nodes);
    if (sn !== undefined && sn > 1) findings.push(shared(`Step #${i + 1} of job "${entry.name}" asks for ${sn} nodes on the shared ${where}`, [...entry.path, 'steps', i, 'nodes']));
  });
  // An MPI job asks for srun on purpose.
  const mpi = entry.job.mpi;
  if (steps || mpi === true || mpi === 'pmi2' || mpi === 'pmix') return findings;
  for (const key of ['tasks', 'tasksPerNode']) {
    const count = asCount(entry.job[key]);
    if (count === undefined || count <= 1) continue;
    findings.push({
      code: 'SF048',
      message: `Job "${entry.name}" runs one command on the shared ${where} with ${key}: ${count}, so it is not run as a serial job (directly, without srun) but through srun as ${key === 'tasks' ? count : 'several'} copies. For a serial program remove ${key}; for a parallel one, consider another qos.`,
      path: [...entry.path, key],
    });
  }
  return findings;
};

function shared(what: string, path: JsonPath): Finding {
  const f: Finding = { code: 'SF042', message: `${what}; a shared job runs on part of one node. Ask for 1 node, or use another qos (such as regular).`, path };
  // Lowering nodes in defaults would shrink every job: offer the fix where the job says it.
  if (path[0] === 'jobs') f.fix = { title: 'Ask for 1 node', kind: 'replaceValue', yaml: '1' };
  return f;
}

/** Where to say `exclusive: true`: beside the qos that asks for it, replacing a `false` if there is one. */
function jgi(value: Record<string, unknown>, entry: JobEntry, qosPath: JsonPath): Finding {
  const who = qosPath[0] === 'defaults' && entry.job.exclusive === undefined ? 'Jobs in the jgi qos of defaults run' : `Job "${entry.name}" runs in the jgi qos`;
  const message = `${who} without exclusive: true; Spark there needs #SBATCH --exclusive. Add exclusive: true.`;
  const set: FindingFix = { title: 'Set exclusive: true', kind: 'replaceValue', yaml: 'true' };
  const add: FindingFix = { title: 'Add exclusive: true', kind: 'addKey', key: 'exclusive', yaml: 'true' };
  if (entry.job.exclusive !== undefined) return { code: 'SF041', message, path: [...entry.path, 'exclusive'], fix: set };
  const defaults = asRecord(value.defaults);
  if (qosPath[0] === 'defaults') {
    // Every job inherits the qos from defaults: one fix there serves them all.
    if (defaults?.exclusive !== undefined) return { code: 'SF041', message, path: ['defaults', 'exclusive'], fix: set };
    return { code: 'SF041', message, path: ['defaults'], anchor: 'key', fix: add };
  }
  return { code: 'SF041', message, path: entry.path, anchor: 'key', fix: add };
}
