// Credentials as `docker login` stores them: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`,
// `auths[host].auth` = base64("user:password"). Credential helpers (credsStore) are not run: that
// would start programs on the user's behalf; a registry that needs them answers 401 and the error
// says how to log in. The value is handed to the transport only, never logged or journaled.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The `Basic` credentials for a registry host, base64 as stored, or undefined. */
export function dockerCredentials(host: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  let config: { auths?: Record<string, { auth?: string }> };
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const auths = config?.auths ?? {};
  for (const key of authKeys(host)) {
    const auth = auths[key]?.auth;
    if (typeof auth === 'string' && auth) return auth;
  }
  return undefined;
}

// docker writes Docker Hub's entry under its old v1 URL, and other hosts sometimes with a scheme.
function authKeys(host: string): string[] {
  if (host === 'docker.io' || host === 'registry-1.docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}
