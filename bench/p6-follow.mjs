// P6, the runner following many array tasks: peak RSS and CPU share of the `shifterflow run` process
// (node only, from /proc/PID/status VmHWM and /proc/PID/stat utime+stime sampled every 0.5 s, over
// the run's wall time) while it follows BENCH_TASKS (default 10,000) array tasks to the end on the
// test cluster, with /usr/bin/time -v's figures (which include the sbatch/sacct children) alongside.
// The tasks are BENCH_TASKS/BENCH_ARRAY (default 10,000: one array) matrix jobs, each one job array
// (the test cluster allows MaxArraySize=10001, MaxJobCount=50000). Each task runs plain `true`: the jobs use the shared qos (so the script is
// `shifter true`, no srun) and a `shifter` shim first on PATH (exported to the jobs) exec's its
// arguments, so no container starts: the point is the runner, not the cluster's task throughput.
// Also prints the Slurm calls (counted by PATH shims) and the polls.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { clusterEnv, countCalls, resetCalls, slurmShims, waitForIdleCluster, workspace, write } from './cluster.mjs';
import { root } from './lib.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 10000);
const ARRAY = Number(process.env.BENCH_ARRAY ?? 10000);
const POLL = process.env.BENCH_POLL_MS; // default: shifterflow's own
const env = clusterEnv();
const dir = workspace(env, 'p6');
const shims = slurmShims(dir);
writeFileSync(join(shims, 'shifter'), '#!/bin/sh\nexec "$@"\n');
chmodSync(join(shims, 'shifter'), 0o755);

const jobs = Math.ceil(TASKS / ARRAY);
const lines = ['version: 1', 'name: p6', 'profile: { base: slurm, siteFileSystems: [/sfglobal] }', 'defaults: { account: m1234, qos: shared, time: "00:05:00" }', 'images: { box: "docker:workflow:latest" }', 'jobs:'];
for (let j = 0; j < jobs; j++) {
  const n = Math.min(ARRAY, TASKS - j * ARRAY);
  lines.push(`  arr${j}: { image: box, matrix: { i: [${Array.from({ length: n }, (_, i) => i).join(', ')}] }, command: "true" }`);
}
const wf = `p6-${process.pid}.yaml`;
write(env, join(dir, wf), lines.join('\n') + '\n');

const stamp = (what) => console.log(`  [${new Date().toISOString()}] ${what}`);
waitForIdleCluster(env, stamp);

resetCalls(dir);
const argv = ['/usr/bin/time', '-v', process.execPath, join(root, 'bin/shifterflow.js'), 'run', wf, ...(POLL ? ['--poll-ms', POLL] : [])];
const t0 = performance.now();
const child = spawn('runuser', ['-u', env.SF_TEST_USER, '--', 'env', '-i', `SLURM_CONF=${env.SLURM_CONF}`, `PATH=${shims}:/usr/local/bin:/usr/bin:/bin`, `HOME=${env.SF_TEST_HOME}`, `USER=${env.SF_TEST_USER}`, ...argv], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
child.stdout.on('data', (d) => (stdout += d));
child.stderr.on('data', (d) => (stderr += d));
const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
let pid;
let last = { cpu: 0, hwm: 0, rss: 0, at: 0 };
const sampler = setInterval(() => {
  try {
    if (!pid) {
      const p = spawnSync('pgrep', ['-f', `shifterflow.js run ${wf}`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
      // /usr/bin/time's own command line holds the same words: the node process is the one whose parent is time.
      pid = p.find((x) => readFileSync(`/proc/${x}/comm`, 'utf8').trim() === 'node');
      if (!pid) return;
    }
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    last = { cpu: (Number(f[11]) + Number(f[12])) / HZ, hwm: Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024, rss: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024, at: performance.now() - t0 };
  } catch {
    /* gone */
  }
}, 500);
const code = await new Promise((res) => child.on('exit', res));
clearInterval(sampler);
const wall = (performance.now() - t0) / 1000;
if (code !== 0) throw new Error(`shifterflow run exited ${code}: ${stderr.slice(-3000)}`);
const tv = (k) => (new RegExp(`${k}: (.*)`).exec(stderr) ?? [])[1];
const calls = countCalls(dir);
console.log(`\nP6 following ${TASKS} array tasks (${jobs} job arrays of ${ARRAY}; each task runs plain true)`);
console.log(`  wall time                                   ${wall.toFixed(1)} s`);
console.log(`  shifterflow node process, peak RSS (VmHWM)  ${last.hwm.toFixed(1)} MB  (target <= 150 MB: ${last.hwm <= 150 ? 'meets' : 'MISSES'})`);
console.log(`  shifterflow node process, CPU               ${last.cpu.toFixed(2)} s = ${((100 * last.cpu) / wall).toFixed(2)}% of a core over the wall time (target <= 2%: ${(100 * last.cpu) / wall <= 2 ? 'meets' : 'MISSES'}; last sample ${(wall - last.at / 1000).toFixed(1)} s before the end)`);
const user = Number(tv('User time \\(seconds\\)'));
const sys = Number(tv('System time \\(seconds\\)'));
console.log(`  /usr/bin/time -v (node + its sbatch/sacct children): max RSS ${(Number(tv('Maximum resident set size \\(kbytes\\)')) / 1024).toFixed(1)} MB, user ${user} s + sys ${sys} s = ${((100 * (user + sys)) / wall).toFixed(2)}% of a core, elapsed ${tv('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')}`);
console.log(`  Slurm calls: ${JSON.stringify(calls)}; ${((calls.squeue + calls.sacct) / Math.max(1, calls.sacct)).toFixed(2)} queries per poll over ${calls.sacct} polls`);
