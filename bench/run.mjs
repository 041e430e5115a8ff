// `npm run bench -- NAME...`: runs the named benchmarks (all when none is named).
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => /^p\d+-.*\.mjs$/.test(f)).sort();
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f.startsWith(w.toLowerCase() + '-') || f === w || f.startsWith(w)));
if (chosen.length === 0) {
  console.error(`no benchmark named ${wanted.join(', ')}; have: ${all.join(', ')}`);
  process.exit(2);
}
console.log(`${new Date().toISOString()}  node ${process.version}`);
for (const f of chosen) await import(pathToFileURL(`${here}/${f}`).href);
