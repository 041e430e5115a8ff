// `run --dry-run`: what a run would do, decided as the run decides it, with nothing pulled or
// submitted. Image ids come from `shifterimg lookup` where the profile has Shifter on Slurm (a lookup
// pulls nothing); elsewhere (the local engines only learn an id by preparing the image) from the last
// run of this directory that made the image READY, and the output says so.

import type { Plan } from '../plan/types';
import type { Profile } from '../profiles/profile';
import { keepSnapshot, snapshotKey } from '../cache/decision-snapshot';
import type { KeptDryRun } from './dry-run-snapshot';
import { openCache } from '../cache/open-cache';
import type { StatPass } from '../cache/stat-pass';
import { describeDecision, type Decision } from '../cache/decide';
import { lookupImage } from '../images';
import { journalEvents } from '../run/journal';
import { listRuns, runDirOf } from '../run/run-dir';
import { scriptEngine } from './script-engine';

export interface DryRunTask {
  job: string;
  index?: number;
  cached: boolean;
  runId?: string;
  key?: string;
  reason?: string;
}

export interface DryRunResult {
  imageIds: 'lookup' | 'last-run';
  tasks: DryRunTask[];
}

/** Image ids READY in this directory's most recent run that had any. */
function lastRunImageIds(base: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const id of listRuns(base).reverse()) {
    for (const e of journalEvents(runDirOf(base, id).journal)) if (e.type === 'image' && e.id && e.status === 'READY') ids.set(e.ref, e.id);
    if (ids.size > 0) break;
  }
  return ids;
}

/** What the caller already did for this dry run, so that it is not done twice. */
export interface DryRunShortcuts {
  /** The stat pass the inputs were checked with a moment ago (SF056): each input is looked at once. */
  stats?: StatPass;
  /** Every task's script as the key sees it (cache/task-script.ts, renderTaskScripts). */
  taskScripts?: ReadonlyMap<string, string>;
  /** Or their sha256 digests (the memo of the plan, plan-memo.ts). */
  scriptDigests?: ReadonlyMap<string, string>;
  /** The image ids, asked for as soon as the plan was known (imageIdsOf). */
  imageIds?: Promise<Map<string, string>>;
  /**
   * The memo of the plan's key, when the plan is one the memo keeps (no glob input): the answer is
   * then kept with the stamps of what the decision read (cache/decision-snapshot.ts), for
   * dry-run-snapshot.ts to give again while none of it changed. Needs `stats`, the pass the inputs
   * were checked with and the decision looked through.
   */
  planKey?: string;
  /** The validation's warnings as printed, kept with the snapshot (printed again when it answers). */
  diagnostics?: string[];
  /** The clock the racy window is judged by (tests). */
  now?: () => bigint;
}

const looksUp = (profile: Profile) => profile.executor === 'slurm' && profile.engine === 'shifter';

/**
 * The image ids the keys take: `shifterimg lookup` of each image, in child processes, where the
 * profile has Shifter on Slurm. Asked for the moment the plan is known, so that the lookups (a
 * process and a gateway request each) go on while the inputs are looked at.
 */
export function imageIdsOf(plan: Plan, base: string): Promise<Map<string, string>> {
  return idsOf(looksUp(plan.profile), plan.images.map((i) => i.ref), base);
}

/** The ids of these images: looked up (Shifter on Slurm), else as the last run of `base` made them READY. */
export function idsOf(lookup: boolean, images: readonly string[], base: string): Promise<Map<string, string>> {
  if (!lookup) return Promise.resolve(lastRunImageIds(base));
  return Promise.all(images.map(async (ref) => [ref, (await lookupImage(ref).catch(() => undefined)) ?? ''] as const)).then((found) => new Map(found.filter(([, id]) => id !== '')));
}

export async function dryRun(plan: Plan, profile: Profile, base: string, fresh: boolean, warn: (text: string) => void, done: DryRunShortcuts = {}): Promise<DryRunResult> {
  const imageIds = await (done.imageIds ?? imageIdsOf(plan, base));
  performance.mark('shifterflow:image-ids');
  const kind = looksUp(profile) ? 'lookup' : 'last-run';
  const stats = done.stats;
  let warned = false;
  const session = openCache({ base, plan, engine: scriptEngine(profile), fresh, warn: (text) => ((warned = true), warn(text)), imageIds, taskScripts: done.taskScripts, scriptDigests: done.scriptDigests });
  const decisions = session.decideAll(undefined, stats);
  session.close();
  performance.mark('shifterflow:decided');
  const tasks: DryRunTask[] = [];
  for (const job of plan.jobs) {
    for (const d of decisions.get(job.key) ?? []) tasks.push(taskOf(job.key, d.index, d.decision));
  }
  if (done.planKey !== undefined && stats && !warned) {
    const kept: KeptDryRun = { imageIds: kind, images: plan.images.map((i) => i.ref), ids: [...imageIds], diagnostics: done.diagnostics ?? [], tasks };
    keepSnapshot(base, snapshotKey({ plan: done.planKey, fresh }), stats, session.entryFiles(), kept, done.now?.());
  }
  return { imageIds: kind, tasks };
}

/** The dry run printed as `run --dry-run` prints it (--json: as data); the exit status. */
export async function printDryRun(plan: Plan, o: { base: string; fresh: boolean; json: boolean; warn: (text: string) => void }, done: DryRunShortcuts = {}): Promise<number> {
  const r = await dryRun(plan, plan.profile, o.base, o.fresh, o.warn, done);
  writeDryRun(r.imageIds, r.tasks, o.json);
  return 0;
}

/** The answer on stdout: a line per task and a summary, or (--json) the same as data. */
export function writeDryRun(imageIds: DryRunResult['imageIds'], tasks: DryRunTask[], json: boolean): void {
  process.stdout.write(json ? JSON.stringify({ imageIds, tasks }) + '\n' : formatDryRun({ imageIds, tasks }));
}

function taskOf(job: string, index: number | undefined, d: Decision): DryRunTask {
  const t: DryRunTask = { job, cached: d.cached };
  if (index !== undefined) t.index = index;
  if (d.cached) Object.assign(t, { runId: d.runId, key: d.key });
  else t.reason = d.reason;
  return t;
}

export function formatDryRun(r: DryRunResult): string {
  const name = (t: DryRunTask) => (t.index === undefined ? t.job : `${t.job}[${t.index}]`);
  const width = Math.max(0, ...r.tasks.map((t) => name(t).length));
  const lines = r.tasks.map((t) => `${name(t).padEnd(width)}  ${describeDecision(t.cached ? { cached: true, runId: t.runId!, key: t.key! } : { cached: false, reason: t.reason! })}`);
  const runs = r.tasks.filter((t) => !t.cached).length;
  lines.push(`${runs} of ${r.tasks.length} would run; nothing was pulled or submitted${r.imageIds === 'last-run' ? ' (image ids as the last run made them READY: not checked without preparing the images)' : ''}`);
  return lines.join('\n') + '\n';
}
