// text -> diagnostics: YAML with source ranges, the schema, then the Shifter rules; every finding
// positioned at the node at fault and sorted by position. Passing the previous result of the same
// file makes re-validation after an edit re-parse and re-check only what changed.

import { dirname, resolve } from 'node:path';
import { codeInfo } from './codes';
import { compareDiagnostics, hasErrors, type Diagnostic } from './diagnostic';
import type { Finding } from './finding';
import { buildFix } from './fixes';
import { narrowTo } from './narrow-range';
import type { Workflow } from './generated/schema-types';
import { jobRules } from './rules';
import { asRecord } from './rules/rule';
import { checkJobSchemas } from './schema-check';
import type { TextChange } from './source/text-diff';
import { WorkflowSource } from './source/workflow-source';
import { checkWholeWorkflow, type WholeWorkflowFindings } from './whole-workflow';
import { resolveProfile, type Profile, type ProfileName } from '../profiles/profile';

export interface ValidationResult {
  file: string;
  source: WorkflowSource;
  diagnostics: Diagnostic[];
  profile: Profile;
  /** The workflow, present when there is no error. */
  workflow?: Workflow;
  /** The whole-workflow checks' findings, which the next validation of the file may reuse. */
  wholeWorkflow: WholeWorkflowFindings;
}

export interface ValidateOptions {
  previous?: ValidationResult;
  profile?: ProfileName;
  /** Parse the file as one document instead of a job at a time (the reference for tests). */
  split?: boolean;
  /** What changed since `previous`, when the caller knows it (an editor's change events); else found by comparing the texts. */
  change?: TextChange;
}

/** For editors that follow their own change events (the extension): see ValidateOptions.change. */
export { composeChanges } from './source/text-diff';

export function validateText(text: string, file: string, options: ValidateOptions = {}): ValidationResult {
  const previous = options.previous && options.previous.file === file ? options.previous : undefined;
  const source = new WorkflowSource(text, previous?.source, { split: options.split, change: previous ? options.change : undefined });
  const diagnostics: Diagnostic[] = source.problems.map((p) => ({
    code: p.code,
    severity: 'error',
    message: p.message,
    file,
    range: p.range,
    path: p.path,
  }));
  const value = asRecord(source.value);
  const profile = resolveProfile(value?.profile, options.profile);
  // In the order of a from-scratch check: schema (workflow, then jobs), workflow rules, job rules.
  const workflowDir = dirname(resolve(file));
  const wholeWorkflow = checkWholeWorkflow(source.value, profile, previous?.wholeWorkflow, workflowDir);
  const findings: Finding[] = [...wholeWorkflow.schema, ...checkJobSchemas(source.value), ...wholeWorkflow.rules];
  if (value) findings.push(...jobRules({ value, profile, workflowDir }));
  for (const f of findings) {
    diagnostics.push({
      code: f.code,
      severity: f.severity ?? codeInfo(f.code)?.severity ?? 'error',
      message: f.message,
      file,
      range: narrowTo(source.text, source.locate(f.path, f.anchor ?? 'value'), f.quote),
      path: f.path,
      fix: buildFix(f, source),
    });
  }
  diagnostics.sort(compareDiagnostics);
  const result: ValidationResult = { file, source, diagnostics, profile, wholeWorkflow };
  if (!hasErrors(diagnostics)) result.workflow = source.value as Workflow;
  return result;
}
