// SF046: characters that cannot travel. A NUL ends a C string, so it cannot be in a script, an
// argument or an environment variable (the renderer refuses it at run time: this says so earlier).
// A working directory or entrypoint with a line break is a path gone wrong. Env values are quoted by
// the renderer and may hold line breaks; commands are shell by design and may too. Line breaks in
// volume paths are SF015's (Shifter drops them).

import type { Finding, JsonPath } from '../finding';
import { describe } from '../schema-check';
import { asArray, asRecord, asString, jobsOf, type Rule } from './rule';
import { volumesOf } from './volume-lookup';

export const unsafeValues: Rule = ({ value }) => {
  const findings: Finding[] = [];
  const check = (v: unknown, path: JsonPath, lineBreaks: boolean) => {
    const text = asString(v);
    if (text === undefined) return;
    const bad = lineBreaks ? /[\0\r\n]/ : /\0/;
    if (!bad.test(text)) return;
    const what = text.includes('\0') ? 'a NUL character' : 'a line break';
    const where = text.includes('\0') ? 'no program can receive it, in an argument or in the environment' : 'a working directory is one path, and a line break there usually comes from a multi-line YAML string by mistake';
    const cleaned = text.replace(new RegExp(bad.source, 'g'), '');
    findings.push({
      code: 'SF046',
      message: `${capitalize(describe(path))} contains ${what}; ${where}. Remove it.`,
      path,
      fix: { title: `Remove ${what}`, kind: 'replaceValue', yaml: JSON.stringify(cleaned) },
    });
  };
  const env = (owner: Record<string, unknown> | undefined, path: JsonPath) => {
    for (const [name, v] of Object.entries(asRecord(owner?.env) ?? {})) check(v, [...path, 'env', name], false);
  };

  env(value, []);
  env(asRecord(value.defaults), ['defaults']);
  for (const { volume, path } of volumesOf(value)) {
    check(volume.source, [...path, 'source'], false);
    check(volume.target, [...path, 'target'], false);
  }
  for (const entry of jobsOf(value)) {
    const units: [Record<string, unknown> | undefined, JsonPath][] = [[entry.job, entry.path]];
    asArray(entry.job.steps).forEach((s, i) => units.push([asRecord(s), [...entry.path, 'steps', i]]));
    for (const [owner, path] of units) {
      check(owner?.command, [...path, 'command'], false);
      check(owner?.workdir, [...path, 'workdir'], true);
      check(owner?.entrypoint, [...path, 'entrypoint'], true);
      env(owner, path);
    }
    // Matrix values are substituted into commands.
    for (const [key, values] of Object.entries(asRecord(entry.job.matrix) ?? {})) {
      asArray(values).forEach((v, i) => check(v, [...entry.path, 'matrix', key, i], false));
    }
  }
  return findings;
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
