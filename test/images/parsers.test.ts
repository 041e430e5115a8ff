import assert from 'node:assert/strict';
import { ImageRefError, normalizeImageRef, parseImageRef } from '../../runner/images/image-ref';
import { PullOutputReader, parseImagesOutput, parseLookupOutput, parsePullLine, parsePullOutput, summarizePull, type PullEvent } from '../../runner/images/shifterimg-output';
import * as rec from './recorded';

const statuses = (events: PullEvent[]) => events.flatMap((e) => (e.kind === 'status' ? [e.status] : []));

describe('images: reference normal form', () => {
  const cases: [string, string][] = [
    ['ubuntu:22.04', 'docker:ubuntu:22.04'],
    ['docker:ubuntu:22.04', 'docker:ubuntu:22.04'],
    ['docker:ubuntu', 'docker:ubuntu:latest'],
    ['ubuntu', 'docker:ubuntu:latest'],
    ['  myorg/workflow:1.2 ', 'docker:myorg/workflow:1.2'],
    ['docker:registry.services.nersc.gov/user/image:tag', 'docker:registry.services.nersc.gov/user/image:tag'],
    ['registry.services.nersc.gov/user/image', 'docker:registry.services.nersc.gov/user/image:latest'],
    ['127.0.0.1:5000/mpi-hello', 'docker:127.0.0.1:5000/mpi-hello:latest'],
    ['docker:127.0.0.1:5000/mpi-hello:1.0', 'docker:127.0.0.1:5000/mpi-hello:1.0'],
    ['docker:myorg/workflow:1.2', 'docker:myorg/workflow:1.2'],
    ['docker:registry:5000/alice/app', 'docker:registry:5000/alice/app:latest'],
    ['docker:registry:5000/alice/app:2', 'docker:registry:5000/alice/app:2'],
    ['custom:mything', 'custom:mything'],
    ['id:0123abcd', 'id:0123abcd'],
    ['local:/global/images/x', 'local:/global/images/x'],
    ['shifter:thing:1', 'docker:shifter:thing:1'],
  ];
  for (const [written, normal] of cases) {
    it(`${written} -> ${normal}`, () => assert.equal(normalizeImageRef(written), normal));
  }

  it('splits TYPE:TAG as Shifter does', () => {
    assert.deepEqual(parseImageRef('ubuntu:22.04'), { type: 'docker', tag: 'ubuntu:22.04' });
    assert.deepEqual(parseImageRef('custom:a:b'), { type: 'custom', tag: 'a:b' });
  });

  it('refuses what Shifter would silently change or cannot name', () => {
    assert.throws(() => normalizeImageRef(''), ImageRefError);
    assert.throws(() => normalizeImageRef('docker:'), ImageRefError);
    assert.throws(() => normalizeImageRef('docker:myorg/'), ImageRefError);
    assert.throws(() => normalizeImageRef('docker:ubuntu@sha256:abcdef'), /digest/);
    assert.throws(() => normalizeImageRef('docker:my image:1'), /space/);
    assert.throws(() => normalizeImageRef('custom:a/b'), /"\/"/, '/ is dropped for custom images');
  });

  it('refuses a docker reference whose last component has a version but no name', () => {
    for (const ref of ['docker:myorg/:1.0', 'registry.example.org:5000/team/:2', 'docker::1.0', ':1.0']) {
      assert.throws(() => normalizeImageRef(ref), /names no image/, ref);
    }
  });

  it('says why it refused, for callers that explain it in their own words (SF010)', () => {
    const problem = (ref: string) => {
      try {
        normalizeImageRef(ref);
      } catch (e) {
        if (e instanceof ImageRefError) return e.problem;
      }
      return undefined;
    };
    assert.deepEqual(problem('docker:'), { kind: 'empty' });
    assert.deepEqual(problem('docker:myorg/'), { kind: 'no-name' });
    assert.deepEqual(problem('custom:a/b'), { kind: 'dropped', type: 'custom', chars: ['/'] });
    assert.deepEqual(problem('id:a b@c'), { kind: 'dropped', type: 'id', chars: [' ', '@'] });
    assert.equal(problem('docker:myorg/app:1.0'), undefined);
  });
});

