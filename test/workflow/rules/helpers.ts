// Shared by the rule tests: validate a small workflow text, find diagnostics by code, apply fixes.

import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../runner/workflow/diagnostic';
import { validateText, type ValidateOptions } from '../../../runner/workflow/validate';

/** Strips the common indentation and the first empty line, so YAML can sit indented in a test. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function diagnostics(text: string, options?: ValidateOptions): Diagnostic[] {
  return validateText(text, 'wf.yaml', options).diagnostics;
}

/** `line:col` (1-based) of every diagnostic with this code. */
export function positions(text: string, code: string, options?: ValidateOptions): string[] {
  return diagnostics(text, options)
    .filter((d) => d.code === code)
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}`);
}

export function only(text: string, code: string, options?: ValidateOptions): Diagnostic {
  const found = diagnostics(text, options).filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got: ${JSON.stringify(found.map((d) => d.message))}`);
  return found[0];
}

export function assertAt(text: string, code: string, where: string | string[], options?: ValidateOptions): void {
  assert.deepEqual(positions(text, code, options), Array.isArray(where) ? where : [where]);
}

export function assertNone(text: string, code: string, options?: ValidateOptions): void {
  const found = diagnostics(text, options).filter((d) => d.code === code);
  assert.deepEqual(found.map((d) => d.message), [], `expected no ${code}`);
}

/** The text after applying the fix of the only diagnostic with this code. */
export function applyFix(text: string, code: string, options?: ValidateOptions): string {
  const d = only(text, code, options);
  assert.ok(d.fix, `${code} has no fix`);
  const edits = [...d.fix.edits].sort((a, b) => b.range.start.offset - a.range.start.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

/** Applies the fix and checks the code is gone, without new syntax or schema errors. Returns the fixed text. */
export function assertFixes(text: string, code: string, options?: ValidateOptions): string {
  const fixed = applyFix(text, code, options);
  const after = diagnostics(fixed, options);
  assert.deepEqual(after.filter((d) => d.code === code).map((d) => d.message), [], `${code} still reported after the fix:\n${fixed}`);
  const broken = after.filter((d) => /^SF00[1-6]$/.test(d.code));
  assert.deepEqual(broken.map((d) => `${d.code} ${d.message}`), [], `the fix broke the file:\n${fixed}`);
  return fixed;
}
