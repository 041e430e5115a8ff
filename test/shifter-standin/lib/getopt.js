'use strict';
// A faithful subset of glibc getopt_long with POSIXLY_CORRECT set (as Shifter does): parsing stops at
// the first non-option argument, "--" ends the options, short options can be clustered (-vE),
// a short option's argument may be attached (-iIMG) or the next word (-i IMG), long options may be
// abbreviated to any unique prefix, "--opt=value" or "--opt value" for required arguments, and only
// "--opt=value" for optional ones.
//
// spec: { short: { v: 0|1|2 }, long: { verbose: {has: 0|1|2, key: 'v'} } }   0 none, 1 required, 2 optional
// returns { opts: [{key, value}], rest: [...], error: string|null }

function getoptLong(argv, spec, progname) {
  const opts = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const body = a.slice(2);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      let match = null;
      if (Object.prototype.hasOwnProperty.call(spec.long, name)) {
        match = name;
      } else {
        const cands = Object.keys(spec.long).filter((k) => k.startsWith(name));
        if (cands.length === 1) match = cands[0];
        else if (cands.length > 1) {
          return { opts, rest: argv.slice(i), error: `${progname}: option '--${name}' is ambiguous` };
        }
      }
      if (!match) return { opts, rest: argv.slice(i), error: `${progname}: unrecognized option '--${name}'` };
      const def = spec.long[match];
      if (def.has === 0) {
        if (eq >= 0) return { opts, rest: argv.slice(i), error: `${progname}: option '--${match}' doesn't allow an argument` };
        opts.push({ key: def.key, value: null, name: match });
        i++;
      } else if (def.has === 1) {
        if (eq >= 0) {
          opts.push({ key: def.key, value: body.slice(eq + 1), name: match });
          i++;
        } else if (i + 1 < argv.length) {
          opts.push({ key: def.key, value: argv[i + 1], name: match });
          i += 2;
        } else {
          return { opts, rest: [], error: `${progname}: option '--${match}' requires an argument` };
        }
      } else {
        opts.push({ key: def.key, value: eq >= 0 ? body.slice(eq + 1) : null, name: match });
        i++;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let j = 1;
      let consumedNext = false;
      while (j < a.length) {
        const c = a[j];
        const has = spec.short[c];
        if (has === undefined) return { opts, rest: argv.slice(i), error: `${progname}: invalid option -- '${c}'` };
        if (has === 0) {
          opts.push({ key: c, value: null, name: c });
          j++;
          continue;
        }
        const attached = a.slice(j + 1);
        if (attached.length > 0) {
          opts.push({ key: c, value: attached, name: c });
        } else if (has === 1) {
          if (i + 1 >= argv.length) return { opts, rest: [], error: `${progname}: option requires an argument -- '${c}'` };
          opts.push({ key: c, value: argv[i + 1], name: c });
          consumedNext = true;
        } else {
          opts.push({ key: c, value: null, name: c });
        }
        break;
      }
      i += consumedNext ? 2 : 1;
      continue;
    }
    break; // first non-option: POSIXLY_CORRECT stops here
  }
  return { opts, rest: argv.slice(i), error: null };
}

module.exports = { getoptLong };
