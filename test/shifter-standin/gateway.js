#!/usr/bin/env node
'use strict';
// Stand-in for Shifter's image gateway (imagegw): the REST API of shifter_imagegw/api.py and the
// pull/lookup/list/ACL logic of imagemngr.py, with a worker that REALLY fetches the image from a
// Docker registry (skopeo) and unpacks it (umoci) into an image store on the global file system.
//
// Environment (all optional):
//   SHIFTER_GATEWAY_HOST            listen address (127.0.0.1)
//   SHIFTER_GATEWAY_PORT            listen port (8999; 0 = any free port, printed on stdout)
//   SHIFTER_GATEWAY_REGISTRY        registry for docker:NAME:TAG -> <registry>/NAME:TAG (127.0.0.1:5000)
//   SHIFTER_GATEWAY_REGISTRY_ALIASES  comma list of registry host names mapped to that registry
//                                   (registry.services.nersc.gov)
//   SHIFTER_GATEWAY_IMAGE_STORE     image store: <store>/<id>/rootfs, <store>/<id>/meta.json
//                                   (/var/lib/shifter-standin/images)
//   SHIFTER_GATEWAY_STATE           JSON state file (<store>/../gateway-state.json)
//   SHIFTER_GATEWAY_MODE            fast (default) | realistic
//   SHIFTER_GATEWAY_PHASE_DELAY     minimum seconds of each of PENDING, PULLING, CONVERSION (fast: 0.3)
//   SHIFTER_GATEWAY_DELAYS          "pending,pulling,conversion" seconds, overrides the above
//   SHIFTER_GATEWAY_PULL_UPDATE_TIMEOUT  seconds before a READY (or FAILURE) image is pulled again (300)
//   SHIFTER_GATEWAY_FAILURE_RETRY   seconds before a FAILURE may be pulled again (= PULL_UPDATE_TIMEOUT)
//   SHIFTER_GATEWAY_SYSTEMS         comma list of system names served, or * (sfcluster)
//   SHIFTER_GATEWAY_ADMINS          comma list of uids/user names allowed to expire (0)
//   SHIFTER_GATEWAY_WORKERS         concurrent pulls (8: WorkerThreads of imagegw's imagemanager.json.example)
//   SHIFTER_GATEWAY_MUNGE_SOCKET    socket for unmunge (munge's default when empty)
//   SHIFTER_GATEWAY_ALLOW_PLAIN     1 (default) accept "plain:uid:gid" authentication; 0 = munge only
//   SHIFTER_GATEWAY_PIDFILE         write "PID node" here while running
//   SHIFTER_GATEWAY_SKOPEO / SHIFTER_GATEWAY_UMOCI   tool paths

const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawn, spawnSync } = require('child_process');

const env = process.env;
const STORE = path.resolve(env.SHIFTER_GATEWAY_IMAGE_STORE || '/var/lib/shifter-standin/images');
const MODE = env.SHIFTER_GATEWAY_MODE === 'realistic' ? 'realistic' : 'fast';

function parseDelays() {
  if (env.SHIFTER_GATEWAY_DELAYS) {
    const d = env.SHIFTER_GATEWAY_DELAYS.split(',').map(Number);
    if (d.length === 3 && d.every((x) => x >= 0)) return { pending: d[0], pulling: d[1], conversion: d[2] };
  }
  if (env.SHIFTER_GATEWAY_PHASE_DELAY !== undefined && Number(env.SHIFTER_GATEWAY_PHASE_DELAY) >= 0) {
    const x = Number(env.SHIFTER_GATEWAY_PHASE_DELAY);
    return { pending: x, pulling: x, conversion: x };
  }
  return MODE === 'realistic' ? { pending: 2, pulling: 5, conversion: 15 } : { pending: 0.3, pulling: 0.3, conversion: 0.3 };
}

