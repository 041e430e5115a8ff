// The image gateway client against the test cluster's image gateway, as the test user, with the real
// CommandRunner and the `shifterimg` the cluster provides (the Shifter stand-in there; SF_SHIFTERIMG
// names it when it is not on PATH). Without a gateway these tests FAIL (before hook), never skip.

import assert from 'node:assert/strict';
import { ImageGateway, ImageGatewayUnreachableError } from '../../runner/images/gateway';
import { AsUserRunner, loadClusterEnv, type ClusterEnv } from '../slurm/cluster-env';

describe('image gateway client on the real cluster @cluster', function () {
  this.timeout(180_000);
  let env: ClusterEnv;
  let gw: ImageGateway;
  let other: ImageGateway;
  let image: string;

  before(async () => {
    env = loadClusterEnv();
    const shifterimg = process.env.SF_SHIFTERIMG || env.vars.SF_SHIFTERIMG || 'shifterimg';
    // env.sh's variables reach shifterimg (the stand-in reads its site configuration from them).
    const opts = { shifterimg, env: { ...env.vars }, pullTimeoutMs: 150_000 };
    gw = new ImageGateway({ ...opts, runner: new AsUserRunner(env.user) });
    other = new ImageGateway({ ...opts, runner: new AsUserRunner(env.otherUser) });
    try {
      await gw.listImages();
    } catch (e) {
      const why = e instanceof ImageGatewayUnreachableError ? 'the image gateway is not running' : (e as Error).message;
      throw new Error(`no usable image gateway for the test cluster (${shifterimg}): ${why}`);
    }
    const images = (env.vars.SF_IMAGES ?? '').split(/\s+/).filter(Boolean);
    image = images.includes('hello:latest') ? 'hello:latest' : images[0];
    assert.ok(image, 'env.sh lists no test images (SF_IMAGES)');
  });

  it('pulls an image to READY, reporting statuses, and pins its id with lookup', async () => {
    const seen: string[] = [];
    const r = await gw.pullImage(image, { onStatus: (s) => seen.push(s) });
    assert.equal(r.status, 'READY', JSON.stringify(r));
    assert.equal(r.ok, true);
    assert.match(r.id ?? '', /^[0-9a-f]{16,}$/);
    assert.equal(seen[seen.length - 1], 'READY');
    assert.equal(await gw.lookupImage(image), r.id);
    const listed = (await gw.listImages()).find((i) => i.ref === r.ref);
    assert.ok(listed, `${r.ref} not in shifterimg images`);
    assert.equal(listed.status, 'READY');
    assert.equal(listed.idPrefix, r.id?.slice(0, 10));
  });

  it('reads FAILURE for an image the registry lacks, although shifterimg exits 0', async () => {
    const ref = `docker:shifterflow-no-such-image-${process.pid}:1.0`;
    const r = await gw.pullImage(ref);
    assert.equal(r.ok, false);
    assert.equal(r.status, 'FAILURE');
    assert.ok(r.message && r.message.length > 0);
    assert.equal(await gw.lookupImage(ref), undefined);
  });

  it('pulls several images at once, each once, and keeps an ACL image from other users', async () => {
    const priv = `docker:${env.registry}/myorg/workflow:1.2`;
    const results = await gw.pullAll([image, { ref: priv, users: [env.user] }, image]);
    assert.deepEqual(
      results.map((r) => [r.status, r.ok]),
      [
        ['READY', true],
        ['READY', true],
      ],
    );
    assert.equal(gw.callCounts().pull >= 2, true);
    assert.equal(await gw.lookupImage(priv), results[1].id);
    assert.equal(await other.lookupImage(priv), undefined, `${env.otherUser} must not see an image pulled with --user=${env.user}`);
  });
});
