// P8: `shifterflow images check` on a 1 GB, 10-layer image in the test registry vs the floor, the
// registry transfer itself (`skopeo copy docker://... dir:`): target within 1.2x; and a re-check of
// the same image from the per-digest cache: target under 100 ms (the CLI process, start to exit).
// Needs the test cluster's registry (127.0.0.1:5000) and a build (out/ and dist/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { pushImage, deleteImage } = require(join(root, 'out/test/imagecheck/push-image.js'));
const { baseLayer } = require(join(root, 'out/test/imagecheck/fixture-images.js'));
const registry = process.env.SF_REGISTRY ?? '127.0.0.1:5000';
const runs = Number(process.env.P8_RUNS ?? 2);

const ms = (f) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const layers = Array.from({ length: 10 }, (_, i) => [{ path: `/data/blob${i}`, generated: 100 * 1024 ** 2, seed: i + 1 }]);
const image = await pushImage({ name: `p8-bench:${process.pid}`, layers: [[...baseLayer(), ...layers[0]], ...layers.slice(1)], config: { Cmd: ['sh'] } }, registry);
const cli = join(root, 'dist/cli.js');
const floor = [];
const check = [];
const cached = [];
try {
  for (let r = 0; r < runs; r++) {
    const out = mkdtempSync(join(tmpdir(), 'p8-skopeo-'));
    floor.push(ms(() => execFileSync('skopeo', ['copy', '-q', `docker://${image.reference}`, `dir:${out}/x`, '--src-tls-verify=false'])));
    rmSync(out, { recursive: true, force: true });
    const cache = mkdtempSync(join(tmpdir(), 'p8-cache-'));
    const env = { ...process.env, SHIFTERFLOW_IMAGE_CHECK_CACHE: cache };
    check.push(ms(() => execFileSync(process.execPath, [cli, 'images', 'check', image.reference], { env })));
    for (let i = 0; i < 5; i++) cached.push(ms(() => execFileSync(process.execPath, [cli, 'images', 'check', image.reference], { env })));
    rmSync(cache, { recursive: true, force: true });
  }
} finally {
  await deleteImage(image, registry);
}
const ratio = median(check) / median(floor);
console.log(`P8 image check, 1 GB in 10 layers (${runs} runs): check ${median(check).toFixed(0)} ms (${check.map((x) => x.toFixed(0)).join(', ')}), skopeo copy floor ${median(floor).toFixed(0)} ms (${floor.map((x) => x.toFixed(0)).join(', ')}): ${ratio.toFixed(2)}x (target <= 1.2x) ${ratio <= 1.2 ? 'meets' : 'misses'}`);
console.log(`P8 cached re-check (CLI start to exit): median ${median(cached).toFixed(1)} ms, min ${Math.min(...cached).toFixed(1)} (target < 100 ms) ${median(cached) < 100 ? 'meets' : 'misses'}`);
