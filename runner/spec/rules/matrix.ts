// SF035: `${{ matrix.NAME }}` is replaced in commands, working directories and env values (the
// workflow's and the defaults' env included, as every job inherits them), and only by keys of the
// job's own matrix. Any other `${{ ... }}` in a command reaches the shell as written, where `${{` is a
// syntax error.

import type { Finding, JsonPath } from '../finding';
import { closest } from '../suggest';
import { asArray, asRecord, asString, hasKey, jobsOf, type Rule } from './rule';

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

interface Text {
  text: string;
  path: JsonPath;
  /** Commands are shell: an expression left there breaks it. Elsewhere it is only text. */
  shell: boolean;
}

export const matrix: Rule = ({ value }) => {
  const findings: Finding[] = [];
  // An inherited value is checked for every job but reported once, for the first job it fails.
  const reported = new Set<string>();
  const inherited: Text[] = [];
  envTexts(value, [], inherited);
  envTexts(asRecord(value.defaults), ['defaults'], inherited);

  for (const entry of jobsOf(value)) {
    const texts: Text[] = [...inherited];
    const collect = (owner: Record<string, unknown> | undefined, path: JsonPath) => {
      const command = asString(owner?.command);
      if (command !== undefined) texts.push({ text: command, path: [...path, 'command'], shell: true });
      const workdir = asString(owner?.workdir);
      if (workdir !== undefined) texts.push({ text: workdir, path: [...path, 'workdir'], shell: false });
      envTexts(owner, path, texts);
    };
    collect(entry.job, entry.path);
    asArray(entry.job.steps).forEach((s, i) => collect(asRecord(s), [...entry.path, 'steps', i]));

    const keys = asRecord(entry.job.matrix);
    for (const { text, path, shell } of texts) {
      // A value inherited from the top of the file is at fault for this job: say which.
      const where = path[0] === 'jobs' ? `in job "${entry.name}"` : `in ${path.join('.')} (inherited by job "${entry.name}")`;
      for (const m of text.matchAll(EXPRESSION)) {
        const [whole, inner] = m;
        const key = `${JSON.stringify(path)}|${m.index}`;
        if (reported.has(key)) continue;
        const before = findings.length;
        const name = /^matrix\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner)?.[1];
        if (name === undefined) {
          if (shell) findings.push({ code: 'SF035', message: `${whole} ${where} is not replaced: only \${{ matrix.NAME }} is, and anything else reaches the shell as written (bash: bad substitution). Use a matrix key, or write the value itself.`, path });
        } else if (!keys) {
          findings.push({ code: 'SF035', message: `${whole} ${where} names matrix.${name}, but the job has no matrix:. Add matrix: { ${name}: [...] } to the job, or write the value itself.`, path });
        } else if (!hasKey(keys, name)) {
          const known = Object.keys(keys);
          const guess = closest(name, known);
          const f: Finding = { code: 'SF035', message: `${whole} ${where} names matrix.${name}, which the job's matrix does not have (it has ${known.join(', ')}).`, path };
          // Only the job's own text is fixed: inherited text serves other jobs too.
          if (guess && path[0] === 'jobs' && !text.includes('\n')) {
            const fixed = text.slice(0, m.index) + `\${{ matrix.${guess} }}` + text.slice(m.index + whole.length);
            f.message = `${whole} ${where} names matrix.${name}, which the job's matrix does not have. Did you mean matrix.${guess}?`;
            f.fix = { title: `Change to \${{ matrix.${guess} }}`, kind: 'replaceValue', yaml: JSON.stringify(fixed) };
          }
          findings.push(f);
        }
        if (findings.length > before) reported.add(key);
      }
    }
  }
  return findings;
};

function envTexts(owner: Record<string, unknown> | undefined, path: JsonPath, into: Text[]): void {
  for (const [name, v] of Object.entries(asRecord(owner?.env) ?? {})) {
    const text = asString(v);
    if (text !== undefined) into.push({ text, path: [...path, 'env', name], shell: false });
  }
}
