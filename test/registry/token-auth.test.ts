// Bearer-token auth as a registry asks for it: a token-issuing front on 127.0.0.1 (started and
// stopped here) before the test cluster's real registry. Anonymous requests get a 401 with a
// `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge; the realm hands a token only
// for the docker config's Basic credentials; requests with the token are passed to the registry.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryError, openImage } from '../../runner/registry';
import { forwardToRegistry } from '../imagecheck/registry-support';

const REGISTRY = process.env.SHIFTERFLOW_TEST_CLUSTER_REGISTRY ?? '127.0.0.1:5000';
const USER = 'sfuser:s3cret';
const TOKEN = 'token-for-sftest';

describe('registry client: bearer token auth before the real registry @engines', function () {
  this.timeout(60_000);
  let server: http.Server;
  let address = '';
  let dir = '';
  const scopes: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://${address}`);
      if (url.pathname === '/token') {
        scopes.push(`${url.searchParams.get('service')} ${url.searchParams.get('scope')}`);
        if (req.headers.authorization !== `Basic ${Buffer.from(USER).toString('base64')}`) return void res.writeHead(401).end();
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        const repo = url.pathname.replace(/^\/v2\/(.*)\/(manifests|blobs)\/.*$/, '$1');
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${address}/token",service="sftest-registry",scope="repository:${repo}:pull"` });
        return void res.end();
      }
      forwardToRegistry(req, res, REGISTRY);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'sf-docker-config-'));
  });

  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets a token with the docker config credentials and reads the image through it', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [address]: { auth: Buffer.from(USER).toString('base64') } } }));
    const image = await openImage('workflow:latest', { settings: { registry: address }, env: { DOCKER_CONFIG: dir } });
    assert.equal((await image.config()).workdir, '/srv/workdir');
    let entries = 0;
    await image.walkLayers(() => void entries++);
    assert.ok(entries > 100, `${entries} entries`);
    assert.ok(scopes.includes('sftest-registry repository:workflow:pull'), scopes.join('; '));
  });

  it('without credentials the refusal says how to log in and shows no secret', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {} }));
    await assert.rejects(openImage('workflow:latest', { settings: { registry: address }, env: { DOCKER_CONFIG: dir } }), (e: Error) => {
      assert.ok(e instanceof RegistryError && e.problem === 'refused' && e.status === 401, String(e));
      assert.match(e.message, /refused to serve workflow anonymously \(HTTP 401\): if the image is private, log in \(docker login/);
      return true;
    });
  });

  it('wrong credentials: refused, and the message names the file, not its content', async () => {
    const bad = Buffer.from('sfuser:wrong').toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [address]: { auth: bad } } }));
    await assert.rejects(openImage('workflow:latest', { settings: { registry: address }, env: { DOCKER_CONFIG: dir } }), (e: Error) => {
      assert.ok(e instanceof RegistryError && e.problem === 'refused', String(e));
      assert.match(e.message, /with the credentials in \$DOCKER_CONFIG\/config\.json/);
      assert.ok(!e.message.includes(bad) && !e.message.includes('wrong'), e.message);
      return true;
    });
  });
});
