// P3, real Slurm: the same DAG run by shifterflow and by a hand-written sbatch script with the same
// dependencies (the floor: nothing is faster than sbatch itself), in one run on the test cluster.
// Shapes (BENCH_SHAPE):
//   fanout-chain: a 1,000-task fan-out (one matrix job = one job array) then a 100-job chain
//   snake:        root -> 150 fan-out jobs -> join -> a 48-job chain (the peer comparison's DAG)
// Prints wall times, ratios and the sbatch/squeue/sacct calls each made (counted by PATH shims).
import { join } from 'node:path';
import { asUser, clusterEnv, countCalls, resetCalls, slurmShims, workspace, write } from './cluster.mjs';
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

function workflowYaml(name) {
  const lines = [`version: 1`, `name: ${name}`, `profile: { base: slurm, siteFileSystems: [/sfglobal] }`, `defaults: { account: m1234, qos: regular, time: "00:05:00" }`, `images: { box: "${IMAGE}" }`, `jobs:`];
  if (SHAPE === 'snake') {
    lines.push(`  root: { image: box, command: "true" }`);
    for (let i = 0; i < FANOUT; i++) lines.push(`  fan${i}: { needs: [root], image: box, command: "true" }`);
    lines.push(`  join: { needs: [${Array.from({ length: FANOUT }, (_, i) => `fan${i}`).join(', ')}], image: box, command: "true" }`);
    for (let i = 0; i < CHAIN; i++) lines.push(`  link${i}: { needs: [${i === 0 ? 'join' : `link${i - 1}`}], image: box, command: "true" }`);
  } else {
    lines.push(`  fan: { image: box, matrix: { i: [${Array.from({ length: FANOUT }, (_, i) => i).join(', ')}] }, command: "true" }`);
    for (let i = 0; i < CHAIN; i++) lines.push(`  link${i}: { needs: [${i === 0 ? 'fan' : `link${i - 1}`}], image: box, command: "true" }`);
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

const rows = [];
const samples = { floor: [], sf: [] };
const calls = {};
for (let r = 0; r < RUNS; r++) {
  const floor = floorScript(`floor${r}`);
  for (const [n, text] of Object.entries(floor.files)) write(env, join(dir, `floor-job.${n}.sh`), text, 0o755);
  write(env, join(dir, 'floor.sh'), floor.script, 0o755);
  resetCalls(dir);
  samples.floor.push(asUser(env, dir, ['bash', 'floor.sh'], shims).ms);
  calls.floor = countCalls(dir);

  write(env, join(dir, 'dag.yaml'), workflowYaml(`sf${r}`));
  resetCalls(dir);
  samples.sf.push(asUser(env, dir, [process.execPath, join(root, 'bin/shifterflow.js'), 'run', 'dag.yaml', '--poll-ms', '250,2000'], shims).ms);
  calls.sf = countCalls(dir);
}
const { stats } = await import('./lib.mjs');
const floor = stats(samples.floor);
const sf = stats(samples.sf);
rows.push([`hand-written sbatch chain (floor)`, floor], [`shifterflow run`, sf]);
const jobs = SHAPE === 'snake' ? 2 + FANOUT + CHAIN : 1 + CHAIN;
console.log(`shape ${SHAPE}: ${SHAPE === 'snake' ? `root -> ${FANOUT} -> join -> ${CHAIN}-chain (${jobs} jobs)` : `${FANOUT}-task array -> ${CHAIN}-job chain (${jobs} job templates)`}; cluster: 3 nodes`);
report('P3 real Slurm', rows, [{ label: 'shifterflow / floor', value: sf.median / floor.median, target: '<= 1.1x', ok: (v) => v <= 1.1 }]);
console.log(`  Slurm calls, floor:       ${JSON.stringify(calls.floor)}`);
// Every poll makes exactly one sacct call, so sacct counts the polls.
console.log(`  Slurm calls, shifterflow: ${JSON.stringify(calls.sf)}: sbatch ${calls.sf.sbatch} for ${jobs} job templates; ${((calls.sf.squeue + calls.sf.sacct) / Math.max(1, calls.sf.sacct)).toFixed(2)} queries per poll over ${calls.sf.sacct} polls in ${(sf.median / 1000).toFixed(0)} s`);
