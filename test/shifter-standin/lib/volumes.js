'use strict';
// Volume map parsing and validation: the contract's rules (docs/shifter.md, "Volume specs"), with
// the messages of Shifter's VolumeMap.c. One implementation, used by `shifter` at run time and by the
// SPANK plugin (through libexec/shifter-check) at submission.
//
//  - entries separated by ';' (empty entries skipped, an entry in double quotes is unquoted);
//  - each entry from:to[:flag[:flag...]]; flags are separated by ':' only, so "ro,perNodeCache=..." is
//    ONE (unknown) flag;
//  - every character outside [A-Za-z0-9_:.+-/] is silently REMOVED from both paths before anything else;
//  - user flags: ro, perNodeCache=size=N[,bs=N][,fs=xfs][,method=loop]; sizes take b k m g t p e
//    (binary multiples); the same flag twice is an error; rec/slave/private exist but are refused to users;
//  - both paths absolute, no ".." component;
//  - the target may not start with /etc, /var or /opt/udiImage (string prefix: /variables is refused),
//    may not be /opt; /var/tmp (and below it) is the one exception.
// Existence checks (source exists, is a directory, visible in the container; target creatable) are done
// at run time by `shifter`, never at submission: see shifter.js.

const FLAG_RO = 'ro';
const FLAG_PNC = 'perNodeCache';
const USER_FLAGS = [FLAG_RO, FLAG_PNC];

function filterPath(s) {
  let out = '';
  for (const ch of s) if (/[A-Za-z0-9_:.+\-/]/.test(ch)) out += ch;
  return out;
}

/** strtod + one suffix letter of "bkmgtpe" (case-insensitive), like Shifter's parseBytes; -1 if invalid */
function parseBytes(input) {
  if (input == null) return -1;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(.*)$/.exec(input);
  if (!m) return -1;
  const a = Number(m[1]);
  const suffix = m[2];
  const scale = 'bkmgtpe';
  const letter = suffix.length === 0 ? 'b' : suffix[0].toLowerCase();
  const idx = scale.indexOf(letter);
  if (idx < 0) return -1;
  return Math.trunc(a * Math.pow(1024, idx));
}

/** parse one flag token; returns {flag} or {error: [lines]} */
function parseFlag(token) {
  if (token === '') return { flag: null };
  const eq = token.indexOf('=');
  const name = eq >= 0 ? token.slice(0, eq) : token;
  const kv = [];
  if (eq >= 0) {
    for (const part of token.slice(eq + 1).split(',')) {
      if (part === '') continue;
      const e = part.indexOf('=');
      kv.push(e >= 0 ? [part.slice(0, e), part.slice(e + 1)] : [part, null]);
    }
  }
  const lname = name.toLowerCase();
  if (lname === 'ro' || lname === 'rec' || lname === 'slave' || lname === 'private') {
    if (kv.length > 0) return { error: [`Flag ${lname} takes no arguments, failed to parse.`] };
    return { flag: { type: lname === 'ro' ? FLAG_RO : lname } };
  }
  if (lname === 'pernodecache') {
    const cache = { size: 0, bs: 1024 * 1024, fs: 'xfs', method: 'loop' };
    for (const [key, value] of kv) {
      const k = key.toLowerCase();
      if (k === 'size') {
        cache.size = parseBytes(value);
        if (!(cache.size > 0)) return { error: [`Invalid size for perNodeCache: ${value}`] };
      } else if (k === 'fs') {
        if (value == null || value.toLowerCase() !== 'xfs') return { error: [`Invalid fstype for perNodeCache: ${value}`] };
        cache.fs = 'xfs';
      } else if (k === 'bs') {
        cache.bs = parseBytes(value);
        if (!(cache.bs > 0)) return { error: [`Invalid blocksize for perNodeCache: ${value}`] };
      } else if (k === 'method') {
        if (value == null || value.toLowerCase() !== 'loop') return { error: [`Invalid method for perNodeCache: ${value}`] };
        cache.method = 'loop';
      }
      // other keys are ignored, as Shifter does
    }
    if (!(cache.size > 0)) return { error: ['Invalid configuration for perNodeCache 2'] };
    return { flag: { type: FLAG_PNC, cache } };
  }
  return { error: [`Unknown flag: ${name}`] };
}

function isAbsoluteClean(p) {
  if (!p.startsWith('/')) return false;
  return !p.split('/').includes('..');
}

function targetReserved(to) {
  if (to === '/var/tmp' || to.startsWith('/var/tmp/')) return false;
  for (const pre of ['/etc', '/var', '/opt/udiImage']) if (to.startsWith(pre)) return true;
  if (to === '/opt' || to === '/opt/') return true;
  return false;
}

/**
 * @param {string} input the raw --volume / SHIFTER_VOLUME text
 * @returns {{ok: true, entries: Array<{raw: string, from: string, to: string, ro: boolean, perNodeCache: any}>} |
 *           {ok: false, messages: string[]}}
 */
function parseVolumeMap(input) {
  const entries = [];
  const parts = String(input).split(';');
  for (const original of parts) {
    if (original === '') continue;
    let text = original;
    if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
    const tokens = text.split(':');
    if (tokens.length === 0 || text === '') {
      return { ok: false, messages: [`Failed to parse VolumeMap tokens from "${original}", aborting!`] };
    }
    const from = filterPath(tokens[0]);
    const to = tokens.length > 1 ? filterPath(tokens[1]) : null;
    const flags = [];
    for (const tok of tokens.slice(2)) {
      const r = parseFlag(tok);
      if (r.error) return { ok: false, messages: [...r.error, `Invalid mount flags specified: ${tok}`] };
      if (r.flag) flags.push(r.flag);
    }
    const invalid = () => ({ ok: false, messages: [`Invalid Volume Map: ${original}, aborting!`] });
    if (to === null || from === '' || to === '') return invalid();
    const seen = new Set();
    for (const f of flags) {
      if (!USER_FLAGS.includes(f.type)) return invalid();
      if (seen.has(f.type)) return invalid();
      seen.add(f.type);
    }
    if (!isAbsoluteClean(from) || !isAbsoluteClean(to)) return invalid();
    if (targetReserved(to)) return invalid();
    const pnc = flags.find((f) => f.type === FLAG_PNC);
    entries.push({
      raw: original,
      from,
      to,
      ro: flags.some((f) => f.type === FLAG_RO),
      perNodeCache: pnc ? pnc.cache : null,
    });
  }
  return { ok: true, entries };
}

/** canonical text of one entry, like Shifter's "raw" string (used for perNodeCache keys) */
function canonical(e) {
  let s = `${e.from}:${e.to}`;
  if (e.ro) s += ':ro';
  if (e.perNodeCache) {
    const c = e.perNodeCache;
    s += `:perNodeCache=size=${c.size},bs=${c.bs},method=${c.method},fstype=${c.fs}`;
  }
  return s;
}

module.exports = { parseVolumeMap, parseBytes, filterPath, canonical, targetReserved };
