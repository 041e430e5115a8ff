import assert from 'node:assert/strict';
import { ImageGateway, ImageGatewayError, ImageGatewayUnreachableError, ImagePullError, requireReady, type ImageGatewayOptions } from '../../runner/images/gateway';
import { ScriptedRunner, type Step } from '../slurm/scripted-runner';
import * as rec from './recorded';

function gateway(steps: Step[], opts: ImageGatewayOptions = {}) {
  const runner = new ScriptedRunner(steps);
  return { gw: new ImageGateway({ runner, ...opts }), runner };
}

describe('ImageGateway.pullImage', () => {
  it('pulls the normalized reference with -v and the ACL, then pins the id with lookup', async () => {
    const { gw, runner } = gateway([
      { program: 'shifterimg', result: { stdout: rec.PULL_READY_VERBOSE } },
      { program: 'shifterimg', result: { stdout: rec.LOOKUP_VERBOSE } },
    ]);
    const seen: string[] = [];
    const r = await gw.pullImage('127.0.0.1:5000/myorg/workflow:1.2', { users: ['sfuser', 5001, 'sfuser'], groups: ['m1234'], onStatus: (s) => seen.push(s) });
    assert.deepEqual(r, { ref: 'docker:127.0.0.1:5000/myorg/workflow:1.2', status: 'READY', ok: true, id: rec.WORKFLOW_ID });
    assert.deepEqual(runner.calls[0].argv, ['shifterimg', '-v', '--user=sfuser,5001', '--group=m1234', 'pull', 'docker:127.0.0.1:5000/myorg/workflow:1.2']);
    assert.deepEqual(runner.calls[1].argv, ['shifterimg', '-v', 'lookup', 'docker:127.0.0.1:5000/myorg/workflow:1.2']);
    assert.deepEqual(seen, ['PULLING', 'READY']);
    assert.deepEqual(gw.callCounts(), { pull: 1, lookup: 1, images: 0, total: 2 });
    runner.assertDone();
  });

  it('reports statuses live as the output streams, once per change', async () => {
    const E = '\r\x1b[2K';
    const line = (s: string) => `${E}2026-11-22T01:24:07 Pulling Image: docker:hello:latest, status: ${s}`;
    const { gw } = gateway(
      [
        { program: 'shifterimg', chunks: [line('PENDING'), line('PENDING'), line('PULLING'), line('CONVERSION'), `${line('READY')}\n`] },
        { program: 'shifterimg', result: { stdout: `${rec.HELLO_ID}\n` } },
      ],
      { verbose: false },
    );
    const seen: [string, string][] = [];
    const r = await gw.pullImage('hello', { onStatus: (s, l) => seen.push([s, l]) });
    assert.equal(r.ok, true);
    assert.deepEqual(
      seen.map((s) => s[0]),
      ['PENDING', 'PULLING', 'CONVERSION', 'READY'],
    );
    assert.equal(seen[0][1], '2026-11-22T01:24:07 Pulling Image: docker:hello:latest, status: PENDING');
  });

  it('decides by the final word: FAILURE with exit status 0 is a failed pull, with the gateway message', async () => {
    const { gw, runner } = gateway([{ program: 'shifterimg', result: { code: 0, stdout: rec.PULL_FAILURE_VERBOSE } }]);
    const r = await gw.pullImage('docker:nosuch:1.0');
    assert.deepEqual(r, {
      ref: 'docker:nosuch:1.0',
      status: 'FAILURE',
      ok: false,
      message: 'FAILURE: could not pull docker:nosuch:1.0 from 127.0.0.1:5000/nosuch:1.0: manifest unknown',
    });
    assert.equal(runner.calls.length, 1, 'no lookup after a failure');
  });

  it('says FAILURE in its own words without -v, and EXPIRED too', async () => {
    const { gw } = gateway(
      [
        { program: 'shifterimg', result: { stdout: rec.PULL_FAILURE_PLAIN } },
        { program: 'shifterimg', result: { stdout: '\r\x1b[2K2026-11-22T01:24:07 Pulling Image: docker:old:1, status: EXPIRED\n' } },
      ],
      { verbose: false },
    );
    assert.match((await gw.pullImage('hello')).message!, /reported FAILURE for docker:hello:latest/);
    assert.equal((await gw.pullImage('old:1')).status, 'EXPIRED');
  });

  it('throws a typed "image gateway unreachable" error when the gateway is down', async () => {
    const { gw } = gateway([{ program: 'shifterimg', result: { code: 1, stdout: rec.GATEWAY_DOWN } }]);
    await assert.rejects(gw.pullImage('ubuntu:22.04'), (e: unknown) => {
      assert.ok(e instanceof ImageGatewayUnreachableError);
      assert.match(e.message, /^image gateway unreachable \(while asking for docker:ubuntu:22.04\): ERROR: failed to contact the image gateway\.$/);
      return true;
    });
  });

  it('treats curl time-outs as unreachable too', async () => {
    const { gw } = gateway([{ program: 'shifterimg', result: { code: 1, stdout: 'err 28\n' } }]);
    await assert.rejects(gw.pullImage('ubuntu:22.04'), ImageGatewayUnreachableError);
  });

  it('throws when the pull ends without a final status (HTTP error, killed, missing program)', async () => {
    const { gw } = gateway([
      { program: 'shifterimg', result: { code: 1, stdout: 'Got response: 500\nMessage: internal error\n' } },
      { program: 'shifterimg', result: { code: null, signal: 'SIGKILL', stdout: '\r\x1b[2K2026-11-22T01:24:07 Pulling Image: docker:x:1, status: CONVERSION' } },
      { program: 'shifterimg', result: { code: null, spawnError: 'ENOENT' } },
      { program: 'shifterimg', result: { code: null, timedOut: true, signal: 'SIGTERM' } },
    ]);
    await assert.rejects(gw.pullImage('x:1'), (e: unknown) => e instanceof ImageGatewayError && /ended without a final status .*HTTP 500/.test(e.message));
    await assert.rejects(gw.pullImage('x:1'), (e: unknown) => e instanceof ImageGatewayError && /last: CONVERSION; .*SIGKILL/.test(e.message));
    await assert.rejects(gw.pullImage('x:1'), /shifterimg: command not found/);
    await assert.rejects(gw.pullImage('x:1'), /did not finish within 60 min/);
  });

  it('reports READY without an id from lookup as not usable', async () => {
    const { gw } = gateway([
      { program: 'shifterimg', result: { stdout: rec.PULL_READY_VERBOSE } },
      { program: 'shifterimg', result: { code: 1, stdout: rec.LOOKUP_UNKNOWN_VERBOSE } },
    ]);
    const r = await gw.pullImage('127.0.0.1:5000/myorg/workflow:1.2');
    assert.equal(r.ok, false);
    assert.match(r.message!, /lookup .* found no image/);
  });

  it('refuses bad references and ACL entries before running anything', async () => {
    const { gw, runner } = gateway([]);
    await assert.rejects(gw.pullImage('docker:a@sha256:00'), /digest/);
    await assert.rejects(gw.pullImage('ubuntu', { users: ['a,b'] }), /not a user name/);
    await assert.rejects(gw.pullImage('ubuntu', { groups: ['--x'] }), /not a group name/);
    await assert.rejects(gw.pullImage('ubuntu', { users: [-1] }), /not a user name/);
    assert.equal(runner.calls.length, 0);
  });
});

