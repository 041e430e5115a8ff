// P3, real Slurm: the same DAG run by shifterflow and by a hand-written sbatch script with the same
// dependencies (the floor: nothing is faster than sbatch itself), in one run on the test cluster.
// Shapes (BENCH_SHAPE):
//   fanout-chain: a 1,000-task fan-out (one matrix job = one job array) then a 100-job chain
//   snake:        root -> 150 fan-out jobs -> join -> a 48-job chain (the peer comparison's DAG)
// Prints wall times, ratios and the sbatch/squeue/sacct calls each made (counted by PATH shims).
// With BENCH_SHAPE=snake, Snakemake 7.21 (`snakemake --slurm`, Debian) runs the same DAG as a
// 200-rule Snakefile (bench/dag.mjs), tuned as docs/design.md ("Testing against the real parts") says: USER exported,
// --default-resources slurm_account=m1234 slurm_partition=debug runtime=5, the image through
// slurm_extra, --max-status-checks-per-second 1. Every Snakemake job runs `shifter true` (then touches
// its output marker), like the floor's and shifterflow's jobs (srun -n 1 shifter true).
// sfgroup is shifterflow with the chain in one `group:` (its links run one after another in one
// allocation: the stretch target, below the floor, which pays the scheduler once per link).
// BENCH_PEERS=floor,sf,sfgroup,snakemake picks who runs (default: all four for snake, floor,sf,sfgroup otherwise).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { snakefile, snakeWorkflowYaml } from './dag.mjs';
import { asUser, clusterEnv, countCalls, resetCalls, slurmShims, waitForIdleCluster, workspace, write } from './cluster.mjs';
import { report, root } from './lib.mjs';

const SHAPE = process.env.BENCH_SHAPE ?? 'fanout-chain';
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const FANOUT = Number(process.env.BENCH_FANOUT ?? (SHAPE === 'snake' ? 150 : 1000));
const CHAIN = Number(process.env.BENCH_CHAIN ?? (SHAPE === 'snake' ? 48 : 100));
const env = clusterEnv();
const dir = workspace(env, `p3-${SHAPE}`);
const shims = slurmShims(dir);
const IMAGE = 'docker:workflow:latest';
const OPTS = `#SBATCH --account=m1234\n#SBATCH --qos=regular\n#SBATCH --time=00:05:00`;

const PEERS = (process.env.BENCH_PEERS ?? (SHAPE === 'snake' ? 'floor,sf,sfgroup,snakemake' : 'floor,sf,sfgroup')).split(',');
const SNAKE_COMMAND = process.env.BENCH_SNAKE_COMMAND ?? 'shifter true';

function workflowYaml(name, group) {
  if (SHAPE === 'snake') return snakeWorkflowYaml({ name, fanout: FANOUT, chain: CHAIN, image: IMAGE, group });
  const lines = [`version: 1`, `name: ${name}`, `profile: { base: slurm, siteFileSystems: [/sfglobal] }`, `defaults: { account: m1234, qos: regular, time: "00:05:00" }`, `images: { box: "${IMAGE}" }`, `jobs:`];
  if (SHAPE === 'snake') {
    lines.push(`  root: { image: box, command: "true" }`);
    for (let i = 0; i < FANOUT; i++) lines.push(`  fan${i}: { needs: [root], image: box, command: "true" }`);
    lines.push(`  join: { needs: [${Array.from({ length: FANOUT }, (_, i) => `fan${i}`).join(', ')}], image: box, command: "true" }`);
    for (let i = 0; i < CHAIN; i++) lines.push(`  link${i}: { needs: [${i === 0 ? 'join' : `link${i - 1}`}], image: box, command: "true" }`);
  } else {
    lines.push(`  fan: { image: box, matrix: { i: [${Array.from({ length: FANOUT }, (_, i) => i).join(', ')}] }, command: "true" }`);
    for (let i = 0; i < CHAIN; i++) lines.push(`  link${i}: { needs: [${i === 0 ? 'fan' : `link${i - 1}`}]${group ? `, group: ${group}` : ''}, image: box, command: "true" }`);
  }
  return lines.join('\n') + '\n';
}

