'use strict';
// Site configuration of the Shifter stand-in (the analogue of Shifter's udiRoot.conf).
//
// Sources, lowest to highest precedence:
//   1. built-in defaults below
//   2. the file named by SHIFTER_STANDIN_CONF (KEY=VALUE lines, '#' comments), written by install.sh
//   3. environment variables SHIFTER_STANDIN_* (ENV_NAMES below; the tests use them, not install.sh)
//
// Keys:
//   system          the system name sent to the gateway (udiRoot.conf "system")
//   imageGateway    gateway base URL (udiRoot.conf "imageGateway")
//   imagePath       image store on the global file system: <imagePath>/<id>/rootfs + meta.json
//   siteFs          ';'-separated host paths bound into every container at the same path
//   siteFsHome      1 = also bind the calling user's home directory (from passwd) when it exists
//   defaultModules  ','-separated modules applied unless --module is given (udiRoot.conf defaultModules)
//   mungeSocket     munge socket for gateway authentication; empty = plain "uid:gid" header
//   bwrap           path of bubblewrap
//   perNodeCacheDir node-local directory where persistent perNodeCache directories live (default /tmp)
//   gatewayTimeout  seconds for one gateway request
//   mpichLibDir     host directory holding libmpich.so.12 (module "mpich")
//   scontrol        path of scontrol (used to tell exclusive jobs for perNodeCache)

const fs = require('fs');

const DEFAULTS = {
  system: 'sfcluster',
  imageGateway: 'http://127.0.0.1:8999',
  imagePath: '/var/lib/shifter-standin/images',
  siteFs: '',
  siteFsHome: '1',
  defaultModules: '',
  mungeSocket: '',
  bwrap: '/usr/bin/bwrap',
  perNodeCacheDir: '/tmp',
  gatewayTimeout: '30',
  mpichLibDir: '/usr/lib/x86_64-linux-gnu',
  scontrol: 'scontrol',
};

const ENV_NAMES = {
  system: 'SHIFTER_STANDIN_SYSTEM',
  imageGateway: 'SHIFTER_STANDIN_GATEWAY_URL',
  imagePath: 'SHIFTER_STANDIN_IMAGE_PATH',
  siteFs: 'SHIFTER_STANDIN_SITEFS',
  siteFsHome: 'SHIFTER_STANDIN_SITEFS_HOME',
  defaultModules: 'SHIFTER_STANDIN_DEFAULT_MODULES',
  mungeSocket: 'SHIFTER_STANDIN_MUNGE_SOCKET',
  bwrap: 'SHIFTER_STANDIN_BWRAP',
  perNodeCacheDir: 'SHIFTER_STANDIN_PERNODECACHE_DIR',
  gatewayTimeout: 'SHIFTER_STANDIN_GATEWAY_TIMEOUT',
  mpichLibDir: 'SHIFTER_STANDIN_MPICH_LIBDIR',
  scontrol: 'SHIFTER_STANDIN_SCONTROL',
};

function envName(key) {
  return ENV_NAMES[key];
}

function parseConfText(text) {
  const out = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

function loadConfig(env = process.env) {
  const conf = { ...DEFAULTS };
  const file = env.SHIFTER_STANDIN_CONF;
  if (file) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      process.stderr.write(`FAILED to parse udiRoot configuration.\n`);
      process.exit(1);
    }
    Object.assign(conf, parseConfText(text));
  }
  for (const key of Object.keys(DEFAULTS)) {
    const v = env[envName(key)];
    if (v !== undefined) conf[key] = v;
  }
  conf.siteFsList = conf.siteFs
    .split(/[;:]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map(cleanPath);
  conf.defaultModulesList = conf.defaultModules
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  conf.gatewayTimeoutMs = Math.max(1, Number(conf.gatewayTimeout) || 30) * 1000;
  conf.imageGateway = conf.imageGateway.replace(/\/+$/, '');
  return conf;
}

// collapse repeated '/', drop a trailing '/' (except for '/')
function cleanPath(p) {
  let s = p.replace(/\/+/g, '/');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

module.exports = { loadConfig, parseConfText, cleanPath, envName, DEFAULTS, ENV_NAMES };
