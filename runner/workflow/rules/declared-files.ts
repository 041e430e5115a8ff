// The files a job declares (`inputs:`/`outputs:`), as the file rules read them: each written path
// with where it is, resolved against the workflow file's directory, and per matrix element. Shared
// by file-visibility.ts and file-graph.ts.

import { hostPath } from '../../plan/files';
import { expandMatrix } from '../../plan/matrix';
import type { Scalar } from '../../plan/types';
import type { JsonPath } from '../finding';
import { asArray, asRecord, asString, type JobEntry } from './rule';

export interface DeclaredPath {
  kind: 'inputs' | 'outputs';
  name: string;
  /** As written. */
  text: string;
  path: JsonPath;
}

export function declaredPaths(entry: JobEntry): DeclaredPath[] {
  const out: DeclaredPath[] = [];
  for (const kind of ['inputs', 'outputs'] as const) {
    for (const [name, v] of Object.entries(asRecord(entry.job[kind]) ?? {})) {
      const at: JsonPath = [...entry.path, kind, name];
      const one = asString(v);
      if (one !== undefined) {
        if (one !== '') out.push({ kind, name, text: one, path: at });
        continue;
      }
      asArray(v).forEach((p, i) => {
        const text = asString(p);
        if (text !== undefined && text !== '') out.push({ kind, name, text, path: [...at, i] });
      });
    }
  }
  return out;
}

/** The job's matrix elements (one `undefined` without a matrix); [] when the matrix is malformed (the schema says so). */
export function elementsOf(entry: JobEntry): (Record<string, Scalar> | undefined)[] {
  const matrix = asRecord(entry.job.matrix);
  if (entry.job.matrix === undefined) return [undefined];
  if (!matrix || !Object.values(matrix).every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => ['string', 'number', 'boolean'].includes(typeof x)))) return [];
  return expandMatrix(matrix as Record<string, Scalar[]>).values;
}

/** The host path a declared path names in one element; undefined when a placeholder names no key (matrix.ts reports it). */
export function resolvedIn(text: string, values: Record<string, Scalar> | undefined, workflowDir: string): string | undefined {
  try {
    return hostPath(text, values, workflowDir);
  } catch {
    return undefined;
  }
}
