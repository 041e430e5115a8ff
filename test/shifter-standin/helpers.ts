// Shared fixture of the Shifter stand-in's tests: a private Docker registry with the stand-in's own
// test images (fixtures/build-images.sh), image gateways on free ports, a private "global file system"
// directory, and helpers to run shifter/shifterimg as the unprivileged test users.
//
// Prerequisites are checked and reported LOUDLY (the tests fail, never skip): run as root (to switch
// users), bwrap, skopeo, umoci, docker-registry (or SHIFTER_TEST_REGISTRY=host:port of a running one),
// busybox, setpriv, and two unprivileged users: SHIFTER_TEST_USER (default sfuser) and
// SHIFTER_TEST_OTHER_USER (default sfother), as created by test/cluster/up.sh.
import assert from 'node:assert/strict';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

export interface RunResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface User {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The stand-in's directory (this file is compiled to out/test/shifter-standin/, so search upwards). */
export function standinDir(): string {
  if (process.env.SHIFTER_STANDIN_DIR) return process.env.SHIFTER_STANDIN_DIR;
  let d = typeof __dirname !== 'undefined' ? __dirname : process.cwd();
  for (;;) {
    const cand = path.join(d, 'test', 'shifter-standin');
    if (fs.existsSync(path.join(cand, 'gateway.js'))) return cand;
    if (fs.existsSync(path.join(d, 'gateway.js')) && path.basename(d) === 'shifter-standin') return d;
    const up = path.dirname(d);
    if (up === d) throw new Error('cannot find test/shifter-standin (set SHIFTER_STANDIN_DIR)');
    d = up;
  }
}

export const BIN = {
  get shifter(): string {
    return path.join(standinDir(), 'bin', 'shifter');
  },
  get shifterimg(): string {
    return path.join(standinDir(), 'bin', 'shifterimg');
  },
  get check(): string {
    return path.join(standinDir(), 'libexec', 'shifter-check');
  },
};

export function haveCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Fail loudly when a prerequisite is missing. */
export function requirePrereqs(...tools: string[]): void {
  const missing = tools.filter((t) => !haveCommand(t));
  assert.deepEqual(
    missing,
    [],
    `PREREQUISITE MISSING for the Shifter stand-in tests: ${missing.join(', ')} ` +
      '(apt-get install bubblewrap skopeo umoci docker-registry busybox-static util-linux; see test/cluster/install.sh)',
  );
}

export function requireRoot(): void {
  assert.equal(process.getuid?.(), 0, 'PREREQUISITE: the Shifter stand-in tests must run as root (they switch to the test users)');
}

export function lookupUser(name: string): User {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  assert.equal(
    r.status,
    0,
    `PREREQUISITE MISSING: user ${name} does not exist (test/cluster/up.sh creates sfuser and sfother; or set SHIFTER_TEST_USER / SHIFTER_TEST_OTHER_USER)`,
  );
  const f = r.stdout.trim().split(':');
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}

export function testUser(): User {
  return lookupUser(process.env.SHIFTER_TEST_USER || 'sfuser');
}

export function otherUser(): User {
  return lookupUser(process.env.SHIFTER_TEST_OTHER_USER || 'sfother');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpResult {
  status: number;
  body: string;
  json: any;
  contentType: string;
}

export function httpRequest(url: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode || 0, body: text, json, contentType: String(res.headers['content-type'] || '') });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function waitFor(what: string, timeoutMs: number, fn: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      /* retry */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function killAndWait(child: ChildProcess | null): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const t = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ------------------------------------------------------------------------------------ gateway
export interface GatewayOptions {
  registry: string;
  store: string;
  state: string;
  delays?: string; // "pending,pulling,conversion" seconds
  pullUpdateTimeout?: number;
  system?: string;
  extraEnv?: Record<string, string>;
}

export class Gateway {
  child: ChildProcess | null = null;
  port = 0;
  log = '';
  constructor(public opts: GatewayOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const env: Record<string, string> = {
      PATH: process.env.PATH || '/usr/bin:/bin',
      SHIFTER_GATEWAY_PORT: String(port),
      SHIFTER_GATEWAY_REGISTRY: this.opts.registry,
      SHIFTER_GATEWAY_IMAGE_STORE: this.opts.store,
      SHIFTER_GATEWAY_STATE: this.opts.state,
      SHIFTER_GATEWAY_DELAYS: this.opts.delays || '0.25,0.25,0.25',
      SHIFTER_GATEWAY_PULL_UPDATE_TIMEOUT: String(this.opts.pullUpdateTimeout ?? 300),
      SHIFTER_GATEWAY_SYSTEMS: this.opts.system || 'sfcluster',
      SHIFTER_GATEWAY_ADMINS: '0',
      ...(this.opts.extraEnv || {}),
    };
    const child = spawn(process.execPath, [path.join(standinDir(), 'gateway.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    await waitFor('the gateway to listen', 15000, async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited: ${this.log}`);
      const m = /listening [\d.]+:(\d+)/.exec(out);
      if (!m) return false;
      this.port = Number(m[1]);
      return true;
    }).catch((e) => {
      throw new Error(`${e.message}\n--- gateway log ---\n${this.log}`);
    });
  }

  async stop(): Promise<void> {
    await killAndWait(this.child);
    this.child = null;
  }
}

// ------------------------------------------------------------------------------------ shared fixture
export interface Fixture {
  root: string; // private "global file system" (siteFs), readable by the test users
  registry: string;
  store: string;
  gateway: Gateway;
  user: User;
  other: User;
  /** environment for shifter/shifterimg pointing at `gw` (default: the shared gateway) */
  env(gw?: Gateway, extra?: Record<string, string>): Record<string, string>;
}

let shared: Promise<Fixture> | null = null;
let registryChild: ChildProcess | null = null;
const gateways: Gateway[] = [];
let sharedRoot: string | null = null;

async function startRegistry(root: string): Promise<string> {
  if (process.env.SHIFTER_TEST_REGISTRY) {
    const reg = process.env.SHIFTER_TEST_REGISTRY;
    const r = await httpRequest(`http://${reg}/v2/`).catch((e) => {
      throw new Error(`PREREQUISITE: SHIFTER_TEST_REGISTRY=${reg} does not answer: ${e.message}`);
    });
    assert.equal(r.status, 200, `PREREQUISITE: registry ${reg} answers ${r.status} on /v2/`);
    return reg;
  }
  const port = await freePort();
  const conf = path.join(root, 'registry.yml');
  fs.mkdirSync(path.join(root, 'registry-data'), { recursive: true });
  fs.writeFileSync(
    conf,
    `version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: ${root}/registry-data}\nhttp: {addr: 127.0.0.1:${port}}\n`,
  );
  let log = '';
  registryChild = spawn('docker-registry', ['serve', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  registryChild.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const reg = `127.0.0.1:${port}`;
  await waitFor('the test registry', 15000, async () => {
    if (registryChild!.exitCode !== null) throw new Error(`docker-registry exited: ${log}`);
    return (await httpRequest(`http://${reg}/v2/`)).status === 200;
  });
  return reg;
}

export function startGateway(opts: Partial<GatewayOptions> & { registry: string; store: string; state: string }): Promise<Gateway> {
  const gw = new Gateway(opts as GatewayOptions);
  gateways.push(gw);
  return gw.start().then(() => gw);
}

/** The fixture shared by every stand-in test file (started once, stopped by the root after-hook). */
export function fixture(): Promise<Fixture> {
  if (shared) return shared;
  shared = (async () => {
    requireRoot();
    requirePrereqs('bwrap', 'skopeo', 'umoci', 'setpriv', 'busybox', 'node');
    if (!process.env.SHIFTER_TEST_REGISTRY) requirePrereqs('docker-registry');
    const user = testUser();
    const other = otherUser();
    fs.mkdirSync('/var/tmp', { recursive: true });
    const root = fs.mkdtempSync('/var/tmp/sfstandin-test-');
    sharedRoot = root;
    fs.chmodSync(root, 0o755);
    const registry = await startRegistry(root);
    const b = spawnSync('bash', [path.join(standinDir(), 'fixtures', 'build-images.sh'), registry, '/var/tmp/shifter-standin-fixtures'], {
      encoding: 'utf8',
    });
    assert.equal(b.status, 0, `building/pushing the fixture images failed:\n${b.stdout}\n${b.stderr}`);
    const store = path.join(root, 'images');
    fs.mkdirSync(store, { recursive: true, mode: 0o755 });
    const gateway = await startGateway({ registry, store, state: path.join(root, 'gateway-state.json') });
    const f: Fixture = {
      root,
      registry,
      store,
      gateway,
      user,
      other,
      env(gw?: Gateway, extra: Record<string, string> = {}) {
        return {
          SHIFTER_STANDIN_GATEWAY_URL: (gw || gateway).url,
          SHIFTER_STANDIN_IMAGE_PATH: (gw || gateway).opts.store,
          SHIFTER_STANDIN_SITEFS: root,
          SHIFTER_STANDIN_SYSTEM: 'sfcluster',
          ...extra,
        };
      },
    };
    return f;
  })();
  return shared;
}

export async function shutdownShared(): Promise<void> {
  for (const g of gateways.splice(0)) await g.stop();
  await killAndWait(registryChild);
  registryChild = null;
  if (sharedRoot) spawnSync('rm', ['-rf', '--one-file-system', sharedRoot]);
  sharedRoot = null;
  shared = null;
}

// Root-level hook (registered when the first test file loads this module): stop what we started.
after(async function () {
  this.timeout(60000);
  await shutdownShared();
});

/** Run a command as `user` (setpriv, like a login: own uid/gid/groups, HOME, USER). */
export function runAs(
  user: User | null,
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {},
): RunResult {
  const base: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
  };
  if (user) {
    base.HOME = user.home;
    base.USER = user.name;
    base.LOGNAME = user.name;
  } else {
    base.HOME = '/root';
    base.USER = 'root';
  }
  const env = { ...base, ...(opts.env || {}) };
  const argv = user ? ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', cmd, ...args] : [];
  const r = spawnSync(user ? 'setpriv' : cmd, user ? argv : args, {
    env,
    cwd: opts.cwd || '/',
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Pull an image through the REST API and wait until it leaves the in-flight statuses. */
export async function pullAndWait(gw: Gateway, tag: string, uid = 0, gid = 0, body = '', timeoutMs = 30000): Promise<any> {
  const url = `${gw.url}/api/pull/sfcluster/docker/${encodeURIComponent(tag)}/`;
  const headers = { authentication: `plain:${uid}:${gid}` };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpRequest(url, 'POST', body, headers);
    assert.equal(r.status, 200, r.body);
    if (!['MISSING', 'INIT', 'PENDING', 'PULLING', 'EXAMINATION', 'CONVERSION', 'TRANSFER'].includes(r.json.status)) return r.json;
    if (Date.now() > deadline) throw new Error(`pull of ${tag} still ${r.json.status}`);
    await sleep(100);
  }
}

export function lookupRaw(gw: Gateway, tag: string, uid = 0, gid = 0, type = 'docker'): Promise<HttpResult> {
  return httpRequest(`${gw.url}/api/lookup/sfcluster/${type}/${encodeURIComponent(tag)}/`, 'GET', undefined, {
    authentication: `plain:${uid}:${gid}`,
  });
}

/** the digest the registry reports for name:tag (what the gateway must use as the image id) */
export function registryDigest(registry: string, ref: string): string {
  const r = spawnSync('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${registry}/${ref}`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().replace(/^sha256:/, '');
}

export function mkdirFor(user: User, p: string, mode = 0o755): string {
  fs.mkdirSync(p, { recursive: true });
  fs.chownSync(p, user.uid, user.gid);
  fs.chmodSync(p, mode);
  return p;
}
