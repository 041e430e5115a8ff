'use strict';
// shifter: run a command in a Shifter image (stand-in for Shifter 22.02's setuid `shifter`).
//
// This file is the "planner": it parses options and environment exactly as shifter.c does, looks the
// image up at the gateway (as the calling user), checks everything Shifter checks, and writes a
// bubblewrap invocation into PLAN_DIR; bin/shifter then exec()s bubblewrap with it, so the command runs
// as the calling user, in the caller's process (no daemon, no PID namespace), as with the real one.
//
// usage (internal): node shifter.js PLAN_DIR ARGV0   (the arguments are read from PLAN_DIR/argv, NUL-separated)

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const { loadConfig, cleanPath, ENV_NAMES } = require('./config');
const { parseImageDescriptor, filterTag } = require('./imageref');
const { getoptLong } = require('./getopt');
const { parseVolumeMap, canonical } = require('./volumes');
const { parseModules, moduleSetup } = require('./modules');
const { MountPlan, layoutImage, ancestors, lstatSafe, under } = require('./mountplan');
const users = require('./users');
const gw = require('./gwclient');

class Exit extends Error {
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function err(s) {
  process.stderr.write(s);
}

function usage(status) {
  process.stdout.write(
    '\n' +
      'Usage:\n' +
      'shifter [-h|--help] [-v|--verbose] [--image=<imageType>:<imageTag>]\n' +
      '    [--entrypoint[=command]] [-w|--workdir[=/path]] [-m|--module=<mod1,mod2>]\n' +
      '    [-e|--env=NAME=VALUE] [--env-file=/path] [-E|--clearenv]\n' +
      '    [-V|--volume=/path/to/bind:/mnt/in/image[:<flags>][;...]]\n' +
      '    [-- /command/to/exec/in/shifter [args...]]\n' +
      '\n' +
      'Image Selection:  Images can be selected in any of three ways, explicit\n' +
      'specification as an argument, e.g.:\n' +
      '    shifter --image=docker:ubuntu/15.04\n' +
      'Or an image can be specified in the environment by passing either:\n' +
      '    export SHIFTER=docker:ubuntu/15.04\n' +
      '                    or\n' +
      '    export SHIFTER_IMAGETYPE=docker\n' +
      '    export SHIFTER_IMAGE=ubuntu/15.04\n' +
      '\n' +
      'Command Selection: If a command is supplied on the command line Shifter will\n' +
      'attempt to exec that command within the image.  Otherwise, if "--entrypoint" is\n' +
      'specified and an entry point is defined for the image, then the entrypoint\n' +
      'will be executed.  Finally if nothing else is specified /bin/sh will be\n' +
      'attempted.\n' +
      '\n' +
      'Environmental Transfer: All the environment variables defined in the\n' +
      "calling processes's environment will be transferred into the container,\n" +
      'however, any environment variables defined in the container desription,\n' +
      'e.g., Docker ENV-defined variables, will be sourced and override those.\n' +
      '\n' +
      'Volume Mapping:  You can request any path available in the current\n' +
      'environment to be mapped to some other path within the container.\n' +
      'e.g.,\n' +
      '    shifter --volume=/scratch/path/to/my/data:/data\n' +
      'Would cause /data within the container to be bound to\n' +
      '/scratch/path/to/my/data.  The mount-point (e.g., /data) must already exist\n' +
      'in the provided image.  You can not bind a path into any path including or\n' +
      'under /dev, /etc, /opt/udiImage, /proc, or /var; or overwrite any bind-\n' +
      'requested by the system configuration.\n' +
      '\n',
  );
  throw new Exit(status);
}

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseEnvAssignment(s) {
  const eq = s.indexOf('=');
  if (eq <= 0) return null;
  const name = s.slice(0, eq);
  if (!ENV_NAME_RE.test(name)) return null;
  return [name, s.slice(eq + 1)];
}

// ---------------------------------------------------------------------------------- options
function parseEnvironment(env) {
  const o = { imageType: null, imageTag: null, request: null, rawVolumes: null, modules: null };
  const pick = (name) => (env[name] !== undefined ? env[name] : env[`SLURM_SPANK_${name}`]);
  const t = pick('SHIFTER_IMAGETYPE');
  const type = t !== undefined ? filterTag(t, null) : null;
  const i = pick('SHIFTER_IMAGE');
  const tag = i !== undefined ? filterTag(i, type) : null;
  if (type && tag) {
    o.imageType = type;
    o.imageTag = tag;
  }
  const m = pick('SHIFTER_MODULE');
  if (m !== undefined) o.modules = m;
  const req = pick('SHIFTER');
  if (req !== undefined && o.imageType === null) {
    const d = parseImageDescriptor(req);
    if (d) {
      o.imageType = d.type;
      o.imageTag = d.tag;
      o.request = req;
    }
  }
  const v = pick('SHIFTER_VOLUME');
  if (v !== undefined) o.rawVolumes = v;
  const r = pick('SHIFTER_IMAGEREQUEST');
  if (r !== undefined && o.request === null) o.request = r;
  return o;
}

const SPEC = {
  short: { h: 0, n: 0, v: 0, V: 1, i: 1, e: 1, w: 2, m: 1, E: 0 },
  long: {
    help: { has: 0, key: 'h' },
    volume: { has: 1, key: 'V' },
    verbose: { has: 0, key: 'v' },
    image: { has: 1, key: 'i' },
    entrypoint: { has: 2, key: 'entrypoint' },
    workdir: { has: 2, key: 'w' },
    module: { has: 1, key: 'm' },
    env: { has: 1, key: 'e' },
    'env-file': { has: 1, key: 'env-file' },
    clearenv: { has: 0, key: 'E' },
  },
};

function parseOptions(args, envOpts) {
  const g = getoptLong(args, SPEC, 'shifter');
  if (g.error) {
    err(`${g.error}\nMissing an argument!\n`);
    usage(1);
  }
  const o = {
    ...envOpts,
    verbose: false,
    useEntryPoint: false,
    entrypoint: null,
    workdir: undefined,
    envs: [],
    envFiles: [],
    clearenv: false,
    args: g.rest,
  };
  let volOptCount = 0;
  for (const x of g.opts) {
    switch (x.key) {
      case 'h':
        usage(0);
        break;
      case 'v':
        o.verbose = true;
        break;
      case 'V':
        // the first --volume on the command line discards SHIFTER_VOLUME from the environment
        if (volOptCount === 0) o.rawVolumes = null;
        o.rawVolumes = (o.rawVolumes === null ? '' : o.rawVolumes) + ';' + x.value;
        volOptCount++;
        break;
      case 'i': {
        const d = parseImageDescriptor(x.value);
        if (!d) {
          err('Incorrect format for image identifier: need "image_type:image_desc", e.g., docker:ubuntu:14.04\n');
          usage(1);
        }
        o.imageType = d.type;
        o.imageTag = d.tag;
        o.request = x.value;
        break;
      }
      case 'entrypoint':
        o.useEntryPoint = true;
        if (x.value !== null) o.entrypoint = x.value;
        break;
      case 'w':
        o.workdir = x.value === null ? '' : x.value;
        break;
      case 'm':
        o.modules = x.value;
        break;
      case 'e':
        o.envs.push(x.value);
        break;
      case 'env-file':
        o.envFiles.push(x.value);
        break;
      case 'E':
        o.clearenv = true;
        break;
      default:
        break;
    }
  }
  if (o.rawVolumes !== null && o.rawVolumes.endsWith(';')) o.rawVolumes = o.rawVolumes.slice(0, -1);
  return o;
}

// ---------------------------------------------------------------------------------- perNodeCache
function jobIsExclusive(conf, env, jobId) {
  if (env.SHIFTER_STANDIN_JOB_EXCLUSIVE === '1') return true;
  if (env.SHIFTER_STANDIN_JOB_EXCLUSIVE === '0') return false;
  const r = spawnSync(conf.scontrol, ['show', 'job', '-o', jobId], { encoding: 'utf8', timeout: 15000 });
  if (r.status !== 0 || !r.stdout) return false;
  const m = /\bOverSubscribe=(\S+)/.exec(r.stdout) || /\bShared=(\S+)/.exec(r.stdout);
  return !!m && (m[1] === 'NO' || m[1] === '0');
}

/**
 * The SPANK job epilog removes a job's persistent perNodeCache directories. When it cannot run (slurmd
 * started before the plugin was installed: slurmd decides at start-up whether any SPANK plugin has an
 * epilog), the next exclusive job of the same user on the node removes those of jobs that are over.
 */
function gcStaleJobCaches(conf, base, jobId) {
  let names = [];
  try {
    names = fs.readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^job_(\d+)$/.exec(name);
    if (!m || m[1] === jobId) continue;
    const r = spawnSync(conf.scontrol, ['show', 'job', '-o', m[1]], { encoding: 'utf8', timeout: 15000 });
    if (r.error) continue; // cannot tell: keep it
    const st = /\bJobState=(\S+)/.exec(r.stdout || '');
    const alive = st && ['RUNNING', 'SUSPENDED', 'CONFIGURING', 'PENDING', 'STAGE_OUT', 'RESIZING'].includes(st[1]);
    if (r.status === 0 && alive) continue;
    if (r.status !== 0 && !/Invalid job id/i.test(r.stderr || '')) continue;
    fs.rmSync(path.join(base, name), { recursive: true, force: true });
  }
}

function ensureOwnDir(dir, uid) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid) throw new Error(`${dir} is not a directory owned by uid ${uid}`);
}

