// `run --dry-run` from the decision snapshot (cache/decision-snapshot.ts), before the memo of the plan
// is even read: the snapshot names every path the last decision looked at, the images it looked up
// and the ids they had, the validation's warnings as printed, and the answer. The lookups start at
// once and run while each path is stat-ed; the answer is given again only when every stamp and every
// id is what it was. Otherwise the caller goes on to the memo (and reuses the lookups' ids).

import { readSnapshot, snapshotKey } from '../cache/decision-snapshot';
import type { DryRunTask } from './dry-run';

/** What a dry run keeps beside the stamps. */
export interface KeptDryRun {
  imageIds: 'lookup' | 'last-run';
  /** The images whose ids the decision used, and those ids (an image the lookup did not find has none). */
  images: string[];
  ids: [string, string][];
  /** The validation's warnings, as the dry run printed them. */
  diagnostics: string[];
  tasks: DryRunTask[];
}

export interface FromSnapshot {
  /** The exit status when the snapshot answered (printed). */
  status?: number;
  /** The image ids, when they were asked for (the memo's path takes them). */
  imageIds?: Promise<Map<string, string>>;
}

export async function dryRunFromSnapshot(
  base: string,
  planKey: string,
  o: { fresh: boolean; json: boolean },
  idsOf: (lookup: boolean, images: readonly string[]) => Promise<Map<string, string>>,
  write: (kind: KeptDryRun['imageIds'], tasks: DryRunTask[]) => void,
): Promise<FromSnapshot> {
  const snapshot = readSnapshot<KeptDryRun>(base, snapshotKey({ plan: planKey, fresh: o.fresh }));
  const kept = snapshot?.data;
  if (!snapshot || !kept || !Array.isArray(kept.images) || !Array.isArray(kept.ids) || !Array.isArray(kept.diagnostics) || !Array.isArray(kept.tasks)) return {};
  performance.mark('shifterflow:snapshot-read');
  const imageIds = idsOf(kept.imageIds === 'lookup', kept.images);
  performance.mark('shifterflow:lookup-started');
  if (!snapshot.holds()) return { imageIds };
  performance.mark('shifterflow:inputs-checked');
  const now = await imageIds;
  performance.mark('shifterflow:image-ids');
  if (!sameIds(now, kept.ids)) return { imageIds };
  for (const line of kept.diagnostics) process.stderr.write(line + '\n');
  write(kept.imageIds, kept.tasks);
  performance.mark('shifterflow:decided');
  return { status: 0 };
}

function sameIds(now: ReadonlyMap<string, string>, kept: [string, string][]): boolean {
  return now.size === kept.length && kept.every(([ref, id]) => now.get(ref) === id);
}
