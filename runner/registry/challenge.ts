// The registry's `WWW-Authenticate` answer to an anonymous request (distribution spec, token auth):
//   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"
//   Basic realm="Registry Realm"
// Parsed, not guessed: the token is asked for exactly where and for what the registry says.

export type Challenge = { scheme: 'bearer'; realm: string; service?: string; scope?: string } | { scheme: 'basic'; realm?: string };

export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/gy;
  let p: RegExpExecArray | null;
  re.lastIndex = 0;
  const rest = m[2];
  while (re.lastIndex < rest.length && (p = re.exec(rest))) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  const scheme = m[1].toLowerCase();
  if (scheme === 'bearer' && params.realm) return { scheme, realm: params.realm, service: params.service, scope: params.scope };
  if (scheme === 'basic') return { scheme, realm: params.realm };
  return undefined;
}
