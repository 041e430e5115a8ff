// What the tests against the test cluster's real registry share: the prerequisite (no registry is a
// loud failure, never a skip), the body of a test's HTTP front (each request passed on to the
// registry with its method, path and Accept header, the answer passed back), and `validate --images`
// run against the registry with an image-check cache of the test's own.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { TEST_REGISTRY } from './push-image';

const CLI = join(__dirname, '..', '..', 'runner', 'cli', 'main.js');

export async function requireTestRegistry(registry = TEST_REGISTRY): Promise<void> {
  const res = await fetch(`http://${registry}/v2/`).catch((e: unknown) => assert.fail(`PREREQUISITE: no registry at ${registry} (the test cluster's): ${String(e)}`));
  assert.equal(res.status, 200);
}

/** Passes `req` on to `registry` and its answer back to `res` (502 when the registry cannot be reached). */
export function forwardToRegistry(req: http.IncomingMessage, res: http.ServerResponse, registry = TEST_REGISTRY): void {
  const [host, port] = registry.split(':');
  const up = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: { accept: req.headers.accept ?? '*/*' } }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.writeHead(502).end());
  up.end();
}

/** `shifterflow validate --images ARGS` in `work`, the test registry as SHIFTERFLOW_REGISTRY, the cache in `work/<cache>`. */
export function validateImages(work: string, args: string[], cache = 'cache') {
  return spawnSync(process.execPath, [CLI, 'validate', '--images', ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(work, cache), SHIFTERFLOW_REGISTRY: TEST_REGISTRY, SHIFTERFLOW_IMAGE_CHECK_CACHE: '' }, timeout: 300_000 });
}
