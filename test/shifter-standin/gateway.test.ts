// The stand-in image gateway against the contract (docs/shifter.md, "`shifterimg` and the image gateway", REST API).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture, Fixture, httpRequest, lookupRaw, pullAndWait, registryDigest, startGateway } from './helpers';

const RECORD_FIELDS = [
  'id',
  'system',
  'itype',
  'tag',
  'status',
  'userACL',
  'groupACL',
  'ENV',
  'ENTRY',
  'WORKDIR',
  'LABELS',
  'last_pull',
  'status_message',
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shifter stand-in: image gateway REST API @standin', function () {
  this.timeout(90000);
  let f: Fixture;
  before(async function () {
    this.timeout(180000);
    f = await fixture();
  });

  it('GET / answers like the genuine API root', async () => {
    const r = await httpRequest(`${f.gateway.url}/`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{lookup,pull,expire,list}');
  });

  it('lookup of an image never pulled is a JSON 404', async () => {
    const r = await lookupRaw(f.gateway, 'standin/never-pulled:1');
    assert.equal(r.status, 404);
    assert.equal(r.contentType, 'application/json');
    assert.equal(r.json.status, 404);
  });

  it('a pull moves PENDING -> PULLING -> CONVERSION -> READY over time, with the registry digest as id', async () => {
    const gw = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-progress'),
      state: path.join(f.root, 'state-progress.json'),
      delays: '0.4,0.4,0.4',
    });
    const seen: string[] = [];
    const url = `${gw.url}/api/pull/sfcluster/docker/${encodeURIComponent('standin/other:1.0')}/`;
    let last: any;
    const deadline = Date.now() + 20000;
    for (;;) {
      const r = await httpRequest(url, 'POST', '', { authentication: 'plain:0:0' });
      assert.equal(r.status, 200);
      assert.equal(r.contentType, 'application/json');
      last = r.json;
      if (seen[seen.length - 1] !== last.status) seen.push(last.status);
      if (last.status === 'READY' || last.status === 'FAILURE' || Date.now() > deadline) break;
      await sleep(50);
    }
    assert.deepEqual(seen, ['PENDING', 'PULLING', 'CONVERSION', 'READY']);
    assert.deepEqual(Object.keys(last).sort(), [...RECORD_FIELDS].sort());
    assert.equal(last.id, registryDigest(f.registry, 'standin/other:1.0'));
    assert.match(last.id, /^[0-9a-f]{64}$/);
    assert.equal(last.system, 'sfcluster');
    assert.equal(last.itype, 'docker');
    assert.deepEqual(last.tag, ['standin/other:1.0']);
    assert.equal(typeof last.last_pull, 'number');
    assert.ok(!Number.isInteger(last.last_pull), 'last_pull is a float');
    assert.deepEqual(last.ENV, ['PATH=/usr/bin:/bin', 'FOO=from-other']);
    assert.equal(last.ENTRY, null);
    assert.equal(last.WORKDIR, null);
    assert.deepEqual(last.LABELS, { 'org.example.fixture': 'other' });
    // the image is really in the store on the global file system
    const rootfs = path.join(gw.opts.store, last.id, 'rootfs');
    assert.equal(fs.readFileSync(path.join(rootfs, 'etc', 'image-name'), 'utf8').trim(), 'other');
    assert.ok(fs.statSync(path.join(rootfs, 'bin', 'busybox')).isFile());
    const meta = JSON.parse(fs.readFileSync(path.join(gw.opts.store, last.id, 'meta.json'), 'utf8'));
    assert.equal(meta.id, last.id);
    await gw.stop();
  });

  it('in-flight records carry "MISSING" for fields not known yet, as create_response() does', async () => {
    const gw = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-missing'),
      state: path.join(f.root, 'state-missing.json'),
      delays: '1,1,1',
    });
    const r = await httpRequest(`${gw.url}/api/pull/sfcluster/docker/standin%2Fbusybox/`, 'POST', '', { authentication: 'plain:0:0' });
    assert.equal(r.json.status, 'PENDING');
    assert.equal(r.json.id, 'MISSING');
    assert.equal(r.json.ENV, 'MISSING');
    assert.deepEqual(r.json.tag, []);
    await gw.stop();
  });

  it('a docker tag without version gets :latest; ENV, ENTRY, WORKDIR come from the image config', async () => {
    const rec = await pullAndWait(f.gateway, 'standin/busybox');
    assert.equal(rec.status, 'READY');
    assert.deepEqual(rec.tag, ['standin/busybox:latest']);
    assert.deepEqual(rec.ENV, ['PATH=/usr/local/bin:/usr/bin:/bin', 'FOO=from-image', 'IMGONLY=yes']);
    assert.equal(rec.ENTRY, '/usr/local/bin/entry.sh from-entrypoint');
    assert.equal(rec.WORKDIR, '/srv/work');
    const l1 = await lookupRaw(f.gateway, 'standin/busybox');
    const l2 = await lookupRaw(f.gateway, 'standin/busybox:latest');
    assert.equal(l1.status, 200);
    assert.equal(l1.json.id, rec.id);
    assert.equal(l2.json.id, rec.id);
  });

  it('an image the registry lacks ends in FAILURE with a status_message', async () => {
    const rec = await pullAndWait(f.gateway, 'standin/does-not-exist:9');
    assert.equal(rec.status, 'FAILURE');
    assert.match(rec.status_message, /standin\/does-not-exist:9/);
    assert.match(rec.status_message, /manifest unknown|not found/i);
    assert.equal((await lookupRaw(f.gateway, 'standin/does-not-exist:9')).status, 404);
    const list = await httpRequest(`${f.gateway.url}/api/list/sfcluster/`, 'GET', undefined, { authentication: 'plain:0:0' });
    assert.ok(!list.json.list.some((x: any) => x.tag.includes('standin/does-not-exist:9')), 'FAILURE is not listed');
  });

  it('a READY image is not pulled again before PullUpdateTimeout, and is after it', async () => {
    const first = await pullAndWait(f.gateway, 'standin/busybox:latest');
    await sleep(1100);
    const again = await httpRequest(`${f.gateway.url}/api/pull/sfcluster/docker/standin%2Fbusybox%3Alatest/`, 'POST', '', {
      authentication: 'plain:0:0',
    });
    assert.equal(again.json.status, 'READY');
    assert.equal(again.json.last_pull, first.last_pull);

    const gw = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-timeout'),
      state: path.join(f.root, 'state-timeout.json'),
      pullUpdateTimeout: 1,
    });
    const a = await pullAndWait(gw, 'standin/other:1.0');
    assert.equal(a.status, 'READY');
    await sleep(1500);
    const b = await httpRequest(`${gw.url}/api/pull/sfcluster/docker/standin%2Fother%3A1.0/`, 'POST', '', { authentication: 'plain:0:0' });
    assert.equal(b.json.status, 'PENDING', 'pulled again after the timeout');
    const c = await pullAndWait(gw, 'standin/other:1.0');
    assert.equal(c.status, 'READY');
    assert.ok(c.last_pull > a.last_pull);
    await gw.stop();
  });

  it('keeps READY images across a restart (state file)', async () => {
    const opts = { registry: f.registry, store: path.join(f.root, 'store-restart'), state: path.join(f.root, 'state-restart.json') };
    const gw = await startGateway(opts);
    const rec = await pullAndWait(gw, 'standin/busybox:v2');
    assert.equal(rec.status, 'READY');
    await gw.stop();
    await gw.start(gw.port);
    const l = await lookupRaw(gw, 'standin/busybox:v2');
    assert.equal(l.status, 200);
    assert.equal(l.json.id, rec.id);
    assert.equal(l.json.last_pull, rec.last_pull);
    await gw.stop();
  });

  it('list returns {"list": [...]} of READY records', async () => {
    await pullAndWait(f.gateway, 'standin/busybox:latest');
    const r = await httpRequest(`${f.gateway.url}/api/list/sfcluster/`, 'GET', undefined, { authentication: 'plain:0:0' });
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.json.list));
    assert.ok(r.json.list.length >= 1);
    for (const rec of r.json.list) {
      assert.equal(rec.status, 'READY');
      assert.deepEqual(Object.keys(rec).sort(), [...RECORD_FIELDS].sort());
    }
  });

  it('an unknown system is refused with a 404', async () => {
    const r = await httpRequest(`${f.gateway.url}/api/list/othersystem/`, 'GET', undefined, { authentication: 'plain:0:0' });
    assert.equal(r.status, 404);
  });

  it('ACLs: a private image is visible only to the allowed uids/gids (and the puller)', async () => {
    const u = f.user;
    const o = f.other;
    const gw = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-acl'),
      state: path.join(f.root, 'state-acl.json'),
    });
    const rec = await pullAndWait(gw, 'standin/busybox:v2', u.uid, u.gid, JSON.stringify({ allowed_uids: String(u.uid) }));
    assert.equal(rec.status, 'READY');
    assert.deepEqual(rec.userACL, [u.uid]);
    assert.equal((await lookupRaw(gw, 'standin/busybox:v2', u.uid, u.gid)).status, 200);
    assert.equal((await lookupRaw(gw, 'standin/busybox:v2', o.uid, o.gid)).status, 404);
    assert.equal((await lookupRaw(gw, 'standin/busybox:v2', 0, 0)).status, 404, 'not even root is in the ACL');
    const listOther = await httpRequest(`${gw.url}/api/list/sfcluster/`, 'GET', undefined, { authentication: `plain:${o.uid}:${o.gid}` });
    assert.ok(!listOther.json.list.some((x: any) => x.tag.includes('standin/busybox:v2')), 'hidden from the list of others');
    // the ACL is in the image metadata that the runtime checks for id: images
    const meta = JSON.parse(fs.readFileSync(path.join(gw.opts.store, rec.id, 'meta.json'), 'utf8'));
    assert.deepEqual(meta.userACL, [u.uid]);
    // a group ACL lets the group in; the puller's own uid/gid are always added
    const rec2 = await pullAndWait(gw, 'standin/other:1.0', u.uid, u.gid, JSON.stringify({ allowed_gids: String(o.gid) }));
    assert.deepEqual([...rec2.groupACL].sort(), [o.gid, u.gid].sort());
    assert.equal((await lookupRaw(gw, 'standin/other:1.0', o.uid, o.gid)).status, 200);
    await gw.stop();
  });

  it('expire is for admins only', async () => {
    const rec = await pullAndWait(f.gateway, 'standin/other:1.0');
    assert.equal(rec.status, 'READY');
    const notAdmin = await httpRequest(`${f.gateway.url}/api/expire/sfcluster/docker/standin%2Fother%3A1.0/`, 'GET', undefined, {
      authentication: `plain:${f.user.uid}:${f.user.gid}`,
    });
    assert.equal(notAdmin.json.status, false);
    assert.equal((await lookupRaw(f.gateway, 'standin/other:1.0')).status, 200);
    const admin = await httpRequest(`${f.gateway.url}/api/expire/sfcluster/docker/standin%2Fother%3A1.0/`, 'GET', undefined, {
      authentication: 'plain:0:0',
    });
    assert.equal(admin.json.status, true);
    assert.equal((await lookupRaw(f.gateway, 'standin/other:1.0')).status, 404);
    const back = await pullAndWait(f.gateway, 'standin/other:1.0');
    assert.equal(back.status, 'READY', 'an EXPIRED image can be pulled again at once');
  });
});
