// `${{ inputs.NAME }}` and `${{ outputs.NAME }}`: the declared files of a job named in its commands,
// step commands and env values. One pattern for them and `${{ matrix.NAME }}`, so that a text is
// substituted in ONE pass (a matrix value that reads like a placeholder stays as it is).

import { matrixText } from './matrix';
import { PlanError } from './plan-error';
import type { PlannedFiles, Scalar } from './types';

/** Any placeholder: group 1 is `matrix`, `inputs` or `outputs`, group 2 the name. */
export const PLACEHOLDER = /\$\{\{\s*(matrix|inputs|outputs)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** `${{ inputs.NAME }}`/`${{ outputs.NAME }}` only. */
export const FILE_REF = /\$\{\{\s*(inputs|outputs)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export interface FileRef {
  kind: 'inputs' | 'outputs';
  name: string;
  /** Offset of the `${{` in the text, and the placeholder's length. */
  index: number;
  length: number;
}

export function fileRefs(text: string): FileRef[] {
  return [...text.matchAll(FILE_REF)].map((m) => ({ kind: m[1] as FileRef['kind'], name: m[2], index: m.index!, length: m[0].length }));
}

/**
 * What a placeholder stands for: a matrix value (one text) or the paths of a declared name (one text
 * per path, each as `pathOf` says the job sees it).
 */
export function placeholderValue(kind: string, name: string, values: Record<string, Scalar> | undefined, files: PlannedFiles | undefined, pathOf: (host: string) => string): string | string[] {
  if (kind === 'matrix') {
    if (!values || !Object.prototype.hasOwnProperty.call(values, name)) throw new PlanError(values ? `\${{ matrix.${name} }} names no matrix key of this job` : `\${{ matrix.${name} }} is used in a job without a matrix`);
    return matrixText(values[name]);
  }
  const set = (kind === 'inputs' ? files?.inputs : files?.outputs)?.find((s) => s.name === name);
  if (!set) throw new PlanError(`\${{ ${kind}.${name} }} names no entry of the job's ${kind}:`);
  return set.paths.map(pathOf);
}

/** Every placeholder of a literal text (env value, workdir) replaced; a list of paths joined by spaces. */
export function substitutePlaceholders(text: string, values: Record<string, Scalar> | undefined, files: PlannedFiles | undefined, pathOf: (host: string) => string): string {
  return text.replace(PLACEHOLDER, (_m, kind: string, name: string) => {
    const v = placeholderValue(kind, name, values, files, pathOf);
    return typeof v === 'string' ? v : v.join(' ');
  });
}
