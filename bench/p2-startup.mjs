// P2, start-up: `shifterflow validate` on a small file, cold, versus bare `node -e 0` in the same run;
// and `shifterflow render` of the 200-job peer DAG (root -> 150 -> join -> 48-chain, bench/dag.mjs)
// versus `snakemake -n` (dry run) on the equivalent 200-rule Snakefile (Debian's snakemake 7.21).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snakefile, snakeWorkflowYaml } from './dag.mjs';
import { report, root, timeCommand } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const node = timeCommand([process.execPath, '-e', '0'], RUNS);
const validate = timeCommand([process.execPath, join(root, 'bin/shifterflow.js'), 'validate', join(root, 'examples/hello.yaml')], RUNS);
report('P2 cold start', [
  ['node -e 0', node],
  ['shifterflow validate examples/hello.yaml', validate],
], [{ label: 'shifterflow validate / node -e 0', value: validate.median / node.median, target: '<= 1.5x', ok: (v) => v <= 1.5 }]);

const snakemake = spawnSync('bash', ['-c', 'command -v snakemake'], { encoding: 'utf8' }).stdout.trim();
if (!snakemake) {
  console.log('\nP2 render vs snakemake -n: SKIPPED, no snakemake on PATH (apt-get install -y snakemake)');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'sf-p2-'));
  try {
    writeFileSync(join(dir, 'dag.yaml'), snakeWorkflowYaml());
    writeFileSync(join(dir, 'Snakefile'), snakefile());
    const sm = [snakemake, '-n', '--cores', '1', '--quiet', '-s', 'Snakefile'];
    const check = spawnSync(sm[0], sm.slice(1), { cwd: dir, encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`snakemake -n failed: ${check.stderr.slice(-2000)}`);
    const sf = [process.execPath, join(root, 'bin/shifterflow.js'), 'render', 'dag.yaml'];
    const sfCheck = spawnSync(sf[0], sf.slice(1), { cwd: dir, encoding: 'utf8' });
    if (sfCheck.status !== 0 || (sfCheck.stdout.match(/^#!\/bin\/bash/gm) ?? []).length !== 200) throw new Error(`shifterflow render did not print 200 scripts: ${sfCheck.stderr.slice(-2000)}`);
    const n = Math.max(3, Math.ceil(RUNS / 4));
    const render = timeCommand(sf, n, { cwd: dir });
    const dry = timeCommand(sm, n, { cwd: dir });
    report('P2 200-job DAG: shifterflow render versus snakemake -n', [
      ['shifterflow render dag.yaml (200 sbatch scripts)', render],
      [`snakemake -n (200 rules, ${spawnSync(snakemake, ['--version'], { encoding: 'utf8' }).stdout.trim()})`, dry],
    ], [{ label: 'snakemake -n / shifterflow render', value: dry.median / render.median, target: '>= 8x', ok: (v) => v >= 8 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
