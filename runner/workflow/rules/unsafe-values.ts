// SF046: characters that cannot travel. A NUL ends a C string, so it cannot be in a script, an
// argument or an environment variable (the renderer refuses it at run time: this says so earlier).
// A working directory or entrypoint with a line break is a path gone wrong. Env values are quoted by
// the renderer and may hold line breaks; commands are shell by design and may too. Line breaks in
// volume paths are SF015's (Shifter drops them).

import type { Finding, JsonPath } from '../finding';
import { describe } from '../schema-check';
import { asArray, asRecord, asString, type JobRule, type Rule } from './rule';
import { volumesOf } from './volume-lookup';

export const unsafeHeaderValues: Rule = ({ value }) => {
  const findings: Finding[] = [];
  env(value, [], findings);
  env(asRecord(value.defaults), ['defaults'], findings);
  for (const { volume, path } of volumesOf(value)) {
    check(volume.source, [...path, 'source'], false, findings);
    check(volume.target, [...path, 'target'], false, findings);
  }
  return findings;
};

export const unsafeJobValues: JobRule = (_ctx, entry) => {
  const findings: Finding[] = [];
  const units: [Record<string, unknown> | undefined, JsonPath][] = [[entry.job, entry.path]];
  asArray(entry.job.steps).forEach((s, i) => units.push([asRecord(s), [...entry.path, 'steps', i]]));
  for (const [owner, path] of units) {
    check(owner?.command, [...path, 'command'], false, findings);
    check(owner?.workdir, [...path, 'workdir'], true, findings);
    check(owner?.entrypoint, [...path, 'entrypoint'], true, findings);
    env(owner, path, findings);
  }
  // Matrix values are substituted into commands.
  for (const [key, values] of Object.entries(asRecord(entry.job.matrix) ?? {})) {
    asArray(values).forEach((v, i) => check(v, [...entry.path, 'matrix', key, i], false, findings));
  }
  return findings;
};

function env(owner: Record<string, unknown> | undefined, path: JsonPath, findings: Finding[]): void {
  for (const [name, v] of Object.entries(asRecord(owner?.env) ?? {})) check(v, [...path, 'env', name], false, findings);
}

function check(v: unknown, path: JsonPath, lineBreaks: boolean, findings: Finding[]): void {
  const text = asString(v);
  const bad = lineBreaks ? /[\0\r\n]/g : /\0/g;
  if (text === undefined || text.search(bad) < 0) return;
  const nul = text.includes('\0');
  const what = nul ? 'a NUL character' : 'a line break';
  const why = nul ? 'no program can receive it, in an argument or in the environment' : 'a working directory is one path, and a line break there usually comes from a multi-line YAML string by mistake';
  findings.push({
    code: 'SF046',
    message: `${capitalize(describe(path))} contains ${what}; ${why}. Remove it.`,
    path,
    fix: { title: `Remove ${what}`, kind: 'replaceValue', yaml: JSON.stringify(text.replace(bad, '')) },
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
