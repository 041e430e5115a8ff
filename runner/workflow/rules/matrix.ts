// SF035: `${{ matrix.NAME }}` is replaced in commands, working directories and env values (the
// workflow's and the defaults' env included, as every job inherits them), and only by keys of the
// job's own matrix. Any other `${{ ... }}` in a command reaches the shell as written, where `${{` is a
// syntax error.

import type { Finding, JsonPath } from '../finding';
import { closest } from '../suggest';
import { asArray, asRecord, asString, hasKey, jobsOf, type JobEntry, type JobRule, type Rule } from './rule';

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

interface Text {
  text: string;
  path: JsonPath;
  /** Commands are shell: an expression left there breaks it. Elsewhere it is only text. */
  shell: boolean;
}

/** Env values every job inherits: each expression is reported once, for the first job it fails in. */
export const inheritedMatrixRefs: Rule = ({ value }) => {
  const texts: Text[] = [];
  envTexts(value, [], texts);
  envTexts(asRecord(value.defaults), ['defaults'], texts);
  const withRefs = texts.filter((t) => t.text.includes('${{'));
  if (withRefs.length === 0) return [];
  const findings: Finding[] = [];
  const jobs = jobsOf(value);
  for (const t of withRefs) {
    for (const m of t.text.matchAll(EXPRESSION)) {
      for (const entry of jobs) {
        const f = checkRef(t, m, entry, `in ${t.path.join('.')} (inherited by job "${entry.name}")`);
        if (f) {
          findings.push(f);
          break;
        }
      }
    }
  }
  return findings;
};

export const matrixRefs: JobRule = (_ctx, entry) => {
  const texts: Text[] = [];
  const collect = (owner: Record<string, unknown> | undefined, path: JsonPath) => {
    const command = asString(owner?.command);
    if (command !== undefined) texts.push({ text: command, path: [...path, 'command'], shell: true });
    const workdir = asString(owner?.workdir);
    if (workdir !== undefined) texts.push({ text: workdir, path: [...path, 'workdir'], shell: false });
    envTexts(owner, path, texts);
  };
  collect(entry.job, entry.path);
  asArray(entry.job.steps).forEach((s, i) => collect(asRecord(s), [...entry.path, 'steps', i]));
  const findings: Finding[] = [];
  for (const t of texts) {
    if (!t.text.includes('${{')) continue;
    for (const m of t.text.matchAll(EXPRESSION)) {
      const f = checkRef(t, m, entry, `in job "${entry.name}"`);
      if (f) findings.push(f);
    }
  }
  return findings;
};

function checkRef({ text, path, shell }: Text, m: RegExpExecArray | RegExpMatchArray, entry: JobEntry, where: string): Finding | undefined {
  const [whole, inner] = m;
  const quote = { text: whole, occurrence: text.slice(0, m.index ?? 0).split(whole).length - 1 };
  const name = /^matrix\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner)?.[1];
  const keys = asRecord(entry.job.matrix);
  if (name === undefined) {
    // Declared files are replaced too; file-refs.ts checks their names.
    if (!shell || /^(?:inputs|outputs)\.[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) return undefined;
    return { code: 'SF035', message: `${whole} ${where} is not replaced: only \${{ matrix.NAME }}, \${{ inputs.NAME }} and \${{ outputs.NAME }} are, and anything else reaches the shell as written (bash: bad substitution). Use a matrix key, or write the value itself.`, path, quote };
  }
  if (!keys) return { code: 'SF035', message: `${whole} ${where} names matrix.${name}, but the job has no matrix:. Add matrix: { ${name}: [...] } to the job, or write the value itself.`, path, quote };
  if (hasKey(keys, name)) return undefined;
  const known = Object.keys(keys);
  const guess = closest(name, known);
  const f: Finding = { code: 'SF035', message: `${whole} ${where} names matrix.${name}, which the job's matrix does not have (it has ${known.join(', ')}).`, path, quote };
  // Only the job's own text is fixed: inherited text serves other jobs too.
  if (guess && path[0] === 'jobs' && !text.includes('\n')) {
    const at = m.index ?? 0;
    const fixed = text.slice(0, at) + `\${{ matrix.${guess} }}` + text.slice(at + whole.length);
    f.message = `${whole} ${where} names matrix.${name}, which the job's matrix does not have. Did you mean matrix.${guess}?`;
    f.fix = { title: `Change to \${{ matrix.${guess} }}`, kind: 'replaceValue', yaml: JSON.stringify(fixed) };
  }
  return f;
}

function envTexts(owner: Record<string, unknown> | undefined, path: JsonPath, into: Text[]): void {
  for (const [name, v] of Object.entries(asRecord(owner?.env) ?? {})) {
    const text = asString(v);
    if (text !== undefined) into.push({ text, path: [...path, 'env', name], shell: false });
  }
}
