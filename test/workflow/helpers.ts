import { validateText, type ValidationResult } from '../../runner/workflow/validate';
import type { Diagnostic } from '../../runner/workflow/diagnostic';

/** Diagnostics as `line:col CODE` strings (1-based), the form the tests assert on. */
export function brief(result: ValidationResult | Diagnostic[]): string[] {
  const ds = Array.isArray(result) ? result : result.diagnostics;
  return ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);
}

export function check(text: string, options: Parameters<typeof validateText>[2] = {}): ValidationResult {
  return validateText(text, 'wf.yaml', options);
}

/** Dedent a template literal so YAML in tests can be indented with the code. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n').replace(/\s+$/, '') + '\n';
}
