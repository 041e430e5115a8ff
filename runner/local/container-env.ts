// The environment inside the container, in Shifter's order of precedence (lowest first): the host's
// (unless --clearenv), the image's ENV (it overrides the host's, PATH included), --env-file, --env,
// then SHIFTER_RUNTIME, SHIFTER_IMAGE and SHIFTER_IMAGEREQUEST. When a user stands in for root, HOME,
// USER and LOGNAME are that user's, as if it had started the job. Only portable names pass (letters,
// digits, _): podman reads `--env A*` as a pattern, and bash's exported functions are no variables.

import type { ContainerUser } from './run-as';

export const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface EnvironmentInput {
  host: NodeJS.ProcessEnv;
  clearenv: boolean;
  user: ContainerUser;
  imageEnv: readonly string[];
  fileEnv: readonly [string, string][];
  optionEnv: readonly [string, string][];
  imageId: string;
  imageRequest: string;
  /** PATH entries that exist only for the runner (its libexec): not the container's business. */
  dropFromPath?: readonly string[];
}

export function containerEnvironment(i: EnvironmentInput): [string, string][] {
  const env = new Map<string, string>();
  if (!i.clearenv) {
    for (const [k, v] of Object.entries(i.host)) {
      if (v === undefined || !VALID_NAME.test(k) || k.startsWith('SF_LOCAL_')) continue;
      env.set(k, v);
    }
    if (env.has('PATH') && i.dropFromPath?.length) env.set('PATH', env.get('PATH')!.split(':').filter((p) => !i.dropFromPath!.includes(p)).join(':'));
    if (i.user.substituted) {
      env.set('HOME', i.user.home);
      env.set('USER', i.user.name);
      env.set('LOGNAME', i.user.name);
    }
  }
  for (const kv of i.imageEnv) {
    const eq = kv.indexOf('=');
    if (eq > 0 && VALID_NAME.test(kv.slice(0, eq))) env.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  for (const [k, v] of i.fileEnv) env.set(k, v);
  for (const [k, v] of i.optionEnv) env.set(k, v);
  env.set('SHIFTER_RUNTIME', '1');
  env.set('SHIFTER_IMAGE', i.imageId);
  env.set('SHIFTER_IMAGEREQUEST', i.imageRequest);
  return [...env];
}

/** `NAME=VALUE` as --env and --env-file lines take it; undefined when malformed (Shifter exits 1). */
export function parseAssignment(text: string): [string, string] | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0 || !VALID_NAME.test(text.slice(0, eq))) return undefined;
  return [text.slice(0, eq), text.slice(eq + 1)];
}