function floorScript(name) {
  const job = (n) => `#!/bin/bash\n#SBATCH --job-name=${name}.${n}\n#SBATCH --image=${IMAGE}\n${OPTS}\n#SBATCH --output=/dev/null\nsrun -N 1 -n 1 shifter true\n`;
  const s = ['#!/bin/bash', 'set -euo pipefail', `cd '${dir}'`];
  const sb = (n, deps, extra = '') => `$(sbatch --parsable --kill-on-invalid-dep=yes ${deps ? `--dependency=afterok:${deps}` : ''} ${extra} floor-job.${n}.sh)`;
  const files = {};
  if (SHAPE === 'snake') {
    files.root = job('root');
    s.push(`root=${sb('root')}`, 'fans=""');
    files.fan = job('fan');
    s.push(`for i in $(seq 1 ${FANOUT}); do fans="$fans:${sb('fan', '$root')}"; done`);
    files.join = job('join');
    s.push(`prev=${sb('join', '${fans#:}')}`);
  } else {
    files.fan = job('fan').replace('#SBATCH --output', `#SBATCH --array=0-${FANOUT - 1}\n#SBATCH --output`);
    s.push(`prev=${sb('fan')}`);
  }
  files.link = job('link');
  s.push(`for i in $(seq 1 ${CHAIN}); do prev=${sb('link', '$prev')}; done`);
  // Wait for the last link as tightly as a script can (sbatch --wait sleeps up to 10 s between checks).
  s.push('while [ -n "$(squeue -h -j "$prev" -o %i 2>/dev/null)" ]; do sleep 0.2; done');
  return { script: s.join('\n') + '\n', files };
}

const clusterReady = () => waitForIdleCluster(env, stamp);

