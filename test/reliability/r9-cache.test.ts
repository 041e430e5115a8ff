// R9: the cache under a seeded randomized trial, on the decision and store layer with REAL files
// (runner/cache: CacheSession, CacheStore, DigestMemory on a temporary directory), not whole runs: a
// "run" here decides every task, then performs what runs (writes each output as a pure function of
// the task's script, image id and input contents) and records it, exactly as the run loop calls the
// session. A volume change is a change of the script text (volumes are rendered into it: the
// rendering is covered by the unit and end-to-end tests). Each case applies one disturbance, then
// checks: every task decided "cached" has on disk the outputs a fresh run would write (else a STALE
// hit), a touch of mtimes alone runs nothing, and nothing throws. A clock 20 s ahead lets digests be
// remembered at once (the racy window is tested in test/cache/fingerprint.test.ts). The dry run's
// decision snapshot (runner/cache/decision-snapshot.ts) is tried too: after each disturbance, an
// answer it gives must be what deciding in full gives (else a STALE snapshot), and after each run
// it is kept and must answer the next dry run, again as deciding in full does.
// Env: SF_R9_SEED (default 9), SF_R9_CASES (default 240).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheSession, type CacheJob, type TaskDecision } from '../../runner/cache/cache-session';
import { keepSnapshot, snapshotAnswer, snapshotKey } from '../../runner/cache/decision-snapshot';
import { StatPass } from '../../runner/cache/stat-pass';
import { DigestMemory, RACY_WINDOW_NS } from '../../runner/cache/fingerprint';
import { CacheStore } from '../../runner/cache/store';
import { parseEntry } from '../../runner/cache/entry';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ['content', 'same-size-mtime-restored', 'mtime-touch', 'script', 'image-id', 'volume', 'upstream-output', 'output-deleted', 'corrupt-entry', 'truncate-entry', 'kill-mid-write'] as const;
type Kind = (typeof KINDS)[number];

