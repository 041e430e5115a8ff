// HTTP to one registry for one repository (distribution spec, "pull"): GETs that answer 2xx or throw
// a RegistryError a person can act on. What it takes care of, once, for every caller:
//   - TLS verified unless the location says not to; then HTTPS without verification is tried first
//     and plain HTTP when the registry does not speak TLS (what skopeo's --tls-verify=false does);
//   - auth as the registry asks: anonymous first; on 401 a Bearer token from the challenge's realm
//     (with the docker config's Basic credentials when there are some), or Basic itself;
//   - redirects (blobs are often served from object storage), dropping the Authorization header
//     when the redirect leaves the registry's host;
//   - a stalled connection ends with an error instead of hanging.
// Credentials and tokens live only in this object's fields and request headers, never in a message.

import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { parseChallenge } from './challenge';
import { RegistryError } from './errors';
import type { ImageLocation } from './location';

const HEADER_TIMEOUT_MS = 60_000;
/** A body that sends nothing for this long is treated as a broken connection. */
const BODY_IDLE_TIMEOUT_MS = 300_000;
const MAX_REDIRECTS = 5;

export interface TransportOptions {
  /** base64 `user:password` from the docker config, if any. */
  credentials?: string;
  /** Where the credentials came from, for the refusal message (a path, never the value). */
  credentialsSource?: string;
}

export class RegistryTransport {
  private scheme: 'https' | 'http' = 'https';
  private schemeSettled: boolean;
  private authorization: string | undefined;

  constructor(
    readonly location: ImageLocation,
    private readonly options: TransportOptions = {},
  ) {
    this.schemeSettled = location.tlsVerify;
  }

  /** GET `/v2/<repository>/<kind>/<reference>`; `what` names the object in messages. */
  get(kind: 'manifests' | 'blobs', reference: string, what: string, accept: readonly string[] = []): Promise<IncomingMessage> {
    return this.fetch('GET', kind, reference, what, accept);
  }

  /** HEAD of the same: its headers only (a manifest's Docker-Content-Digest), with the same auth and errors. */
  async head(kind: 'manifests' | 'blobs', reference: string, what: string, accept: readonly string[] = []): Promise<IncomingMessage['headers']> {
    const res = await this.fetch('HEAD', kind, reference, what, accept);
    res.resume();
    return res.headers;
  }

  private async fetch(method: 'GET' | 'HEAD', kind: 'manifests' | 'blobs', reference: string, what: string, accept: readonly string[]): Promise<IncomingMessage> {
    const path = `/v2/${this.location.repository}/${kind}/${reference}`;
    let retriedAuth = false;
    for (;;) {
      const res = await this.send(method, path, accept);
      if (res.statusCode === 401 && !retriedAuth) {
        const challenge = parseChallenge(res.headers['www-authenticate'] as string | undefined);
        res.resume();
        retriedAuth = true;
        if (challenge?.scheme === 'bearer') {
          this.authorization = `Bearer ${await this.token(challenge.realm, challenge.service, challenge.scope ?? `repository:${this.location.repository}:pull`)}`;
          continue;
        }
        if (challenge?.scheme === 'basic' && this.options.credentials) {
          this.authorization = `Basic ${this.options.credentials}`;
          continue;
        }
        throw this.refused(401);
      }
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      const body = await smallBody(res);
      if (status === 401 || status === 403) throw this.refused(status);
      if (status === 404) throw this.notFound(kind, what, body);
      throw new RegistryError(`registry ${this.location.host} answered HTTP ${status} for ${what}${errorDetail(body)}`, 'registry', status);
    }
  }

