// P5, images: 10 distinct images to READY through the Shifter stand-in's gateway in realistic mode
// (PENDING 2 s, PULLING 5 s + 50 MB/s, CONVERSION 15 s + 20 MB/s), `shifterflow images pull` of all
// ten at once (ImageGateway.pullAll, the path `shifterflow run` takes through pullShifterImages) versus
// single pulls of one image each. A SECOND gateway is started for every measurement (a free port, its
// own fresh state and image store under /var/tmp), so nothing is READY beforehand and the cluster's
// gateway on 8999 is never touched; shifterimg is pointed at it with SHIFTER_STANDIN_* variables.
// The ten images are bench/p5:v0..v9 in the cluster registry: workflow:latest with one ENV line
// changed per tag (distinct manifests, so the gateway pulls each), pushed once with skopeo + umoci.
// BENCH_GATEWAY_WORKERS (default 8, as the stand-in's default and WorkerThreads in Shifter's own
// imagemanager.json.example) is the gateway's number of concurrent pulls; BENCH_SINGLES (default 3) how many single pulls to time; BENCH_RUNS the all-at-once runs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { report, root, stats } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 3);
const WORKERS = process.env.BENCH_GATEWAY_WORKERS ?? '8';
const MODE = process.env.BENCH_GATEWAY_MODE ?? 'realistic';
const REGISTRY = process.env.SF_REGISTRY ?? '127.0.0.1:5000';
const N = 10;
const refs = Array.from({ length: N }, (_, i) => `docker:bench/p5:v${i}`);
const shifterimg = join(root, 'test/shifter-standin/bin/shifterimg');

function sh(cmd) {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr.slice(-1500)}`);
  return r.stdout;
}

// The ten images, once.
const have = spawnSync('curl', ['-sf', `http://${REGISTRY}/v2/bench/p5/tags/list`], { encoding: 'utf8' }).stdout;
if (!refs.every((_, i) => have.includes(`"v${i}"`))) {
  const tmp = mkdtempSync('/var/tmp/sf-p5-build-');
  try {
    sh(`skopeo copy --src-tls-verify=false docker://${REGISTRY}/workflow:latest oci:${tmp}/img:base`);
    for (let i = 0; i < N; i++) {
      sh(`umoci config --image ${tmp}/img:base --tag v${i} --config.env P5_IMAGE=${i}`);
      sh(`skopeo copy --dest-tls-verify=false oci:${tmp}/img:v${i} docker://${REGISTRY}/bench/p5:v${i}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function withGateway(fn) {
  const dir = mkdtempSync('/var/tmp/sf-p5-gw-');
  const gw = spawn(process.execPath, [join(root, 'test/shifter-standin/gateway.js')], {
    env: { ...process.env, SHIFTER_GATEWAY_PORT: '0', SHIFTER_GATEWAY_IMAGE_STORE: join(dir, 'images'), SHIFTER_GATEWAY_STATE: join(dir, 'state.json'), SHIFTER_GATEWAY_MODE: MODE, SHIFTER_GATEWAY_WORKERS: WORKERS, SHIFTER_GATEWAY_REGISTRY: REGISTRY, SHIFTER_GATEWAY_ALLOW_PLAIN: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  gw.stderr.on('data', (d) => (log += d));
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      gw.stdout.on('data', (d) => {
        out += d;
        const m = /listening [^:\s]+:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      gw.on('exit', (c) => reject(new Error(`gateway exited ${c}: ${log.slice(-1500)}`)));
    });
    const env = { ...process.env, SHIFTER_STANDIN_CONF: '', SHIFTER_STANDIN_GATEWAY_URL: `http://127.0.0.1:${port}`, SHIFTER_STANDIN_IMAGE_PATH: join(dir, 'images'), SHIFTER_STANDIN_SYSTEM: 'sfcluster', SHIFTER_STANDIN_MUNGE_SOCKET: '', PATH: `${join(root, 'test/shifter-standin/bin')}:${process.env.PATH}` };
    return await fn(env);
  } finally {
    gw.kill('SIGTERM');
    await new Promise((r) => (gw.exitCode !== null ? r() : gw.on('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

function pull(env, list) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/shifterflow.js'), 'images', 'pull', '--json', ...list], { env, encoding: 'utf8' });
  const ms = performance.now() - t;
  const results = r.stdout ? JSON.parse(r.stdout) : [];
  if (r.status !== 0 || results.length !== list.length || !results.every((x) => x.status === 'READY')) throw new Error(`shifterflow images pull exited ${r.status}: ${r.stdout}${r.stderr.slice(-1500)}`);
  return ms;
}

if (!spawnSync('bash', ['-c', `command -v ${shifterimg}`]).status === 0) throw new Error('no shifterimg stand-in');
const singles = [];
for (let i = 0; i < SINGLES; i++) singles.push(await withGateway((env) => pull(env, [refs[i]])));
const all = [];
for (let r = 0; r < RUNS; r++) all.push(await withGateway((env) => pull(env, refs)));
const slowest = Math.max(...singles);
const allS = stats(all);
report(`P5 ${N} images to READY (gateway mode ${MODE}, ${WORKERS} gateway workers)`, [
  [`single pull, one image each (${SINGLES} images)`, stats(singles)],
  [`shifterflow images pull, all ${N} at once`, allS],
], [{ label: `all ${N} / slowest single pull (${(slowest / 1000).toFixed(1)} s)`, value: allS.median / slowest, target: '<= 1.2x', ok: (v) => v <= 1.2 }]);