describe('R9: the cache under a seeded randomized trial', function () {
  this.timeout(600_000);

  it('0 stale hits and 0 crashes over the cases', () => {
    const seed = Number(process.env.SF_R9_SEED ?? 9);
    const cases = Number(process.env.SF_R9_CASES ?? 240);
    const rnd = mulberry32(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
    const dir = mkdtempSync(join(tmpdir(), 'sf-r9-'));
    const p = (n: string) => join(dir, n);
    const later = () => BigInt(Date.now()) * 1_000_000n + 10n * RACY_WINDOW_NS;
    const sources = ['src.txt', 'other.txt', 'part0.txt', 'part1.txt', 'part2.txt'];
    const jobs: CacheJob[] = [
      { key: 'a', needs: [], images: ['docker:x:1'], files: [{ inputs: [{ name: 'src', paths: [p('src.txt')] }], outputs: [{ name: 'out', paths: [p('a.out')] }] }] },
      { key: 'b', needs: ['a'], images: ['docker:x:1'], files: [{ inputs: [{ name: 'from_a', paths: [p('a.out')] }], outputs: [{ name: 'out', paths: [p('b.out')] }] }] },
      { key: 'c', needs: ['b'], images: ['docker:y:1'], files: [{ inputs: [{ name: 'other', paths: [p('other.txt')] }], outputs: [{ name: 'out', paths: [p('c.out')] }] }] },
      { key: 'm', needs: [], images: ['docker:x:1'], array: { size: 3, values: [{ n: 0 }, { n: 1 }, { n: 2 }] }, files: [0, 1, 2].map((i) => ({ inputs: [{ name: 'part', paths: [p(`part${i}.txt`)] }], outputs: [{ name: 'res', paths: [p(`m${i}.out`)] }] })) },
    ];
    const script: Record<string, string> = { a: 'cat', b: 'cat', c: 'cat', m: 'cat' };
    const volume: Record<string, string> = { a: '/d:/d', b: '/d:/d', c: '/d:/d', m: '/d:/d' };
    const ids = new Map([['docker:x:1', 'idx-0'], ['docker:y:1', 'idy-0']]);
    const scriptOf = (job: CacheJob, i?: number) => `${script[job.key]} --volume=${volume[job.key]} task=${i ?? ''}`;
    const inputsOf = (job: CacheJob, i?: number) => job.files![i ?? 0].inputs.flatMap((s) => s.paths);
    const outputOf = (job: CacheJob, i?: number) => job.files![i ?? 0].outputs[0].paths[0];
    /** What a task writes: a pure function of its script, its images' ids and its inputs' contents. */
    const truth = (job: CacheJob, i?: number) => {
      const h = createHash('sha256').update(scriptOf(job, i));
      for (const ref of job.images) h.update(ids.get(ref)!);
      for (const f of inputsOf(job, i)) h.update(readFileSync(f));
      return h.digest('hex') + '\n';
    };
    for (const s of sources) writeFileSync(p(s), `${s} v0\n`);
    const warnings: string[] = [];
    const session = () => {
      const store = new CacheStore(dir, (w) => warnings.push(w));
      return new CacheSession({ store, memory: new DigestMemory(store.digestsFile, (w) => warnings.push(w), later), jobs, script: scriptOf, imageIds: ids, warn: (w) => warnings.push(w) });
    };
    /** One run: decide, perform what runs (in order), record. Returns the tasks that ran. */
    const runOnce = (runId: string): { ran: string[]; stale: string[] } => {
      const s = session();
      const decisions = s.decideAll();
      const ran: string[] = [];
      const stale: string[] = [];
      for (const job of jobs) {
        for (const t of decisions.get(job.key)!) {
          const name = t.index === undefined ? job.key : `${job.key}[${t.index}]`;
          if (t.decision.cached) continue;
          writeFileSync(outputOf(job, t.index), truth(job, t.index));
          s.record(job.key, t.index, runId);
          ran.push(name);
        }
      }
      // Checked after everything ran: a cached task's outputs must be what it would write now.
      for (const job of jobs) {
        for (const t of decisions.get(job.key)!) {
          if (!t.decision.cached) continue;
          if (readFileSync(outputOf(job, t.index), 'utf8') !== truth(job, t.index)) stale.push(t.index === undefined ? job.key : `${job.key}[${t.index}]`);
        }
      }
      s.close();
      return { ran, stale };
    };
    const answerOf = (d: Map<string, TaskDecision[]>) => JSON.stringify([...d].map(([job, list]) => [job, list.map((t) => [t.index ?? null, t.decision])]));
    /** What deciding in full says now (nothing saved). */
    const fullAnswer = () => answerOf(session().decideAll());
    /** A dry run with the snapshot: its answer when it holds; else a full decision, kept (without a warning) for the next one. */
    const dryAnswer = (): { answer: string; fromSnapshot: boolean; warned?: boolean } => {
      // The image ids in the key here: the dry run checks them beside the stamps (dry-run-snapshot.ts).
      const key = snapshotKey({ plan: JSON.stringify([script, volume, [...ids]]), fresh: false });
      const stats = new StatPass();
      const kept = snapshotAnswer<string>(dir, key);
      if (kept !== undefined) return { answer: kept, fromSnapshot: true };
      const warned = warnings.length;
      const s = session();
      const answer = answerOf(s.decideAll(undefined, stats));
      s.close();
      if (warnings.length === warned) keepSnapshot(dir, key, stats, s.entryFiles(), answer, later());
      return { answer, fromSnapshot: false, warned: warnings.length > warned };
    };
    const entryFiles = () => {
      const out: string[] = [];
      const walk = (d: string) => {
        for (const n of readdirSync(d)) {
          const f = join(d, n);
          if (statSync(f).isDirectory()) walk(f);
          else if (n.endsWith('.json') && !n.startsWith('.')) out.push(f);
        }
      };
      walk(join(dir, '.shifterflow', 'cache', 'entries'));
      return out.sort();
    };
    const KILL_CHILD = `
      const { CacheStore } = require(${JSON.stringify(join(__dirname, '../../runner/cache/store.js'))});
      const { readFileSync } = require('node:fs');
      const { parseEntry } = require(${JSON.stringify(join(__dirname, '../../runner/cache/entry.js'))});
      const e = parseEntry(readFileSync(process.argv[1], 'utf8'));
      e.outputs = Object.fromEntries(Object.entries(e.outputs).map(([k, v]) => [k, v.map((f) => ({ ...f, digest: 'sha256:bogus' }))]));
      new CacheStore(process.argv[2]).write(e, () => process.kill(process.pid, 'SIGKILL'));
    `;

    const counts = new Map<Kind, number>();
    const stale: string[] = [];
    const crashes: string[] = [];
    const touchRuns: string[] = [];
    const staleSnapshots: string[] = [];
    let snapshotAnswers = 0;
    let runs = 0;
    let ranTotal = 0;
    try {
      runOnce('R0');
      for (let n = 1; n <= cases; n++) {
        const kind = KINDS[(n - 1) % KINDS.length === 0 ? 0 : Math.floor(rnd() * KINDS.length)];
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
        try {
          const src = p(pick(sources));
          if (kind === 'content') writeFileSync(src, readFileSync(src, 'utf8') + 'more\n');
          else if (kind === 'same-size-mtime-restored') {
            const text = readFileSync(src, 'utf8');
            execFileSync('touch', ['-r', src, p('ref')]);
            writeFileSync(src, text.slice(0, -2) + String.fromCharCode(97 + Math.floor(rnd() * 26)) + '\n');
            execFileSync('touch', ['-r', p('ref'), src]);
          } else if (kind === 'mtime-touch') {
            const when = new Date(Date.now() + Math.floor(rnd() * 1e8) - 5e7);
            for (const s of sources) utimesSync(p(s), when, when);
          } else if (kind === 'script') script[pick(jobs).key] += ` -x${n}`;
          else if (kind === 'volume') volume[pick(jobs).key] = `/d${n}:/d`;
          else if (kind === 'image-id') {
            const ref = pick([...ids.keys()]);
            ids.set(ref, `${ref}-${n}`);
          } else if (kind === 'upstream-output') writeFileSync(p(pick(['a.out', 'b.out', 'm1.out'])), `tampered ${n}\n`);
          else if (kind === 'output-deleted') unlinkSync(p(pick(['a.out', 'b.out', 'c.out', 'm0.out', 'm2.out'])));
          else if (kind === 'corrupt-entry' || kind === 'truncate-entry') {
            const f = pick(entryFiles());
            const bytes = readFileSync(f);
            if (kind === 'truncate-entry') truncateSync(f, Math.floor(rnd() * bytes.length));
            else {
              const at = Math.floor(rnd() * bytes.length);
              bytes[at] = bytes[at] ^ (1 + Math.floor(rnd() * 254));
              writeFileSync(f, bytes);
            }
          } else if (kind === 'kill-mid-write') {
            // A sound entry to rewrite (earlier cases may have left damaged ones nobody rewrote yet).
            const f = pick(entryFiles().filter((x) => {
              try {
                parseEntry(readFileSync(x, 'utf8'));
                return !x.endsWith('latest.json');
              } catch {
                return false;
              }
            }));
            const r = spawnSync(process.execPath, ['-e', KILL_CHILD, f, dir], { encoding: 'utf8' });
            assert.equal(r.signal, 'SIGKILL', r.stderr);
          }
          const before = dryAnswer();
          if (before.fromSnapshot) {
            snapshotAnswers++;
            if (before.answer !== fullAnswer()) staleSnapshots.push(`case ${n} (${kind}): before the run`);
          }
          const result = runOnce(`R${n}`);
          // Decides in full (the run changed what it read) and keeps the answer, unless it warned (a
          // damaged entry no run rewrote yet is reported on every dry run).
          const first = dryAnswer();
          const after = dryAnswer();
          if (!after.fromSnapshot) {
            if (!first.warned) staleSnapshots.push(`case ${n} (${kind}): no snapshot after the run`);
          } else {
            snapshotAnswers++;
            if (after.answer !== fullAnswer()) staleSnapshots.push(`case ${n} (${kind}): after the run`);
          }
          runs++;
          ranTotal += result.ran.length;
          stale.push(...result.stale.map((s) => `case ${n} (${kind}): ${s}`));
          if (kind === 'mtime-touch' && result.ran.length > 0) touchRuns.push(`case ${n}: ${result.ran.join(' ')}`);
        } catch (e) {
          crashes.push(`case ${n} (${kind}): ${(e as Error).stack}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`R9: ${cases} cases (seed ${seed}; ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}), ${ranTotal} task runs over ${runs} runs, ${stale.length} stale hits, ${touchRuns.length} re-runs after an mtime-only touch, ${crashes.length} crashes, ${warnings.length} warnings (damaged entries ignored); decision snapshot: ${snapshotAnswers} answers, ${staleSnapshots.length} not as deciding in full`);
    assert.deepEqual(crashes, []);
    assert.deepEqual(staleSnapshots, []);
    assert.ok(snapshotAnswers >= cases / 5, `the snapshot answered ${snapshotAnswers} times`);
    assert.deepEqual(stale, []);
    assert.deepEqual(touchRuns, []);
    assert.ok(cases >= 200 || process.env.SF_R9_CASES !== undefined);
    for (const k of KINDS) assert.ok((counts.get(k) ?? 0) > 0 || cases < 50, `every kind of disturbance is drawn (${k})`);
  });
});
