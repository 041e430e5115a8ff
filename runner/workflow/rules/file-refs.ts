// SF055: `${{ inputs.NAME }}`/`${{ outputs.NAME }}` in a job's command, step commands, env values and
// workdirs must name an entry of its `inputs:`/`outputs:`. Reported at the reference itself.

import { fileRefs } from '../../plan/file-refs';
import type { Finding, JsonPath } from '../finding';
import { asArray, asRecord, asString, type JobRule } from './rule';

export const fileRefNames: JobRule = (_ctx, entry) => {
  const texts: { text: string; path: JsonPath }[] = [];
  const add = (v: unknown, path: JsonPath) => {
    const text = asString(v);
    if (text !== undefined) texts.push({ text, path });
  };
  const addEnv = (env: unknown, path: JsonPath) => {
    for (const [k, v] of Object.entries(asRecord(env) ?? {})) add(v, [...path, k]);
  };
  add(entry.job.command, [...entry.path, 'command']);
  add(entry.job.workdir, [...entry.path, 'workdir']);
  addEnv(entry.job.env, [...entry.path, 'env']);
  asArray(entry.job.steps).forEach((s, i) => {
    const step = asRecord(s);
    add(step?.command, [...entry.path, 'steps', i, 'command']);
    add(step?.workdir, [...entry.path, 'steps', i, 'workdir']);
    addEnv(step?.env, [...entry.path, 'steps', i, 'env']);
  });
  const findings: Finding[] = [];
  for (const { text, path } of texts) {
    const seen = new Map<string, number>();
    for (const ref of fileRefs(text)) {
      const spelled = text.slice(ref.index, ref.index + ref.length);
      const occurrence = seen.get(spelled) ?? 0;
      seen.set(spelled, occurrence + 1);
      const declared = asRecord(entry.job[ref.kind]);
      if (declared && Object.prototype.hasOwnProperty.call(declared, ref.name)) continue;
      const names = Object.keys(declared ?? {});
      findings.push({
        code: 'SF055',
        message: `\${{ ${ref.kind}.${ref.name} }} names no entry of job "${entry.name}"'s ${ref.kind}: (${names.length ? names.join(', ') : `it declares no ${ref.kind}`}). Declare it under ${ref.kind}:, or use one of its names.`,
        path,
        quote: { text: spelled, occurrence },
      });
    }
  }
  return findings;
};