const stamp = (what) => console.log(`  [${new Date().toISOString()}] ${what}`);
const rows = [];
const samples = { floor: [], sf: [], sfgroup: [], snakemake: [] };
const calls = {};
const snakemake = spawnSync('bash', ['-c', 'command -v snakemake'], { encoding: 'utf8' }).stdout.trim();
if (PEERS.includes('snakemake') && SHAPE !== 'snake') throw new Error('Snakemake runs only the snake shape');
if (PEERS.includes('snakemake') && !snakemake) throw new Error('no snakemake on PATH: apt-get install -y snakemake');
for (let r = 0; r < RUNS; r++) {
  if (PEERS.includes('floor')) {
    clusterReady();
    const floor = floorScript(`floor${r}`);
    for (const [n, text] of Object.entries(floor.files)) write(env, join(dir, `floor-job.${n}.sh`), text, 0o755);
    write(env, join(dir, 'floor.sh'), floor.script, 0o755);
    resetCalls(dir);
    samples.floor.push(asUser(env, dir, ['bash', 'floor.sh'], shims).ms);
    calls.floor = countCalls(dir);
    stamp(`floor run ${r}: ${(samples.floor.at(-1) / 1000).toFixed(1)} s`);
  }
  if (PEERS.includes('sf')) {
    clusterReady();
    write(env, join(dir, 'dag.yaml'), workflowYaml(`sf${r}`));
    resetCalls(dir);
    samples.sf.push(asUser(env, dir, [process.execPath, join(root, 'bin/shifterflow.js'), 'run', 'dag.yaml', '--poll-ms', '250,2000'], shims).ms);
    calls.sf = countCalls(dir);
    stamp(`shifterflow run ${r}: ${(samples.sf.at(-1) / 1000).toFixed(1)} s`);
  }
  if (PEERS.includes('sfgroup')) {
    clusterReady();
    write(env, join(dir, 'dag-group.yaml'), workflowYaml(`sfg${r}`, 'chain'));
    resetCalls(dir);
    samples.sfgroup.push(asUser(env, dir, [process.execPath, join(root, 'bin/shifterflow.js'), 'run', 'dag-group.yaml', '--poll-ms', '250,2000'], shims).ms);
    calls.sfgroup = countCalls(dir);
    stamp(`shifterflow run, chain in one group ${r}: ${(samples.sfgroup.at(-1) / 1000).toFixed(1)} s`);
  }
  if (PEERS.includes('snakemake')) {
    clusterReady();
    rmSync(join(dir, 'done'), { recursive: true, force: true });
    rmSync(join(dir, '.snakemake'), { recursive: true, force: true });
    write(env, join(dir, 'Snakefile'), snakefile({ fanout: FANOUT, chain: CHAIN, command: SNAKE_COMMAND }));
    resetCalls(dir);
    const argv = [snakemake, '--slurm', '--jobs', String(2 + FANOUT + CHAIN), '--max-status-checks-per-second', '1', '--default-resources', 'slurm_account=m1234', 'slurm_partition=debug', 'runtime=5', `slurm_extra='--image ${IMAGE} --qos regular'`, '--quiet', '-s', 'Snakefile'];
    samples.snakemake.push(asUser(env, dir, argv, shims).ms);
    calls.snakemake = countCalls(dir);
    stamp(`snakemake run ${r}: ${(samples.snakemake.at(-1) / 1000).toFixed(1)} s`);
  }
}
const { stats } = await import('./lib.mjs');
const jobs = SHAPE === 'snake' ? 2 + FANOUT + CHAIN : 1 + CHAIN;
console.log(`shape ${SHAPE}: ${SHAPE === 'snake' ? `root -> ${FANOUT} -> join -> ${CHAIN}-chain (${jobs} jobs)` : `${FANOUT}-task array -> ${CHAIN}-job chain (${jobs} job templates)`}; cluster: 3 nodes`);
const floor = samples.floor.length ? stats(samples.floor) : undefined;
const sf = samples.sf.length ? stats(samples.sf) : undefined;
const sm = samples.snakemake.length ? stats(samples.snakemake) : undefined;
const sfg = samples.sfgroup.length ? stats(samples.sfgroup) : undefined;
if (floor) rows.push([`hand-written sbatch chain (floor)`, floor]);
if (sf) rows.push([`shifterflow run`, sf]);
if (sfg) rows.push([`shifterflow run, chain in one group:`, sfg]);
if (sm) rows.push([`snakemake --slurm (7.21)`, sm]);
const ratios = [];
if (sf && floor) ratios.push({ label: 'shifterflow / floor', value: sf.median / floor.median, target: '<= 1.1x', ok: (v) => v <= 1.1 });
if (sf && sm) ratios.push({ label: 'snakemake / shifterflow', value: sm.median / sf.median, target: '>= 8x', ok: (v) => v >= 8 });
if (sm && floor) ratios.push({ label: 'snakemake / floor', value: sm.median / floor.median });
if (sfg && floor) ratios.push({ label: 'shifterflow, grouped chain / floor', value: sfg.median / floor.median, target: '< 1x (stretch)', ok: (v) => v < 1 });
report('P3 real Slurm', rows, ratios);
if (calls.floor) console.log(`  Slurm calls, floor:       ${JSON.stringify(calls.floor)}`);
// Every poll makes exactly one sacct call, so sacct counts the polls.
if (calls.sf) console.log(`  Slurm calls, shifterflow: ${JSON.stringify(calls.sf)}: sbatch ${calls.sf.sbatch} for ${jobs} job templates; ${((calls.sf.squeue + calls.sf.sacct) / Math.max(1, calls.sf.sacct)).toFixed(2)} queries per poll over ${calls.sf.sacct} polls in ${(sf.median / 1000).toFixed(0)} s`);
if (calls.sfgroup) console.log(`  Slurm calls, shifterflow with the chain grouped: ${JSON.stringify(calls.sfgroup)}`);
if (calls.snakemake) console.log(`  Slurm calls, snakemake:   ${JSON.stringify(calls.snakemake)} (one sacct per active job per status sweep)`);