describe('ImageGateway.pullAll', () => {
  it('pulls each image once (ACLs merged), in parallel, results in first-use order', async () => {
    const E = '\r\x1b[2K';
    const ready = (ref: string) => `${E}2026-11-22T01:24:07 Pulling Image: ${ref}, status: READY\n`;
    // Each scripted step answers whichever command comes next: pulls first (all started at once), then lookups.
    const { gw, runner } = gateway(
      [
        { program: 'shifterimg', result: { stdout: ready('docker:ubuntu:22.04') } },
        { program: 'shifterimg', result: { stdout: ready('docker:myorg/workflow:1.2') } },
        { program: 'shifterimg', result: { stdout: 'aaa\n' } },
        { program: 'shifterimg', result: { stdout: 'bbb\n' } },
      ],
      { verbose: false },
    );
    const seen: string[] = [];
    const results = await gw.pullAll(['ubuntu:22.04', { ref: 'docker:ubuntu:22.04', users: ['sfuser'] }, { ref: 'myorg/workflow:1.2', groups: [1001] }, 'docker:ubuntu:22.04'], {
      onStatus: (ref, s) => seen.push(`${ref} ${s}`),
    });
    assert.deepEqual(
      results.map((r) => [r.ref, r.ok]),
      [
        ['docker:ubuntu:22.04', true],
        ['docker:myorg/workflow:1.2', true],
      ],
    );
    const pulls = runner.calls.filter((c) => c.argv.includes('pull')).map((c) => c.argv.slice(1));
    assert.deepEqual(pulls, [
      ['--user=sfuser', 'pull', 'docker:ubuntu:22.04'],
      ['--group=1001', 'pull', 'docker:myorg/workflow:1.2'],
    ]);
    assert.deepEqual(seen.sort(), ['docker:myorg/workflow:1.2 READY', 'docker:ubuntu:22.04 READY']);
  });

  it('waits for every pull, then reports an infrastructure error', async () => {
    const { gw, runner } = gateway(
      [
        { program: 'shifterimg', result: { code: 1, stdout: rec.GATEWAY_DOWN } },
        { program: 'shifterimg', result: { code: 1, stdout: rec.GATEWAY_DOWN } },
      ],
      { verbose: false },
    );
    await assert.rejects(gw.pullAll(['a:1', 'b:1']), ImageGatewayUnreachableError);
    assert.equal(runner.calls.length, 2);
  });

  it('requireReady names every image that is not READY', () => {
    assert.doesNotThrow(() => requireReady([{ ref: 'docker:a:1', status: 'READY', ok: true, id: 'x' }]));
    assert.throws(
      () =>
        requireReady([
          { ref: 'docker:a:1', status: 'READY', ok: true, id: 'x' },
          { ref: 'docker:b:1', status: 'FAILURE', ok: false, message: 'manifest unknown' },
          { ref: 'docker:c:1', status: 'EXPIRED', ok: false },
        ]),
      (e: unknown) => e instanceof ImagePullError && /2 images are not usable:\n {2}docker:b:1 \(FAILURE\): manifest unknown\n {2}docker:c:1 \(EXPIRED\)/.test(e.message),
    );
  });
});

