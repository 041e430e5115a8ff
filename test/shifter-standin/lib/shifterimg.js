'use strict';
// shifterimg: the command-line client of the image gateway, reproducing Shifter 22.02's shifterimg.c:
//   shifterimg [-v] [--user=a,b] [--group=g] pull TYPE:TAG
//   shifterimg [-v] images | lookup TYPE:TAG | expire TYPE:TAG | autoexpire
// Output formats, polling (every 0.5 s while the status is MISSING INIT PENDING PULLING EXAMINATION
// CONVERSION TRANSFER), and exit codes (0 even when a pull ends in FAILURE) follow the original.

const { loadConfig } = require('./config');
const { parseImageDescriptor } = require('./imageref');
const gw = require('./gwclient');
const users = require('./users');
const { getoptLong } = require('./getopt');

const CONTINUE = ['MISSING', 'INIT', 'PENDING', 'PULLING', 'EXAMINATION', 'CONVERSION', 'TRANSFER'];

function out(s) {
  process.stdout.write(s);
}

function usage(ret) {
  out('Usage: shifterimg [-h|-v] [--user <user list>] [--group <group list>] <mode> <type:tag>\n\n');
  out('    Mode: images, lookup, or pull\n');
  return ret;
}

function pad2(n) {
  return String(n).padStart(2, '0');
}

function strftime(date) {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}T${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

function padRight(s, n) {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function toIds(list, kind) {
  const ids = [];
  for (const item of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (/^\d+$/.test(item)) {
      ids.push(item);
      continue;
    }
    const ent = kind === 'user' ? users.getpwnam(item) : users.getgrnam(item);
    if (!ent) return { error: `FAILED to find ${kind} ${item}` };
    ids.push(String(kind === 'user' ? ent.uid : ent.gid));
  }
  return { ids };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function recTags(rec) {
  if (Array.isArray(rec.tag)) return rec.tag.filter((t) => typeof t === 'string');
  if (typeof rec.tag === 'string') return [rec.tag];
  return [];
}

/** one gateway query; returns the parsed record/list or null (as queryGateway returning NULL) */
async function query(conf, opts, method, path, body) {
  const r = await gw.request(conf, method, path, body);
  if (!r.ok) {
    if (r.connectError) out('ERROR: failed to contact the image gateway.\n');
    else out(`err ${r.errno}\n`);
    return null;
  }
  if (r.status !== 200) {
    if (opts.verbose) out(`Got response: ${r.status}\nMessage: ${r.text}\n`);
    return null;
  }
  if (opts.verbose) out(`Message: ${r.text}\n`);
  if (!r.isJson || r.json === undefined) return null;
  return r.json;
}

async function main(argv) {
  const spec = {
    short: { h: 0, v: 0 }, // -u/-g are not in 22.02's optstring: use --user= and --group=
    long: { help: { has: 0, key: 'h' }, verbose: { has: 0, key: 'v' }, user: { has: 1, key: 'user' }, group: { has: 1, key: 'group' } },
  };
  const g = getoptLong(argv, spec, 'shifterimg');
  if (g.error) {
    process.stderr.write(`${g.error}\nMissing an argument!\n`);
    return usage(1);
  }
  const opts = { verbose: false, user: null, group: null };
  for (const o of g.opts) {
    if (o.key === 'h') return usage(0);
    if (o.key === 'v') opts.verbose = true;
    if (o.key === 'user') opts.user = o.value;
    if (o.key === 'group') opts.group = o.value;
  }
  const rest = g.rest;
  if (rest.length === 0) {
    process.stderr.write('Must specify mode (images, lookup, pull)!\n');
    return usage(1);
  }
  const mode = rest[0];
  if (!['lookup', 'pull', 'pullnb', 'images', 'login', 'expire', 'autoexpire'].includes(mode)) {
    process.stderr.write('Invalid mode specified\n');
    return usage(1);
  }
  if (mode === 'login') {
    process.stderr.write('shifterimg login is not supported by the stand-in\n');
    return 1;
  }
  const conf = loadConfig();

  let type = null;
  let tag = null;
  if (rest.length > 1) {
    const d = parseImageDescriptor(rest[1]);
    if (!d) {
      process.stderr.write('FAILED to parse image descriptor. Try specifying both the type and descriptor, e.g., docker:ubuntu:latest\n');
      return usage(1);
    }
    type = d.type;
    tag = d.tag;
  }

  if (mode === 'images' || mode === 'autoexpire') {
    const apiMode = mode === 'images' ? 'list' : 'autoexpire';
    const j = await query(conf, opts, 'GET', gw.apiPath(apiMode, conf.system, null, null));
    if (j === null) return 1;
    if (mode === 'autoexpire') return 0;
    const rows = [];
    for (const rec of Array.isArray(j.list) ? j.list : Array.isArray(j.data) ? j.data : []) {
      for (const t of recTags(rec)) rows.push({ rec, t });
    }
    if (rows.length === 0) return 1;
    rows.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    for (const { rec, t } of rows) {
      const lp = typeof rec.last_pull === 'number' ? Math.trunc(rec.last_pull) : 0;
      const time = strftime(new Date(lp * 1000));
      const id = typeof rec.id === 'string' ? rec.id.slice(0, 10) : '(null)';
      out(`${padRight(rec.system, 10)} ${padRight(rec.itype, 10)} ${padRight(rec.status, 8)} ${id}   ${time} ${padRight(t, 30)}\n`);
    }
    return 0;
  }

  if (type === null) {
    process.stderr.write('Must specify an image, e.g., docker:ubuntu:latest\n');
    return usage(1);
  }

  if (mode === 'lookup') {
    const j = await query(conf, opts, 'GET', gw.apiPath('lookup', conf.system, type, tag));
    if (j === null) return 1;
    if (typeof j.id === 'string') out(`${j.id}\n`);
    return 0;
  }
  if (mode === 'expire') {
    const j = await query(conf, opts, 'GET', gw.apiPath('expire', conf.system, type, tag));
    return j === null ? 1 : 0;
  }

  // pull / pullnb
  const body = {};
  if (opts.user !== null) {
    const r = toIds(opts.user, 'user');
    if (r.error) {
      process.stderr.write(`${r.error}\n`);
      return 1;
    }
    body.allowed_uids = r.ids.join(',');
  }
  if (opts.group !== null) {
    const r = toIds(opts.group, 'group');
    if (r.error) {
      process.stderr.write(`${r.error}\n`);
      return 1;
    }
    body.allowed_gids = r.ids.join(',');
  }
  const payload = Object.keys(body).length ? JSON.stringify(body) : '';
  const path = gw.apiPath('pull', conf.system, type, tag);

  // one poll in "non-blocking" mode: prints the status line; true = keep polling
  const pollOnce = async () => {
    const j = await query(conf, opts, 'POST', path, payload);
    if (j === null) return false;
    const status = typeof j.status === 'string' ? j.status : '(null)';
    const line = `${opts.verbose ? '' : '\r\x1b[2K'}${strftime(new Date())} Pulling Image: ${type}:${tag}, status: ${status}${opts.verbose ? '\n' : ''}`;
    out(line);
    if (CONTINUE.includes(status)) return true;
    out('\n');
    return false;
  };

  if (mode === 'pullnb') {
    const keep = await pollOnce();
    return keep ? 0 : 0;
  }
  const first = await query(conf, opts, 'POST', path, payload);
  if (first === null) return 1;
  for (;;) {
    await sleep(500);
    if (!(await pollOnce())) break;
  }
  return 0;
}

module.exports = { main, strftime };
