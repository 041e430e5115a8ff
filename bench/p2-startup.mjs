// P2, start-up: `shifterflow validate` on a small file, cold, versus bare `node -e 0` in the same run.
import { join } from 'node:path';
import { report, root, timeCommand } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const node = timeCommand([process.execPath, '-e', '0'], RUNS);
const validate = timeCommand([process.execPath, join(root, 'bin/shifterflow.js'), 'validate', join(root, 'examples/hello.yaml')], RUNS);
report('P2 cold start', [
  ['node -e 0', node],
  ['shifterflow validate examples/hello.yaml', validate],
], [{ label: 'shifterflow validate / node -e 0', value: validate.median / node.median, target: '<= 1.5x', ok: (v) => v <= 1.5 }]);
