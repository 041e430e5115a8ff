// Every Shifter rule, in one list. Each rule lives in its own file beside this one. Rules about the
// whole file are re-run when what they read changed (see ../whole-workflow.ts); rules about one job
// keep their findings per job value, which stays the same object while the job's text is unchanged
// (see source/workflow-source.ts), and are re-run only when that text or what they may read outside
// the job (header, profile) changed.

import type { Finding } from '../finding';
import { cycles } from './cycles';
import { fileGraph } from './file-graph';
import { fileRefNames } from './file-refs';
import { fileVisibility } from './file-visibility';
import { groups } from './groups';
import { imageEntries, jobImageRefs } from './image-refs';
import { jobImage } from './job-image';
import { jobVolumesRule } from './job-volumes';
import { inheritedMatrixRefs, matrixRefs } from './matrix';
import { mpi } from './mpi';
import { cacheAcrossSteps, perNodeCache } from './per-node-cache';
import { qos } from './qos';
import { jobReferences, workflowReferences } from './references';
import { jobsOf, oncePerPath, type JobRule, type Rule, type RuleContext } from './rule';
import { steps } from './steps';
import { taskCounts } from './task-counts';
import { unsafeHeaderValues, unsafeJobValues } from './unsafe-values';
import { volumePaths } from './volume-paths';
import { volumeTargets } from './volume-targets';
import { workdir } from './workdir';

/**
 * Rules about the whole file. They may read the header and the profile, and of the jobs only their
 * names, which are mappings, their `needs`, `group`, matrix keys and (with the matrix) declared files: whole-workflow.ts reuses their
 * findings while those are unchanged.
 */
export const WORKFLOW_RULES: Rule[] = [imageEntries, workflowReferences, volumePaths, volumeTargets, perNodeCache, cycles, fileGraph, groups, inheritedMatrixRefs, unsafeHeaderValues];

const JOB_RULES: JobRule[] = [jobImageRefs, jobReferences, cacheAcrossSteps, jobVolumesRule, jobImage, steps, matrixRefs, taskCounts, mpi, qos, workdir, fileVisibility, fileRefNames, unsafeJobValues];

const byJob = new WeakMap<object, { context: string | undefined; findings: Finding[] }>();

/** Everything outside the jobs that a job rule may read. Small: the header of a workflow file. */
function contextKey({ value, profile, workflowDir }: RuleContext): string | undefined {
  try {
    return JSON.stringify([value.images, value.volumes, value.defaults, value.env, profile, workflowDir]);
  } catch {
    // A YAML alias can make a value contain itself: then nothing is kept, everything re-checked.
    return undefined;
  }
}

/** The job rules over every job, each job's findings kept while its value and the header are the same. */
export const jobRules: Rule = (ctx) => {
  const context = contextKey(ctx);
  const findings: Finding[] = [];
  for (const entry of jobsOf(ctx.value)) {
    let cached = byJob.get(entry.job);
    if (!cached || context === undefined || cached.context !== context) {
      cached = { context, findings: JOB_RULES.flatMap((rule) => rule(ctx, entry)) };
      byJob.set(entry.job, cached);
    }
    if (cached.findings.length > 0) findings.push(...cached.findings);
  }
  // A setting in defaults that is wrong for several jobs is reported once, where it is written.
  const inJobs = findings.filter((f) => f.path[0] === 'jobs');
  return [...inJobs, ...oncePerPath(findings.filter((f) => f.path[0] !== 'jobs'))];
};