describe('images: shifterimg pull output', () => {
  it('reads a status line', () => {
    assert.deepEqual(parsePullLine('2026-11-22T01:24:07 Pulling Image: docker:hello:latest, status: PULLING'), {
      kind: 'status',
      time: '2026-11-22T01:24:07',
      ref: 'docker:hello:latest',
      status: 'PULLING',
      line: '2026-11-22T01:24:07 Pulling Image: docker:hello:latest, status: PULLING',
    });
    assert.equal(parsePullLine('Got response: 500')?.kind, 'http-error');
    assert.equal(parsePullLine(rec.GATEWAY_DOWN)?.kind, 'gateway-down');
    assert.deepEqual(parsePullLine('err 28'), { kind: 'curl-error', code: 28, line: 'err 28' });
    assert.equal(parsePullLine('   '), undefined);
  });

  it('reads redrawn lines (\\r\\x1b[2K) and verbose lines alike', () => {
    assert.deepEqual(statuses(parsePullOutput(rec.PULL_READY_PLAIN)), ['PULLING', 'CONVERSION', 'READY']);
    assert.deepEqual(statuses(parsePullOutput(rec.PULL_FAILURE_PLAIN)), ['PULLING', 'FAILURE']);
    assert.deepEqual(statuses(parsePullOutput(rec.PULL_READY_VERBOSE)), ['PULLING', 'READY']);
  });

  it('keeps the gateway status_message and the id from -v output', () => {
    const f = summarizePull(parsePullOutput(rec.PULL_FAILURE_VERBOSE));
    assert.equal(f.status, 'FAILURE');
    assert.equal(f.statusMessage, 'FAILURE: could not pull docker:nosuch:1.0 from 127.0.0.1:5000/nosuch:1.0: manifest unknown');
    assert.equal(f.id, undefined, 'MISSING is no id');
    const r = summarizePull(parsePullOutput(rec.PULL_READY_VERBOSE));
    assert.equal(r.status, 'READY');
    assert.equal(r.id, rec.WORKFLOW_ID);
    assert.equal(r.statusMessage, undefined);
  });

  it('streams: reports a redrawn status at once, split anywhere, each line once', () => {
    // Every split point of the recorded output gives the same statuses, in order, once each.
    for (let cut = 0; cut <= rec.PULL_READY_PLAIN.length; cut++) {
      const reader = new PullOutputReader();
      const events = [...reader.push(rec.PULL_READY_PLAIN.slice(0, cut)), ...reader.push(rec.PULL_READY_PLAIN.slice(cut)), ...reader.end()];
      assert.deepEqual(statuses(events), ['PULLING', 'CONVERSION', 'READY'], `cut at ${cut}`);
    }
    const reader = new PullOutputReader();
    const first = reader.push('\r\x1b[2K2026-11-22T01:24:07 Pulling Image: docker:hello:latest, status: PULLING');
    assert.deepEqual(statuses(first), ['PULLING'], 'no wait for the next redraw');
    assert.deepEqual(statuses(reader.push('\r\x1b[2K')), []);
  });

  it('streams byte by byte', () => {
    const reader = new PullOutputReader();
    const events: PullEvent[] = [];
    for (const ch of rec.PULL_FAILURE_VERBOSE) events.push(...reader.push(ch));
    events.push(...reader.end());
    assert.deepEqual(statuses(events), ['PULLING', 'FAILURE']);
  });
});

describe('images: shifterimg images and lookup output', () => {
  it('reads the printf columns, long fields, MISSING and empty ids', () => {
    const r = parseImagesOutput(rec.IMAGES);
    assert.deepEqual(r[0], {
      system: 'sfcluster',
      type: 'docker',
      status: 'READY',
      idPrefix: '9549196da7',
      lastPull: '2026-11-22T01:24:08',
      tag: '127.0.0.1:5000/myorg/workflow:1.2',
      ref: 'docker:127.0.0.1:5000/myorg/workflow:1.2',
    });
    assert.equal(r[1].tag, 'hello:latest', 'padding trimmed');
    assert.deepEqual([r[2].status, r[2].idPrefix], ['CONVERSION', undefined]);
    assert.equal(r[3].system, 'perlmutter-login');
    assert.deepEqual([r[4].type, r[4].status, r[4].idPrefix, r[4].tag], ['custom', 'FAILURE', undefined, 'thing:1']);
    assert.equal(r.length, 5);
  });

  it('skips -v Message lines and reads nothing from nothing', () => {
    assert.equal(parseImagesOutput(`Message: {"list":[]}\n${rec.IMAGES}`).length, 5);
    assert.deepEqual(parseImagesOutput(''), []);
  });

  it('reads the id from lookup, with or without -v', () => {
    assert.equal(parseLookupOutput(rec.LOOKUP_VERBOSE), rec.WORKFLOW_ID);
    assert.equal(parseLookupOutput(`${rec.HELLO_ID}\n`), rec.HELLO_ID);
    assert.equal(parseLookupOutput(rec.LOOKUP_UNKNOWN_VERBOSE), undefined);
    assert.equal(parseLookupOutput(rec.GATEWAY_DOWN), undefined);
  });
});
