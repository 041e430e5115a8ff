// Matrix jobs: the cartesian product of the matrix values (first key varies slowest, keys in file
// order) becomes ONE Slurm job array, array index -> values; and `${{ matrix.NAME }}` placeholders.

import { PlanError } from './plan-error';
import type { JobArray, Scalar } from './types';

/** `${{ matrix.NAME }}`, spaces inside the braces optional. */
export const MATRIX_REF = /\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function expandMatrix(matrix: Record<string, readonly Scalar[]>, maxParallel?: number): JobArray {
  const keys = Object.keys(matrix);
  let values: Record<string, Scalar>[] = [{}];
  for (const key of keys) {
    const options = matrix[key];
    if (options.length === 0) throw new PlanError(`matrix.${key} has no values`);
    values = values.flatMap((partial) => options.map((v) => ({ ...partial, [key]: v })));
  }
  const array: JobArray = { keys, values, size: values.length };
  if (maxParallel !== undefined) array.maxParallel = maxParallel;
  return array;
}

/** The text of a matrix value: numbers and booleans as YAML wrote them after parsing (`1.50` -> `1.5`). */
export function matrixText(value: Scalar): string {
  return String(value);
}

/** Names of the matrix variables a text refers to, in order of appearance. */
export function matrixRefs(text: string): string[] {
  return [...text.matchAll(MATRIX_REF)].map((m) => m[1]);
}

/**
 * Replaces every `${{ matrix.NAME }}` by `encode(value text)`. The renderer passes its shell quoting as
 * `encode` for commands (a textual substitution of a quoted value) and the identity for env values and
 * workdirs (quoted as a whole afterwards).
 */
export function substituteMatrix(text: string, values: Record<string, Scalar> | undefined, encode: (s: string) => string = (s) => s): string {
  return text.replace(MATRIX_REF, (_whole, name: string) => {
    if (!values || !Object.prototype.hasOwnProperty.call(values, name)) {
      throw new PlanError(values ? `\${{ matrix.${name} }} names no matrix key` : `\${{ matrix.${name} }} is used in a job without a matrix`);
    }
    return encode(matrixText(values[name]));
  });
}