const CFG = {
  host: env.SHIFTER_GATEWAY_HOST || '127.0.0.1',
  port: env.SHIFTER_GATEWAY_PORT !== undefined ? Number(env.SHIFTER_GATEWAY_PORT) : 8999,
  registry: env.SHIFTER_GATEWAY_REGISTRY || '127.0.0.1:5000',
  aliases: (env.SHIFTER_GATEWAY_REGISTRY_ALIASES || 'registry.services.nersc.gov')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  store: STORE,
  stateFile: path.resolve(env.SHIFTER_GATEWAY_STATE || path.join(path.dirname(STORE), 'gateway-state.json')),
  mode: MODE,
  delays: parseDelays(),
  // realistic mode also charges time per byte (skopeo and umoci on small images are far faster than
  // the genuine gateway's docker pull + squashfs conversion)
  bytesPerSecPull: MODE === 'realistic' ? 50e6 : Infinity,
  bytesPerSecConvert: MODE === 'realistic' ? 20e6 : Infinity,
  pullUpdateTimeout: env.SHIFTER_GATEWAY_PULL_UPDATE_TIMEOUT !== undefined ? Number(env.SHIFTER_GATEWAY_PULL_UPDATE_TIMEOUT) : 300,
  // the genuine gateway keeps a FAILURE for PullUpdateTimeout too; tests may want to retry sooner
  failureRetry:
    env.SHIFTER_GATEWAY_FAILURE_RETRY !== undefined
      ? Number(env.SHIFTER_GATEWAY_FAILURE_RETRY)
      : env.SHIFTER_GATEWAY_PULL_UPDATE_TIMEOUT !== undefined
        ? Number(env.SHIFTER_GATEWAY_PULL_UPDATE_TIMEOUT)
        : 300,
  systems: (env.SHIFTER_GATEWAY_SYSTEMS || 'sfcluster')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  admins: (env.SHIFTER_GATEWAY_ADMINS || '0')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  workers: Math.max(1, Number(env.SHIFTER_GATEWAY_WORKERS || 8)),
  mungeSocket: env.SHIFTER_GATEWAY_MUNGE_SOCKET || '',
  allowPlain: env.SHIFTER_GATEWAY_ALLOW_PLAIN !== '0',
  pidFile: env.SHIFTER_GATEWAY_PIDFILE || '',
  skopeo: env.SHIFTER_GATEWAY_SKOPEO || 'skopeo',
  umoci: env.SHIFTER_GATEWAY_UMOCI || 'umoci',
};

const IN_FLIGHT = ['INIT', 'PENDING', 'PULLING', 'EXAMINATION', 'CONVERSION', 'TRANSFER'];

function log(msg) {
  process.stderr.write(`[shifter-gateway ${new Date().toISOString()}] ${msg}\n`);
}

function now() {
  // a float with a fractional part, like Python's time.time() (json-c needs a double)
  let t = Date.now() / 1000;
  if (Number.isInteger(t)) t += 0.000001;
  return t;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------- state
let db = { images: [] };

function loadState() {
  try {
    const j = JSON.parse(fs.readFileSync(CFG.stateFile, 'utf8'));
    if (j && Array.isArray(j.images)) db = j;
  } catch (e) {
    if (e.code !== 'ENOENT') log(`WARNING: cannot read state ${CFG.stateFile}: ${e.message}; starting empty`);
  }
}

function saveState() {
  const tmp = `${CFG.stateFile}.tmp.${process.pid}`;
  fs.mkdirSync(path.dirname(CFG.stateFile), { recursive: true });
  fs.writeFileSync(tmp, JSON.stringify(db, null, 1));
  fs.renameSync(tmp, CFG.stateFile);
}

function newId() {
  return crypto.randomBytes(12).toString('hex');
}

// ------------------------------------------------------------------------------------- sessions
function userOfUid(uid) {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 7 && Number(f[2]) === uid) return f[0];
    }
  } catch {
    /* ignore */
  }
  return String(uid);
}

