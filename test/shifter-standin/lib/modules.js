'use strict';
// Shifter modules known to the stand-in ("--module=a,b", SHIFTER_MODULE, site defaultModules).
//   mpich  stand-in for NERSC's Cray MPICH swap: the HOST's MPICH (libmpich.so.12 and the non-glibc
//          libraries it needs, found with ldd) is bound read-only into /opt/udiImage/modules/mpich/lib64
//          and LD_LIBRARY_PATH is prefixed with that directory, so an image built against plain MPICH
//          runs with the site's library, as --module=mpich does at NERSC.
//   none   disables the site's default modules.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const MODULE_ROOT = '/opt/udiImage/modules';
const KNOWN = ['mpich'];

// glibc's own libraries come from the image, never from the host
const GLIBC = /^(libc|libm|libdl|libpthread|librt|libresolv|libutil|libnsl|libanl|ld-linux[^/]*)\.so/;

/** parse a module selection; returns {modules: [...]} or {error: unknownName} */
function parseModules(str, defaults) {
  if (str === null || str === undefined) return { modules: [...defaults] };
  const names = String(str)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.includes('none')) return { modules: [] };
  for (const n of names) if (!KNOWN.includes(n)) return { error: n };
  return { modules: [...new Set(names)] };
}

function mpichLibs(libDir) {
  const main = path.join(libDir, 'libmpich.so.12');
  if (!fs.existsSync(main)) return { error: `${main} not found on this node` };
  const binds = [{ name: 'libmpich.so.12', src: fs.realpathSync(main) }];
  const r = spawnSync('ldd', [main], { encoding: 'utf8' });
  if (r.status !== 0) return { error: `ldd ${main} failed` };
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\S+)\s+=>\s+(\/\S+)/.exec(line);
    if (!m) continue;
    if (GLIBC.test(m[1])) continue;
    binds.push({ name: m[1], src: fs.realpathSync(m[2]) });
  }
  return { binds };
}

/**
 * Mounts and environment of the selected modules.
 * @returns {{binds: Array<{src: string, dst: string}>, prepend: Record<string,string>, set: Record<string,string>} | {error: string}}
 */
function moduleSetup(modules, conf) {
  const out = { binds: [], prepend: {}, set: {} };
  for (const m of modules) {
    if (m === 'mpich') {
      const r = mpichLibs(conf.mpichLibDir);
      if (r.error) return { error: `FAILED to setup module mpich: ${r.error}` };
      const dir = `${MODULE_ROOT}/mpich/lib64`;
      for (const b of r.binds) out.binds.push({ src: b.src, dst: `${dir}/${b.name}` });
      out.prepend.LD_LIBRARY_PATH = dir;
      out.set.SHIFTER_MODULE_MPICH = '1';
    }
  }
  return out;
}

module.exports = { parseModules, moduleSetup, KNOWN };