  private async token(realm: string, service: string | undefined, scope: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`registry ${this.location.host} asks for a token from "${realm}", which is not a URL`, 'registry');
    }
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (this.options.credentials) headers.authorization = `Basic ${this.options.credentials}`;
    const res = await this.request(url, headers, 0, url.protocol === 'https:' ? this.location.tlsVerify : true);
    const status = res.statusCode ?? 0;
    const body = await smallBody(res);
    if (status === 401 || status === 403) throw this.refused(status);
    if (status < 200 || status >= 300) throw new RegistryError(`the token service of registry ${this.location.host} (${url.host}) answered HTTP ${status}`, 'registry', status);
    let token: unknown;
    try {
      const data = JSON.parse(body) as { token?: unknown; access_token?: unknown };
      token = data.token ?? data.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token) throw new RegistryError(`the token service of registry ${this.location.host} (${url.host}) gave no token`, 'registry');
    return token;
  }

  private async send(method: 'GET' | 'HEAD', path: string, accept: readonly string[]): Promise<IncomingMessage> {
    const headers: Record<string, string> = {};
    if (accept.length) headers.accept = accept.join(', ');
    if (this.authorization) headers.authorization = this.authorization;
    if (this.schemeSettled) return this.request(new URL(`${this.scheme}://${this.location.apiHost}${path}`), headers, 0, this.location.tlsVerify, method);
    try {
      const res = await this.request(new URL(`https://${this.location.apiHost}${path}`), headers, 0, false, method);
      this.schemeSettled = true;
      return res;
    } catch (e) {
      if (!(e instanceof RegistryError) || !(e as RegistryError & { notTls?: boolean }).notTls) throw e;
      this.scheme = 'http';
      this.schemeSettled = true;
      return this.request(new URL(`http://${this.location.apiHost}${path}`), headers, 0, false, method);
    }
  }

  private request(url: URL, headers: Record<string, string>, redirects: number, verify: boolean, method: 'GET' | 'HEAD' = 'GET'): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'http:' ? http : https;
      const req = lib.request(url, { method, headers: { 'user-agent': 'shifterflow', ...headers }, ...(url.protocol === 'https:' ? { rejectUnauthorized: verify } : {}) }, (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if ([301, 302, 303, 307, 308].includes(status) && location) {
          res.resume();
          if (redirects >= MAX_REDIRECTS) return reject(new RegistryError(`registry ${this.location.host} redirected more than ${MAX_REDIRECTS} times`, 'registry', status));
          const next = new URL(location, url);
          const kept = { ...headers };
          if (next.host !== url.host) delete kept.authorization;
          resolve(this.request(next, kept, redirects + 1, next.protocol === 'https:' && next.host !== url.host ? true : verify, method));
          return;
        }
        req.setTimeout(BODY_IDLE_TIMEOUT_MS, () => res.destroy(this.networkError(new Error(`no data for ${BODY_IDLE_TIMEOUT_MS / 1000} s`))));
        resolve(res);
      });
      req.setTimeout(HEADER_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${HEADER_TIMEOUT_MS / 1000} s`)));
      req.on('error', (e: NodeJS.ErrnoException) => reject(this.networkError(e, url)));
      req.end();
    });
  }

  networkError(e: NodeJS.ErrnoException, url?: URL): RegistryError {
    const code = e.code ?? '';
    // A plain-HTTP server answering a TLS hello: not a network failure, just no TLS.
    const notTls = code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(e.message);
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
      return new RegistryError(`cannot verify the TLS certificate of registry ${url?.host ?? this.location.host} (${e.message}): install its CA, or set SHIFTERFLOW_REGISTRY_TLS_VERIFY=false for a registry you trust`, 'network');
    }
    const err = new RegistryError(`cannot reach registry ${url?.host ?? this.location.host}: ${e.message} (check the image name, the network, and SHIFTERFLOW_REGISTRY)`, 'network');
    if (notTls) (err as RegistryError & { notTls?: boolean }).notTls = true;
    return err;
  }

  private refused(status: number): RegistryError {
    const how = this.options.credentials ? `with the credentials in ${this.options.credentialsSource ?? 'the docker config'}` : 'anonymously';
    const fix = this.options.credentials
      ? `check that they are still valid (docker login ${this.location.host}) and allow pulling ${this.location.repository}`
      : `if the image is private, log in (docker login ${this.location.host} writes ~/.docker/config.json, or set DOCKER_CONFIG); otherwise check the image name`;
    return new RegistryError(`registry ${this.location.host} refused to serve ${this.location.repository} ${how} (HTTP ${status}): ${fix}`, 'refused', status);
  }

  private notFound(kind: 'manifests' | 'blobs', what: string, body: string): RegistryError {
    const code = registryErrorCodes(body);
    const where = `registry ${this.location.host}`;
    if (kind === 'blobs') return new RegistryError(`${where} has no ${what} (HTTP 404): the image is incomplete in the registry; push it again`, 'not-found', 404);
    if (code.includes('NAME_UNKNOWN')) return new RegistryError(`image ${this.location.reference} not found: ${where} has no repository "${this.location.repository}" (check the name, and SHIFTERFLOW_REGISTRY for unqualified names)`, 'not-found', 404);
    return new RegistryError(`image ${this.location.reference} not found: ${where} has no ${what} (check the tag)`, 'not-found', 404);
  }
}

async function smallBody(res: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (size < limit) chunks.push(chunk);
      size += chunk.length;
    }
  } catch {
    // a broken error body changes nothing about the status
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

function registryErrorCodes(body: string): string[] {
  try {
    const data = JSON.parse(body) as { errors?: { code?: string }[] };
    return (data.errors ?? []).map((e) => String(e.code ?? ''));
  } catch {
    return [];
  }
}

function errorDetail(body: string): string {
  try {
    const data = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const first = data.errors?.[0];
    if (first) return `: ${first.code ?? ''} ${first.message ?? ''}`.trimEnd();
  } catch {
    // not the registry's JSON
  }
  return '';
}
