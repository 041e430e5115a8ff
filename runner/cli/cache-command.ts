import { CacheStore } from '../cache/store';
import { parse } from './args';
import { UserError } from '../user-error';

export const CACHE_USAGE = `Usage: shifterflow cache [list] [--json]
       shifterflow cache clean --older-than AGE [--json]

Lists the entries of the cache across runs (.shifterflow/cache/ of the current directory): one per
job or array task that completed, with the run that wrote it and the outputs it recorded. 'clean'
removes entries recorded longer ago than AGE (30m, 12h, 7d, 2w), damaged entries and stray temporary
files of an interrupted write; the jobs they served run again next time.`;

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  if (!m) throw new UserError(`--older-than takes an age like 30m, 12h, 7d or 2w, not "${text}"`);
  return Number(m[1]) * UNITS[m[2]];
}

export function cacheCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, 'older-than': { type: 'string' } }, CACHE_USAGE);
  if (values.help) {
    process.stdout.write(CACHE_USAGE + '\n');
    return 0;
  }
  const [action = 'list', ...rest] = positionals;
  if (rest.length > 0 || (action !== 'list' && action !== 'clean')) throw new UserError(`unknown cache command "${positionals.join(' ')}"\n\n${CACHE_USAGE}`);
  const store = new CacheStore(process.cwd(), (text) => process.stderr.write(`warning: ${text}\n`));
  if (action === 'clean') {
    const age = values['older-than'] as string | undefined;
    if (age === undefined) throw new UserError(`cache clean needs --older-than AGE (for example 7d)\n\n${CACHE_USAGE}`);
    const cutoff = new Date(Date.now() - parseAge(age));
    const removed = store.clean(cutoff);
    if (values.json) process.stdout.write(JSON.stringify({ cutoff: cutoff.toISOString(), removed }) + '\n');
    else process.stdout.write(`removed ${removed.filter((f) => !f.endsWith('/latest.json')).length} cache entries recorded before ${cutoff.toISOString()}\n`);
    return 0;
  }
  const entries = store.list();
  if (values.json) {
    process.stdout.write(
      JSON.stringify(entries.map(({ entry: e, file, bytes }) => ({ job: e.job, index: e.index, matrix: e.matrix, key: e.key, runId: e.runId, recordedAt: e.recordedAt, outputs: e.outputs, file, bytes }))) + '\n',
    );
    return 0;
  }
  if (entries.length === 0) {
    process.stdout.write(`no cache entries under ${store.root}\n`);
    return 0;
  }
  const name = (e: (typeof entries)[number]['entry']) => (e.index === undefined ? e.job : `${e.job}[${e.index}]`);
  const width = Math.max(...entries.map((s) => name(s.entry).length));
  for (const { entry: e } of entries) {
    const outputs = Object.values(e.outputs).reduce((n, files) => n + files.length, 0);
    process.stdout.write(`${name(e).padEnd(width)}  ${e.key.slice(0, 12)}  run ${e.runId}  ${e.recordedAt}  ${outputs} output${outputs === 1 ? '' : 's'}\n`);
  }
  return 0;
}