describe('ImageGateway.lookupImage and listImages', () => {
  it('returns the id, or undefined for an image the gateway does not know', async () => {
    const { gw } = gateway([
      { program: 'shifterimg', result: { stdout: rec.LOOKUP_VERBOSE } },
      { program: 'shifterimg', result: { code: 1, stdout: rec.LOOKUP_UNKNOWN_VERBOSE } },
      { program: 'shifterimg', result: { code: 1, stdout: rec.GATEWAY_DOWN } },
      { program: 'shifterimg', result: { code: 1, stdout: 'Got response: 500\nMessage: {"error":"boom"}\n' } },
    ]);
    assert.equal(await gw.lookupImage('127.0.0.1:5000/myorg/workflow:1.2'), rec.WORKFLOW_ID);
    assert.equal(await gw.lookupImage('nope:1'), undefined);
    await assert.rejects(gw.lookupImage('nope:1'), ImageGatewayUnreachableError);
    await assert.rejects(gw.lookupImage('nope:1'), /HTTP 500/);
  });

  it('lists images; an empty answer (exit 1, nothing printed) is asked again with -v', async () => {
    const { gw, runner } = gateway([
      { program: 'shifterimg', result: { stdout: rec.IMAGES } },
      { program: 'shifterimg', result: { code: 1, stdout: '' } },
      { program: 'shifterimg', result: { code: 1, stdout: 'Message: {"list":[]}\n' } },
      { program: 'shifterimg', result: { code: 1, stdout: '' } },
      { program: 'shifterimg', result: { code: 1, stdout: 'Got response: 403\nMessage: {"error":"denied"}\n' } },
      { program: 'shifterimg', result: { code: 1, stdout: rec.GATEWAY_DOWN } },
    ]);
    assert.equal((await gw.listImages()).length, 5);
    assert.deepEqual(await gw.listImages(), []);
    assert.deepEqual(runner.calls[2].argv, ['shifterimg', '-v', 'images']);
    await assert.rejects(gw.listImages(), /HTTP 403/);
    await assert.rejects(gw.listImages(), ImageGatewayUnreachableError);
  });

  it('runs the configured program with the configured environment', async () => {
    const { gw, runner } = gateway([{ program: '/opt/shifter/bin/shifterimg', result: { stdout: rec.IMAGES } }], { shifterimg: '/opt/shifter/bin/shifterimg', env: { UDIROOT_CONF: '/x' } });
    await gw.listImages();
    assert.equal(runner.calls[0].opts.env!.UDIROOT_CONF, '/x');
  });
});
