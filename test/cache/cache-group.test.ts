// A group (`group:`) with the cache, on the local executor (engine none: only bash is needed): it runs
// again from its first member that is not cached, as one submission; the members before it are CACHED.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { cli, journal, localWorkflow, runIds, workspace } from '../run/cli-helpers';

describe('the cache with a group, on the local executor', function () {
  this.timeout(120_000);

  it('a group runs again from its first member that is not cached', () => {
    const ws = workspace({ 'one.txt': 'one\n', 'two.txt': 'two\n' });
    const jobs = `  first:
    image: box
    group: chain
    inputs: { a: ${ws}/one.txt }
    outputs: { o: ${ws}/first.out }
    command: cp ${ws}/one.txt ${ws}/first.out
  second:
    image: box
    group: chain
    needs: [first]
    inputs: { a: ${ws}/first.out, b: ${ws}/two.txt }
    outputs: { o: ${ws}/second.out }
    command: sh -c 'cat "$0" "$1" > "$2"' ${ws}/first.out ${ws}/two.txt ${ws}/second.out
  third:
    image: box
    group: chain
    needs: [second]
    inputs: { a: ${ws}/second.out }
    outputs: { o: ${ws}/third.out }
    command: cp ${ws}/second.out ${ws}/third.out
`;
    writeFileSync(join(ws, 'wf.yaml'), localWorkflow('grp', jobs));
    const run = (): RunEvent[] => {
      const before = new Set(existsSync(join(ws, '.shifterflow', 'runs')) ? runIds(ws) : []);
      const r = cli(ws, ['run', 'wf.yaml']);
      assert.equal(r.code, 0, r.stderr);
      return journal(ws, runIds(ws).find((id) => !before.has(id))!);
    };
    const submitted = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'job-submitted' ? [`${e.job}@${e.externalId}`] : []));
    assert.equal(submitted(run()).length, 3);
    assert.deepEqual(submitted(run()), []);
    writeFileSync(join(ws, 'two.txt'), 'TWO changed\n');
    const events = run();
    const subs = submitted(events);
    assert.deepEqual(subs.map((s) => s.split('@')[0]), ['second', 'third']);
    assert.equal(new Set(subs.map((s) => s.split('@')[1])).size, 1, 'one submission of the group, from second');
    assert.deepEqual(events.filter((e) => e.type === 'job-cached').map((e) => (e as { job: string }).job), ['first']);
    assert.equal(readFileSync(join(ws, 'third.out'), 'utf8'), 'one\nTWO changed\n');
  });
});