/** Session from the "authentication" header, like imagemngr.new_session + auth.authenticate */
function newSession(auth) {
  if (auth === undefined || auth === null || auth === '') return { uid: null, gid: null, user: null };
  if (auth.startsWith('MUNGE:')) {
    const args = CFG.mungeSocket ? ['-S', CFG.mungeSocket] : [];
    const r = spawnSync('unmunge', args, { input: auth, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`Authentication failed: ${(r.stderr || '').trim()}`);
    const uidm = /^UID:\s+\S+\s+\((\d+)\)/m.exec(r.stdout);
    const gidm = /^GID:\s+\S+\s+\((\d+)\)/m.exec(r.stdout);
    if (!uidm || !gidm) throw new Error('Authentication returned invalid response');
    const uid = Number(uidm[1]);
    return { uid, gid: Number(gidm[1]), user: userOfUid(uid) };
  }
  const m = /^plain:(\d+):(\d+)$/.exec(auth);
  if (m && CFG.allowPlain) {
    const uid = Number(m[1]);
    return { uid, gid: Number(m[2]), user: userOfUid(uid) };
  }
  throw new Error('Authentication failed');
}

function isAdmin(session) {
  if (session.uid === null) return false;
  return CFG.admins.includes(String(session.uid)) || (session.user !== null && CFG.admins.includes(session.user));
}

function systemOk(system) {
  return CFG.systems.includes('*') || CFG.systems.includes(system);
}

function checkRead(session, rec) {
  if (rec.private === false) return true;
  const u = rec.userACL || [];
  const g = rec.groupACL || [];
  if (u.length === 0 && g.length === 0) return true;
  if (session.uid !== null && u.includes(session.uid)) return true;
  if (session.gid !== null && g.includes(session.gid)) return true;
  return false;
}

// ------------------------------------------------------------------------------------- records
const FIELDS = [
  'id',
  'system',
  'itype',
  'tag',
  'status',
  'userACL',
  'groupACL',
  'ENV',
  'ENTRY',
  'WORKDIR',
  'LABELS',
  'last_pull',
  'status_message',
];

function createResponse(rec) {
  const out = {};
  for (const f of FIELDS) out[f] = Object.prototype.hasOwnProperty.call(rec, f) ? rec[f] : 'MISSING';
  return out;
}

function findReady(system, itype, tag) {
  if (itype === 'id') return db.images.find((r) => r.status === 'READY' && r.system === system && r.id === tag) || null;
  return (
    db.images.find(
      (r) => r.status === 'READY' && r.system === system && r.itype === itype && Array.isArray(r.tag) && r.tag.includes(tag),
    ) || null
  );
}

/** remove FAILURE records older than the pull update timeout (imagemngr.update_states) */
function updateStates() {
  const t = now();
  const before = db.images.length;
  db.images = db.images.filter((r) => !(r.status === 'FAILURE' && t > (r.last_pull || 0) + CFG.failureRetry));
  if (db.images.length !== before) saveState();
}

function pullable(rec) {
  if (rec === null) return true;
  if (!rec.status) return true;
  if (rec.status === 'EXPIRED') return true;
  if (rec.last_pull === undefined) return true;
  const nextpull = CFG.pullUpdateTimeout + rec.last_pull;
  if (rec.status === 'READY' && now() > nextpull) return true;
  if (rec.status === 'FAILURE' && now() > CFG.failureRetry + rec.last_pull) return true;
  if (rec.status !== 'READY' && rec.last_heartbeat !== undefined && now() - rec.last_heartbeat > 3600) return true;
  return false;
}

function sameList(a, b) {
  const x = a || [];
  const y = b || [];
  if (x.length !== y.length) return false;
  return x.every((i) => y.includes(i));
}

function pull(session, image) {
  updateStates();
  let rec = findReady(image.system, image.itype, image.tag);
  for (const r of db.images) {
    if (r.system === image.system && r.itype === image.itype && r.pulltag === image.tag && r.status !== 'READY') {
      rec = r;
      break;
    }
  }
  const inflight = rec !== null && rec.status !== 'READY';
  const recent = rec !== null && rec.status === 'READY' && now() - rec.last_pull < 10;
  let userACL = [];
  let groupACL = [];
  if (image.userACL && image.userACL.length) {
    userACL = [...image.userACL];
    if (session.uid !== null && !userACL.includes(session.uid)) userACL.push(session.uid);
  }
  if (image.groupACL && image.groupACL.length) {
    groupACL = [...image.groupACL];
    if (session.gid !== null && !groupACL.includes(session.gid)) groupACL.push(session.gid);
  }
  const aclChanged = rec !== null && !(sameList(userACL, rec.userACL) && sameList(groupACL, rec.groupACL));
  let update = false;
  if (!recent && !inflight && aclChanged) update = true;
  if (pullable(rec)) update = true;
  if (update) {
    // new_pull_record: drop old non-READY records of this tag
    db.images = db.images.filter(
      (r) => !(r.system === image.system && r.itype === image.itype && r.pulltag === image.tag && r.status !== 'READY'),
    );
    rec = {
      _id: newId(),
      system: image.system,
      itype: image.itype,
      pulltag: image.tag,
      tag: [],
      status: 'PENDING',
      status_message: '',
      userACL,
      groupACL,
      private: userACL.length > 0 || groupACL.length > 0 ? true : null,
      last_pull: now(),
      last_heartbeat: now(),
      requested_by: session.uid,
    };
    db.images.push(rec);
    saveState();
    enqueue(rec);
    log(`pull request queued s=${image.system} t=${image.itype}:${image.tag} uid=${session.uid}`);
  }
  return rec;
}

// ------------------------------------------------------------------------------------- worker
const queue = [];
let active = 0;
const children = new Set();

function enqueue(rec) {
  queue.push(rec._id);
  pump();
}

function pump() {
  while (active < CFG.workers && queue.length > 0) {
    const id = queue.shift();
    const rec = db.images.find((r) => r._id === id);
    if (!rec || !IN_FLIGHT.includes(rec.status)) continue;
    active++;
    doPull(rec)
      .catch((e) => {
        log(`internal error in pull ${rec.pulltag}: ${e.stack || e}`);
        setState(rec, 'FAILURE', `FAILURE: internal error: ${e.message}`);
      })
      .finally(() => {
        active--;
        pump();
      });
  }
}

function setState(rec, status, message) {
  rec.status = status;
  rec.status_message = message || '';
  rec.last_heartbeat = now();
  saveState();
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    children.add(child);
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => {
      children.delete(child);
      resolve({ code: 127, stdout: '', stderr: String(e.message) });
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code: code === null ? 128 : code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** docker tag -> registry reference */
function registryRef(tag) {
  const slash = tag.indexOf('/');
  if (slash > 0) {
    const first = tag.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      if (CFG.aliases.includes(first)) return `${CFG.registry}/${tag.slice(slash + 1)}`;
      return tag;
    }
  }
  return `${CFG.registry}/${tag}`;
}

function lastLine(s) {
  const lines = String(s).trim().split('\n').filter(Boolean);
  if (!lines.length) return '';
  let line = lines[lines.length - 1].replace(/^time="[^"]*" level=\w+ msg=/, '');
  if (line.startsWith('"')) {
    try {
      line = JSON.parse(line);
    } catch {
      /* keep it as it is */
    }
  }
  return line;
}

function readBlob(layout, digest) {
  const [alg, hex] = digest.split(':');
  return fs.readFileSync(path.join(layout, 'blobs', alg, hex));
}

function dirSize(p) {
  let total = 0;
  try {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const q = path.join(p, e.name);
      if (e.isDirectory()) total += dirSize(q);
      else if (e.isFile()) total += fs.statSync(q).size;
    }
  } catch {
    /* ignore */
  }
  return total;
}

async function phaseWait(start, seconds, bytes, rate) {
  let ms = seconds * 1000;
  if (Number.isFinite(rate) && bytes > 0) ms += (bytes / rate) * 1000;
  const left = start + ms - Date.now();
  if (left > 0) await sleep(left);
}

async function doPull(rec) {
  const label = `${rec.itype}:${rec.pulltag}`;
  const tmpRoot = path.join(CFG.store, '.tmp');
  fs.mkdirSync(tmpRoot, { recursive: true, mode: 0o700 });
  const work = fs.mkdtempSync(path.join(tmpRoot, 'pull-'));
  try {
    // PENDING
    let t = Date.now();
    setState(rec, 'PENDING');
    await phaseWait(t, CFG.delays.pending, 0, Infinity);
    if (!db.images.includes(rec)) return;

    // PULLING
    t = Date.now();
    setState(rec, 'PULLING');
    if (rec.itype !== 'docker') {
      await phaseWait(t, CFG.delays.pulling, 0, Infinity);
      setState(rec, 'FAILURE', `FAILURE: image type ${rec.itype} cannot be pulled (only docker images are pulled by this gateway)`);
      return;
    }
    const ref = registryRef(rec.pulltag);
    const insp = await run(CFG.skopeo, ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    if (insp.code !== 0) {
      await phaseWait(t, CFG.delays.pulling, 0, Infinity);
      setState(rec, 'FAILURE', `FAILURE: could not pull ${label} from ${ref}: ${lastLine(insp.stderr)}`);
      log(`pull ${label} failed: ${lastLine(insp.stderr)}`);
      return;
    }
    let digest = 'sha256:' + crypto.createHash('sha256').update(insp.stdout).digest('hex');
    try {
      const m = JSON.parse(insp.stdout.toString('utf8'));
      if (Array.isArray(m.manifests)) {
        const pick =
          m.manifests.find((x) => x.platform && x.platform.os === 'linux' && x.platform.architecture === 'amd64') || m.manifests[0];
        if (pick && pick.digest) digest = pick.digest;
      }
    } catch {
      /* not JSON: keep the byte digest */
    }
    const id = digest.replace(/^sha256:/, '');
    const layout = path.join(work, 'oci');
    // copy exactly the manifest whose digest became the id (repository@digest, the tag dropped)
    const slashAt = ref.lastIndexOf('/');
    const colonAt = ref.lastIndexOf(':');
    const repo = colonAt > slashAt ? ref.slice(0, colonAt) : ref;
    const copy = await run(CFG.skopeo, [
      'copy',
      '--quiet',
      '--insecure-policy',
      '--src-tls-verify=false',
      `docker://${repo}@${digest}`,
      `oci:${layout}:img`,
    ]);
    if (copy.code !== 0) {
      await phaseWait(t, CFG.delays.pulling, 0, Infinity);
      setState(rec, 'FAILURE', `FAILURE: could not pull ${label} from ${ref}: ${lastLine(copy.stderr)}`);
      log(`pull ${label} failed: ${lastLine(copy.stderr)}`);
      return;
    }
    const pulledBytes = dirSize(layout);
    await phaseWait(t, CFG.delays.pulling, pulledBytes, CFG.bytesPerSecPull);
    if (!db.images.includes(rec)) return;

    // CONVERSION
    t = Date.now();
    setState(rec, 'CONVERSION');
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
    const mdesc =
      index.manifests.find((m) => m.annotations && m.annotations['org.opencontainers.image.ref.name'] === 'img') || index.manifests[0];
    const manifest = JSON.parse(readBlob(layout, mdesc.digest).toString('utf8'));
    const config = JSON.parse(readBlob(layout, manifest.config.digest).toString('utf8'));
    const c = config.config || {};
    const meta = {
      id,
      ENV: Array.isArray(c.Env) && c.Env.length ? c.Env : null,
      ENTRY: Array.isArray(c.Entrypoint) && c.Entrypoint.length ? c.Entrypoint.join(' ') : null,
      WORKDIR: typeof c.WorkingDir === 'string' && c.WorkingDir ? c.WorkingDir : null,
      LABELS: c.Labels && typeof c.Labels === 'object' ? c.Labels : {},
    };
    const dest = path.join(CFG.store, id);
    if (!fs.existsSync(path.join(dest, 'rootfs'))) {
      const unpackDir = path.join(work, 'unpacked');
      fs.mkdirSync(unpackDir);
      const args = ['raw', 'unpack'];
      if (process.getuid() !== 0) args.push('--rootless');
      args.push('--image', `${layout}:img`, path.join(unpackDir, 'rootfs'));
      const up = await run(CFG.umoci, args);
      if (up.code !== 0) {
        await phaseWait(t, CFG.delays.conversion, 0, Infinity);
        setState(rec, 'FAILURE', `FAILURE: conversion of ${label} failed: ${lastLine(up.stderr)}`);
        log(`conversion ${label} failed: ${up.stderr}`);
        return;
      }
      fs.chmodSync(unpackDir, 0o755);
      try {
        fs.renameSync(unpackDir, dest);
      } catch (e) {
        if (!fs.existsSync(path.join(dest, 'rootfs'))) throw e; // another pull of the same id won the race
      }
    }
    await phaseWait(t, CFG.delays.conversion, pulledBytes, CFG.bytesPerSecConvert);
    if (!db.images.includes(rec)) return;
    completePull(rec, meta);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function writeMeta(rec) {
  const dir = path.join(CFG.store, rec.id);
  const meta = {
    id: rec.id,
    ENV: rec.ENV,
    ENTRY: rec.ENTRY,
    WORKDIR: rec.WORKDIR,
    LABELS: rec.LABELS,
    userACL: rec.userACL || [],
    groupACL: rec.groupACL || [],
    private: rec.private === undefined ? null : rec.private,
  };
  const tmp = path.join(dir, `.meta.json.${process.pid}`);
  fs.writeFileSync(tmp, JSON.stringify(meta, null, 1), { mode: 0o644 });
  fs.renameSync(tmp, path.join(dir, 'meta.json'));
}

function addTag(rec, tag) {
  for (const r of db.images) {
    if (r.system === rec.system && Array.isArray(r.tag)) r.tag = r.tag.filter((x) => x !== tag);
  }
  if (!rec.tag.includes(tag)) rec.tag.push(tag);
}

function completePull(rec, meta) {
  const existing = db.images.find((r) => r !== rec && r.status === 'READY' && r.system === rec.system && r.id === meta.id);
  if (existing) {
    existing.last_pull = now();
    existing.userACL = rec.userACL;
    existing.groupACL = rec.groupACL;
    existing.private = rec.private;
    db.images = db.images.filter((r) => r !== rec);
    addTag(existing, rec.pulltag);
    existing.itype = rec.itype;
    writeMeta(existing);
  } else {
    Object.assign(rec, { id: meta.id, ENV: meta.ENV, ENTRY: meta.ENTRY, WORKDIR: meta.WORKDIR, LABELS: meta.LABELS });
    rec.last_pull = now();
    rec.status = 'READY';
    rec.status_message = '';
    addTag(rec, rec.pulltag);
    writeMeta(rec);
  }
  saveState();
  log(`pull ${rec.itype}:${rec.pulltag} READY id=${meta.id}`);
}

function expire(session, image) {
  if (!isAdmin(session)) return false;
  const rec = db.images.find(
    (r) => r.system === image.system && r.itype === image.itype && Array.isArray(r.tag) && r.tag.includes(image.tag),
  );
  if (!rec) return null;
  rec.status = 'EXPIRED';
  const stillUsed = db.images.some((r) => r !== rec && r.status === 'READY' && r.id === rec.id);
  if (!stillUsed && rec.id) fs.rmSync(path.join(CFG.store, rec.id), { recursive: true, force: true });
  saveState();
  return true;
}

// ------------------------------------------------------------------------------------- HTTP
function send(res, code, obj) {
  const body = Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj));
  res.writeHead(code, {
    'Content-Type': typeof obj === 'string' ? 'text/html; charset=utf-8' : 'application/json',
    'Content-Length': String(body.length),
  });
  res.end(body);
}

function notFound(req, res, error) {
  send(res, 404, { status: 404, error: String(error), message: `Not Found: http://${req.headers.host || ''}${req.url}` });
}

function dockerLatest(itype, tag) {
  return itype === 'docker' && tag.indexOf(':') === -1 ? `${tag}:latest` : tag;
}

function handle(req, res, body) {
  const url = new URL(req.url, 'http://x');
  const raw = url.pathname.split('/').slice(1);
  if (raw.length && raw[raw.length - 1] === '') raw.pop();
  let segs;
  try {
    segs = raw.map((s) => decodeURIComponent(s));
  } catch {
    return notFound(req, res, 'bad url');
  }
  if (segs.length === 0) return send(res, 200, '{lookup,pull,expire,list}');
  if (segs[0] !== 'api' || segs.length < 3) return notFound(req, res, 'no such endpoint');
  const mode = segs[1];
  const system = segs[2];
  let session;
  try {
    session = newSession(req.headers.authentication);
  } catch (e) {
    return notFound(req, res, e.message);
  }
  if (!systemOk(system)) return notFound(req, res, 'Bad session or system');

  if ((mode === 'list' || mode === 'queue' || mode === 'autoexpire') && segs.length === 3 && req.method === 'GET') {
    updateStates();
    if (mode === 'list') {
      const list = db.images.filter((r) => r.status === 'READY' && r.system === system && checkRead(session, r)).map(createResponse);
      return send(res, 200, { list });
    }
    if (mode === 'queue') {
      return send(res, 200, {
        list: db.images.filter((r) => r.system === system && r.status !== 'READY').map((r) => ({ status: r.status, image: r.pulltag })),
      });
    }
    return send(res, 200, { status: isAdmin(session) ? [] : false });
  }
  if (segs.length < 5) return notFound(req, res, 'no such endpoint');
  const itype = segs[3];
  const tag = dockerLatest(itype, segs.slice(4).join('/'));
  const image = { system, itype, tag };

  if (mode === 'lookup' && req.method === 'GET') {
    updateStates();
    const rec = findReady(system, itype, tag);
    if (!rec || !checkRead(session, rec)) return notFound(req, res, 'image not found');
    return send(res, 200, createResponse(rec));
  }
  if (mode === 'pull' && req.method === 'POST') {
    let data = {};
    const text = body.toString('utf8');
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        log(`Unable to parse pull data '${text}'`);
      }
    }
    try {
      if (data && data.allowed_uids !== undefined)
        image.userACL = String(data.allowed_uids)
          .split(',')
          .filter((s) => s !== '')
          .map((x) => parseInt(x, 10));
      if (data && data.allowed_gids !== undefined)
        image.groupACL = String(data.allowed_gids)
          .split(',')
          .filter((s) => s !== '')
          .map((x) => parseInt(x, 10));
      if ((image.userACL || []).some(Number.isNaN) || (image.groupACL || []).some(Number.isNaN))
        throw new Error('invalid literal for int()');
    } catch (e) {
      return notFound(req, res, `Exception in pull: ${e.message}`);
    }
    const rec = pull(session, image);
    return send(res, 200, createResponse(rec));
  }
  if (mode === 'expire' && req.method === 'GET') {
    return send(res, 200, { status: expire(session, image) });
  }
  return notFound(req, res, 'no such endpoint');
}

