import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheSession, type CacheJob } from '../../runner/cache/cache-session';
import { describeDecision } from '../../runner/cache/decide';
import { DigestMemory, RACY_WINDOW_NS } from '../../runner/cache/fingerprint';
import { CacheStore } from '../../runner/cache/store';

const later = () => BigInt(Date.now()) * 1_000_000n + 10n * RACY_WINDOW_NS;

/** a -> b (reads a's output) -> c (needs b, no files); m: a 3-element matrix reading one file each. */
function jobs(dir: string): CacheJob[] {
  const p = (n: string) => join(dir, n);
  return [
    { key: 'a', needs: [], images: ['docker:x:1'], files: [{ inputs: [{ name: 'src', paths: [p('src.txt')] }], outputs: [{ name: 'out', paths: [p('a.out')] }] }] },
    { key: 'b', needs: ['a'], images: ['docker:x:1'], files: [{ inputs: [{ name: 'from_a', paths: [p('a.out')] }], outputs: [{ name: 'out', paths: [p('b.out')] }] }] },
    { key: 'c', needs: ['b'], images: ['docker:x:1'], files: [{ inputs: [], outputs: [{ name: 'out', paths: [p('c.out')] }] }] },
    {
      key: 'm', needs: [], images: ['docker:x:1'], array: { size: 3, values: [{ n: 0 }, { n: 1 }, { n: 2 }] },
      files: [0, 1, 2].map((i) => ({ inputs: [{ name: 'part', paths: [p(`part${i}.txt`)] }], outputs: [{ name: 'res', paths: [p(`m${i}.out`)] }] })),
    },
  ];
}

describe('cache session: decisions and records on real files', () => {
  let dir: string;
  let scripts: Record<string, string>;
  let ids: Map<string, string>;
  const warnings: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-cache-'));
    scripts = {};
    ids = new Map([['docker:x:1', 'id-1']]);
    warnings.length = 0;
    writeFileSync(join(dir, 'src.txt'), 'source');
    for (const i of [0, 1, 2]) writeFileSync(join(dir, `part${i}.txt`), `part ${i}`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const session = (fresh = false) => {
    const store = new CacheStore(dir, (w) => warnings.push(w));
    return new CacheSession({ store, memory: new DigestMemory(store.digestsFile, (w) => warnings.push(w), later), jobs: jobs(dir), script: (j, i) => scripts[j.key] ?? `run ${j.key} ${i ?? ''}`, imageIds: ids, fresh, warn: (w) => warnings.push(w) });
  };
  /** What the jobs do: write their outputs. */
  const perform = (s: CacheSession, only?: string[]) => {
    const d = s.decideAll();
    for (const [job, tasks] of d) {
      for (const t of tasks) {
        if (t.decision.cached || (only && !only.includes(job))) continue;
        const name = job === 'm' ? `m${t.index}.out` : `${job}.out`;
        const from = job === 'a' ? readFileSync(join(dir, 'src.txt'), 'utf8') : job === 'b' ? readFileSync(join(dir, 'a.out'), 'utf8') : job === 'm' ? readFileSync(join(dir, `part${t.index}.txt`), 'utf8') : 'c';
        writeFileSync(join(dir, name), `${job}(${from})`);
        s.record(job, t.index, 'RUN' + runs);
      }
    }
    s.close();
    runs++;
    return d;
  };
  let runs = 0;
  const said = (d: ReturnType<CacheSession['decideAll']>) => Object.fromEntries([...d].flatMap(([job, tasks]) => tasks.map((t) => [t.index === undefined ? job : `${job}[${t.index}]`, describeDecision(t.decision)])));

  it('first run: every task runs (no earlier run, or its needed job runs); the second takes everything from the cache', () => {
    runs = 1;
    const first = said(perform(session()));
    assert.deepEqual(first, { a: 'runs: no earlier run', b: 'runs: needed job runs (a)', c: 'runs: needed job runs (b)', 'm[0]': 'runs: no earlier run', 'm[1]': 'runs: no earlier run', 'm[2]': 'runs: no earlier run' });
    const second = said(session().decideAll());
    assert.deepEqual(second, { a: 'cached (RUN1)', b: 'cached (RUN1)', c: 'cached (RUN1)', 'm[0]': 'cached (RUN1)', 'm[1]': 'cached (RUN1)', 'm[2]': 'cached (RUN1)' });
    assert.deepEqual(warnings, []);
    // Private: the cache directory and its entries.
    assert.equal(statSync(join(dir, '.shifterflow', 'cache')).mode & 0o777, 0o700);
  });

  it('one changed input re-runs exactly what is downstream of it', () => {
    runs = 1;
    perform(session());
    writeFileSync(join(dir, 'part1.txt'), 'part X');
    assert.deepEqual(said(session().decideAll()), { a: 'cached (RUN1)', b: 'cached (RUN1)', c: 'cached (RUN1)', 'm[0]': 'cached (RUN1)', 'm[1]': 'runs: input part changed', 'm[2]': 'cached (RUN1)' });
    writeFileSync(join(dir, 'src.txt'), 'source 2');
    const d = said(session().decideAll());
    assert.equal(d.a, 'runs: input src changed');
    assert.equal(d.b, 'runs: needed job runs (a)');
    assert.equal(d.c, 'runs: needed job runs (b)');
  });

  it('a deleted or edited output re-runs its job; a re-run producing the same output keeps its dependents cached', () => {
    runs = 1;
    perform(session());
    unlinkSync(join(dir, 'c.out'));
    assert.equal(said(session().decideAll()).c, 'runs: output out missing');
    writeFileSync(join(dir, 'c.out'), 'tampered');
    assert.equal(said(session().decideAll()).c, 'runs: output out changed');
  });

  it('script and image id changes are named; --fresh runs everything and still records', () => {
    runs = 1;
    perform(session());
    scripts.a = 'run a differently';
    assert.equal(said(session().decideAll()).a, 'runs: script changed');
    delete scripts.a;
    ids.set('docker:x:1', 'id-2');
    assert.equal(said(session().decideAll()).a, 'runs: image changed');
    ids.set('docker:x:1', 'id-1');
    runs = 2;
    const fresh = said(perform(session(true)));
    assert.ok(Object.values(fresh).every((v) => v === 'runs: cache off'));
    assert.equal(said(session().decideAll()).a, 'cached (RUN2)');
  });

  it('an input changed while the run went on leaves the task unrecorded, with a warning', () => {
    runs = 1;
    const s = session();
    s.decideAll();
    writeFileSync(join(dir, 'a.out'), 'a(x)');
    writeFileSync(join(dir, 'src.txt'), 'edited during the run');
    assert.equal(s.record('a', undefined, 'RUN1'), undefined);
    assert.match(warnings.join('\n'), /a is not cached: its input .*src\.txt changed while the run went on/);
  });

  it('a damaged entry is ignored with a warning, and the task runs', () => {
    runs = 1;
    perform(session());
    const taskDir = join(dir, '.shifterflow', 'cache', 'entries', 'a', '_');
    for (const f of readdirSync(taskDir)) writeFileSync(join(taskDir, f), readFileSync(join(taskDir, f), 'utf8').slice(0, 40));
    assert.equal(said(session().decideAll()).a, 'runs: no earlier run');
    assert.match(warnings.join('\n'), /ignoring .*entries\/a\/_\/.*: not JSON/);
  });
});