// ---------------------------------------------------------------------------------- main
async function plan(planDir, argv0, args) {
  const env = process.env;
  const conf = loadConfig(env);
  const envOpts = parseEnvironment(env);
  const o = parseOptions(args, envOpts);
  const verbose = (s) => {
    if (o.verbose) err(`shifter: ${s}\n`);
  };

  if (!o.imageType || !o.imageTag) {
    err('No image specified, or specified incorrectly!\n');
    usage(1);
  }
  let imageId;
  if (o.imageType === 'id') {
    imageId = /^[0-9a-f]+$/.test(o.imageTag) ? o.imageTag : null;
  } else if (o.imageType === 'local') {
    imageId = null; // local chroots are not enabled at this site (allowLocalChroot=0)
  } else {
    imageId = await gw.lookupId(conf, o.imageType, o.imageTag);
  }
  if (!imageId) {
    err(`FAILED to lookup ${o.imageType} image ${o.imageTag}\n`);
    usage(1);
  }
  if (o.request === null) o.request = `${o.imageType}:${o.imageTag}`;
  verbose(`image ${o.imageType}:${o.imageTag} -> id ${imageId}`);

  let volumes = [];
  if (o.rawVolumes !== null) {
    const r = parseVolumeMap(o.rawVolumes);
    if (!r.ok) {
      for (const m of r.messages) err(`${m}\n`);
      err('Failed to parse volume map options\n');
      usage(1);
    }
    volumes = r.entries;
  }

  const uid = process.getuid();
  const gid = process.getgid();
  const pw = users.getpwuid(uid);

  const sel = parseModules(o.modules, conf.defaultModulesList);
  if (sel.error) {
    err(`Unknown shifter module: ${sel.error}\n`);
    err(`Invalid shifter module selection: ${o.modules}\n`);
    usage(1);
  }

  // --env-file and --env: validated before anything runs; a malformed one is an error (exit 1)
  const fileEnv = [];
  for (const f of o.envFiles) {
    let text;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      err(`FAILED to read environment file ${f}: ${e.code || e.message}\n`);
      throw new Exit(1);
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const kv = parseEnvAssignment(line);
      if (!kv) {
        err(`Invalid environment variable in ${f}: ${line}\n`);
        throw new Exit(1);
      }
      fileEnv.push(kv);
    }
  }
  const optEnv = [];
  for (const e of o.envs) {
    const kv = parseEnvAssignment(e);
    if (!kv) {
      err(`Invalid environment variable specification: ${e} (expected NAME=VALUE)\n`);
      throw new Exit(1);
    }
    optEnv.push(kv);
  }

  const imageDir = path.join(conf.imagePath, imageId);
  const rootfs = path.join(imageDir, 'rootfs');
  let meta;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(imageDir, 'meta.json'), 'utf8'));
    if (!fs.statSync(rootfs).isDirectory()) throw new Error('no rootfs');
  } catch {
    err('FAILED to find requested image.\n');
    throw new Exit(1);
  }

  if (uid === 0 || gid === 0 || !pw) {
    err('Failed to lookup username or attempted to run as root.\n\n');
    throw new Exit(1);
  }
  const myGroups = users.groupsOf(pw);
  const auxGids = myGroups.map((gr) => gr.gid);
  const uacl = meta.userACL || [];
  const gacl = meta.groupACL || [];
  if (meta.private !== false && (uacl.length || gacl.length)) {
    const ok = uacl.includes(uid) || gacl.includes(gid) || auxGids.some((x) => gacl.includes(x));
    if (!ok) {
      err('FAILED permission denied to image\n');
      throw new Exit(1);
    }
  }

  let cwd = null;
  try {
    cwd = process.cwd();
  } catch {
    err('Failed to determine current working directory: \n');
    throw new Exit(1);
  }
  let workdir;
  if (o.workdir === undefined) workdir = cwd;
  else if (o.workdir === '') workdir = meta.WORKDIR || '/';
  else workdir = o.workdir;

  const mods = moduleSetup(sel.modules, conf);
  if (mods.error) {
    err(`${mods.error}\n`);
    throw new Exit(1);
  }

  // ------------------------------------------------------------------ the container's file system
  const siteFs = [];
  const candidates = [...conf.siteFsList];
  if (conf.siteFsHome === '1' && pw.home && pw.home.startsWith('/')) candidates.push(cleanPath(pw.home));
  for (const p of candidates) {
    const st = lstatSafe(p);
    if (!st || !st.isDirectory()) continue;
    if (['/', '/etc', '/var', '/proc', '/dev', '/sys', '/tmp', '/opt/udiImage'].includes(p)) continue;
    if (siteFs.some((q) => under(p, q))) continue;
    for (let k = siteFs.length - 1; k >= 0; k--) if (under(siteFs[k], p)) siteFs.splice(k, 1);
    siteFs.push(p);
  }
  const system = [
    { op: 'dev-bind', src: '/dev', dst: '/dev' },
    { op: 'bind', src: '/proc', dst: '/proc' },
  ];
  if (lstatSafe('/sys')) system.push({ op: 'ro-bind', src: '/sys', dst: '/sys' });
  system.push({ op: 'bind', src: '/tmp', dst: '/tmp' });
  if (lstatSafe('/var/tmp')) system.push({ op: 'bind', src: '/var/tmp', dst: '/var/tmp' });
  for (const p of siteFs) system.push({ op: 'bind', src: p, dst: p });
  for (const b of mods.binds) system.push({ op: 'ro-bind', src: b.src, dst: b.dst });

  // The plan is built twice when a volume's missing target has a parent inside the image (read-only):
  // the second build turns that parent into a tmpfs directory holding the image's entries, so that the
  // mount point can be created there, as the contract says ("created if its parent exists").
  const jobId = env.SLURM_JOB_ID || env.SLURM_JOBID || null;
  let exclusive = null;
  const volSig = volumes.map(canonical).sort().join(';');
  const volFail = (msg) => {
    err(`${msg}\n`);
    err('FAILED to setup user-requested mounts.\n');
    err('FAILED to setup image.\n');
    throw new Exit(1);
  };
  const readOr = (f, dflt) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return dflt;
    }
  };
  const siteEtc = ['passwd', 'group', 'hosts', 'resolv.conf', 'nsswitch.conf'];
  const etcFiles = {
    passwd: pw.line + '\n',
    group: myGroups.map((gr) => gr.line).join('\n') + (myGroups.length ? '\n' : ''),
    hosts: readOr('/etc/hosts', '127.0.0.1 localhost\n'),
    'resolv.conf': readOr('/etc/resolv.conf', ''),
    'nsswitch.conf': 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n',
  };
  const fdList = [];
  {
    let fd = 20; // bin/shifter opens these; bash keeps fds 10-19 for itself
    for (const name of siteEtc) {
      fs.writeFileSync(path.join(planDir, name), etcFiles[name]);
      fdList.push({ fd, name });
      fd++;
    }
  }
  const imagePrefix = rootfs + '/';

  const buildPlan = (extraSynthetic, needSynth) => {
    const synthetic = new Set(['/etc', '/var', ...extraSynthetic]);
    for (const m of system) for (const a of ancestors(m.dst)) synthetic.add(a);
    const skipTop = new Set(['etc', 'var', 'proc', 'dev', 'sys', 'tmp']);
    for (const s of [...synthetic]) for (const a of ancestors(s)) synthetic.add(a);
    const mp = new MountPlan();
    layoutImage(mp, rootfs, synthetic, skipTop);

    // /etc: the image's /etc with the site's passwd, group, hosts, resolv.conf, nsswitch.conf over it
    mp.add({ op: 'dir', dst: '/etc' });
    const imgEtc = path.join(rootfs, 'etc');
    const est = lstatSafe(imgEtc);
    if (est && est.isDirectory()) {
      for (const name of fs.readdirSync(imgEtc).sort()) {
        if (siteEtc.includes(name)) continue;
        const h = path.join(imgEtc, name);
        const st = lstatSafe(h);
        if (!st) continue;
        if (st.isSymbolicLink()) mp.add({ op: 'symlink', target: fs.readlinkSync(h), dst: `/etc/${name}` });
        else if (st.isDirectory() || st.isFile()) mp.add({ op: 'ro-bind', src: h, dst: `/etc/${name}` });
      }
    }
    for (const { fd, name } of fdList) mp.add({ op: 'data', fd, dst: `/etc/${name}`, perms: '0644' });
    // /var is built by Shifter: empty, except /var/tmp (the node's)
    mp.add({ op: 'dir', dst: '/var' });
    for (const m of system) {
      for (const a of ancestors(m.dst).reverse()) {
        if (!mp.lstat(a)) mp.add({ op: 'dir', dst: a });
      }
      mp.add(m);
    }

    // ------------------------------------------------------------------ the user's volumes
    for (const v of volumes) {
      let srcHost = null;
      if (!v.perNodeCache) {
        const r = mp.resolve(v.from);
        if (!r || !r.st) volFail(`FAILED to find real path for volume "from": ${v.from}`);
        if (r.st.type !== 'dir') volFail(`FAILED "from" location is not directory: ${r.path}`);
        if (!r.st.host && !r.st.synthetic) volFail(`FAILED to find real path for volume "from": ${v.from}`);
        if (r.st.host) {
          try {
            fs.accessSync(r.st.host, fs.constants.R_OK | fs.constants.X_OK);
          } catch {
            volFail(`FAILED to find real path for volume "from": ${v.from}`);
          }
          srcHost = r.st.host;
        } else {
          volFail(`FAILED to find real path for volume "from": ${v.from}`);
        }
      }
      if (v.to.length > 1 && v.to.endsWith('/')) {
        volFail(`FAILED to create volume "to": ${v.to}, cannot create mount points in that location`);
      }
      let dst;
      const tr = mp.resolve(v.to);
      if (tr && tr.st) {
        if (tr.st.type !== 'dir') volFail(`FAILED "to" location is not directory: ${v.to}`);
        dst = tr.path;
      } else {
        // a missing mount point is created (one level) when its parent exists in the image
        const parent = path.posix.dirname(v.to);
        const pr = mp.resolve(parent);
        const inImage = pr && pr.st && pr.st.type === 'dir' && pr.st.host && (pr.st.host + '/').startsWith(imagePrefix);
        if (inImage && needSynth) {
          needSynth.add(pr.path);
          continue;
        }
        if (!pr || !pr.st || !pr.st.synthetic) {
          volFail(`FAILED to create volume "to": ${v.to}, cannot create mount points in that location`);
        }
        dst = pr.path === '/' ? `/${path.posix.basename(v.to)}` : `${pr.path}/${path.posix.basename(v.to)}`;
        mp.add({ op: 'dir', dst });
      }
      if (v.perNodeCache) {
        if (exclusive === null) exclusive = jobId ? jobIsExclusive(conf, env, jobId) : false;
        if (exclusive) {
          // lasts across the job's steps on this node; the SPANK plugin's job epilog removes it
          const key = crypto.createHash('sha256').update(`${imageId}\n${volSig}\n${v.to}`).digest('hex').slice(0, 16);
          const base = path.join(conf.perNodeCacheDir, `shifter-standin-pnc-${uid}`);
          const dir = path.join(base, `job_${jobId}`, key);
          try {
            ensureOwnDir(base, uid);
            gcStaleJobCaches(conf, base, jobId);
            fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
            fs.chmodSync(dir, 0o755);
          } catch (e) {
            volFail(`FAILED to setup perNodeCache: ${e.message}`);
          }
          mp.add({ op: 'bind', src: dir, dst });
        } else {
          // every invocation gets a fresh, empty, size-limited file system owned by the user
          mp.add({ op: 'tmpfs', dst, size: v.perNodeCache.size });
        }
      } else {
        mp.add({ op: v.ro ? 'ro-bind' : 'bind', src: srcHost, dst });
      }
    }

    return mp;
  };
  const need = new Set();
  let mp = buildPlan([], need);
  if (need.size > 0) mp = buildPlan([...need], null);

  // ------------------------------------------------------------------ environment
  const E = new Map();
  if (!o.clearenv) for (const [k, v] of Object.entries(env)) E.set(k, v);
  for (const k of [...E.keys()]) {
    if (k.startsWith('SHIFTER_STANDIN_') || Object.values(ENV_NAMES).includes(k)) E.delete(k);
  }
  for (const kv of meta.ENV || []) {
    const a = parseEnvAssignment(kv);
    if (a) E.set(a[0], a[1]);
  }
  for (const [k, v] of fileEnv) E.set(k, v);
  for (const [k, v] of optEnv) E.set(k, v);
  for (const [k, v] of Object.entries(mods.prepend)) E.set(k, E.has(k) && E.get(k) !== '' ? `${v}:${E.get(k)}` : v);
  for (const [k, v] of Object.entries(mods.set)) E.set(k, v);
  E.set('SHIFTER_RUNTIME', '1');
  E.set('SHIFTER_IMAGE', imageId);
  E.set('SHIFTER_IMAGEREQUEST', o.request);

  // ------------------------------------------------------------------ working directory
  let chdir = '/';
  const wr = mp.resolve(workdir);
  let wok = !!(wr && wr.st && wr.st.type === 'dir');
  if (wok && wr.st.host) {
    try {
      fs.accessSync(wr.st.host, fs.constants.X_OK);
    } catch {
      wok = false;
    }
  }
  if (wok) chdir = workdir;
  else err(`Failed to switch to working dir: ${workdir}, staying in /\n`);

  // ------------------------------------------------------------------ command
  let argvIn = [...o.args];
  if (o.useEntryPoint) {
    const entry = o.entrypoint !== null ? o.entrypoint : meta.ENTRY;
    if (entry) argvIn = [...String(entry).split(/\s+/).filter(Boolean), ...argvIn];
  }
  if (argvIn.length === 0) argvIn = ['/bin/sh'];
  const cmd = argvIn[0];
  const isExec = (p) => {
    const r = mp.resolve(p);
    if (!r || !r.st || r.st.type !== 'file' || !r.st.host) return false;
    try {
      fs.accessSync(r.st.host, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  let found = false;
  if (cmd.includes('/')) {
    found = isExec(cmd.startsWith('/') ? cmd : path.posix.join(chdir, cmd));
  } else {
    const pathVar = E.has('PATH') ? E.get('PATH') : '/bin:/usr/bin';
    for (const d of pathVar.split(':')) {
      const dir = d === '' ? chdir : d.startsWith('/') ? d : path.posix.join(chdir, d);
      if (isExec(path.posix.join(dir, cmd))) {
        found = true;
        break;
      }
    }
  }
  if (!found) {
    err(`${argv0}: ${cmd}: No such file or directory\n`);
    throw new Exit(127);
  }

  // ------------------------------------------------------------------ bubblewrap
  const bw = ['--unshare-user', '--uid', String(uid), '--gid', String(gid)];
  bw.push(...mp.bwrapArgs());
  bw.push('--remount-ro', '/');
  bw.push('--chdir', chdir);
  bw.push('--clearenv');
  for (const [k, v] of E) bw.push('--setenv', k, v);

  verbose(`volumes: ${volumes.map(canonical).join(';') || '(none)'}; modules: ${sel.modules.join(',') || '(none)'}`);
  verbose(`bwrap ${[...bw, '--', ...argvIn].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ')}`);
  fs.writeFileSync(path.join(planDir, 'fds'), fdList.map((x) => `${x.fd} ${x.name}`).join('\n') + '\n');
  fs.writeFileSync(path.join(planDir, 'bwrap'), conf.bwrap);
  fs.writeFileSync(path.join(planDir, 'args'), bw.join('\0') + '\0');
  fs.writeFileSync(path.join(planDir, 'cmd'), argvIn.join('\0') + '\0');
  return 0;
}

async function main(argv) {
  const [planDir, argv0, ...rest] = argv;
  let args = rest;
  // bin/shifter passes the user's arguments NUL-separated in PLAN_DIR/argv (see there)
  if (planDir && fs.existsSync(path.join(planDir, 'argv'))) {
    const raw = fs.readFileSync(path.join(planDir, 'argv'), 'utf8');
    args = raw === '' ? [] : raw.slice(0, -1).split('\0');
  }
  try {
    return await plan(planDir, argv0 || 'shifter', args);
  } catch (e) {
    if (e instanceof Exit) return e.code;
    err(`shifter: internal error: ${e && e.stack ? e.stack : e}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

module.exports = { main, parseOptions, parseEnvironment };