function main() {
  fs.mkdirSync(CFG.store, { recursive: true });
  fs.chmodSync(CFG.store, 0o755);
  loadState();
  // pulls that were in flight when the gateway stopped start over
  for (const r of db.images) {
    if (IN_FLIGHT.includes(r.status)) {
      r.status = 'PENDING';
      r.last_heartbeat = now();
      queue.push(r._id);
    }
  }
  saveState();

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (e) {
        log(`internal error: ${e.stack || e}`);
        if (!res.headersSent) notFound(req, res, e.message);
      }
    });
  });
  server.keepAliveTimeout = 2000;
  server.listen(CFG.port, CFG.host, () => {
    const addr = server.address();
    if (CFG.pidFile) fs.writeFileSync(CFG.pidFile, `${process.pid} node\n`);
    log(
      `listening on http://${addr.address}:${addr.port} (store ${CFG.store}, registry ${CFG.registry}, mode ${CFG.mode}, delays ${JSON.stringify(CFG.delays)}, PullUpdateTimeout ${CFG.pullUpdateTimeout}s, FAILURE retry ${CFG.failureRetry}s, systems ${CFG.systems.join(',')})`,
    );
    process.stdout.write(`listening ${addr.address}:${addr.port}\n`);
    pump();
  });
  server.on('error', (e) => {
    log(`cannot listen on ${CFG.host}:${CFG.port}: ${e.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (sig) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping`);
    for (const c of children) c.kill('SIGTERM');
    server.close();
    try {
      saveState();
    } catch {
      /* ignore */
    }
    if (CFG.pidFile) {
      try {
        const cur = fs.readFileSync(CFG.pidFile, 'utf8').split(' ')[0];
        if (Number(cur) === process.pid) fs.unlinkSync(CFG.pidFile);
      } catch {
        /* ignore */
      }
    }
    setTimeout(() => process.exit(0), 50);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => stop('SIGHUP'));
}

main();
