// `shifterflow images check REF... [--json] [--mpi]`: each image read from its registry and checked
// against Shifter's rules. Exit 0 without errors, 1 with; bad input is a clear error (RegistryError is
// a UserError), never a stack trace.

import { checkImage, type ImageCheckResult } from '../imagecheck/check-image';
import { hasImageErrors, listPaths } from '../imagecheck/finding';
import { registryOpener } from '../imagecheck/registry-open';
import { parse } from './args';
import { UserError } from '../user-error';

export const IMAGES_CHECK_USAGE = `Usage: shifterflow images check REF... [--json] [--mpi]

Reads each image from its registry (no daemon, nothing unpacked; SHIFTERFLOW_REGISTRY and
SHIFTERFLOW_REGISTRY_TLS_VERIFY as for local runs) and checks it against Shifter's rules: one line
per finding, REF: SEVERITY SIxxx message, its paths and the fix. --mpi checks as for an MPI job.
Exits 1 when an image has an error. Results are cached per image digest: checking an image again
costs one HEAD request of its tag.`;

export async function imagesCheckCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, mpi: { type: 'boolean' } }, IMAGES_CHECK_USAGE);
  if (values.help) {
    process.stdout.write(IMAGES_CHECK_USAGE + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new UserError(`give at least one image reference\n\n${IMAGES_CHECK_USAGE}`);
  // SHIFTERFLOW_PROGRESS=1: the same lines for a caller that reads them without a terminal (the editor).
  const tty = process.stderr.isTTY === true || process.env.SHIFTERFLOW_PROGRESS === '1';
  const results: ImageCheckResult[] = [];
  for (const ref of positionals) {
    const r = await checkImage(ref, { mpi: values.mpi === true }, {
      ...registryOpener(),
      onLayer: tty ? (p) => process.stderr.write(`${ref}: layer ${p.layer + 1}/${p.layers} (${(p.size / 1024 ** 2).toFixed(1)} MB)\n`) : undefined,
    });
    results.push(r);
    if (!values.json) process.stdout.write(formatResult(r));
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(results.map(({ facts: _f, ...r }) => r), null, 2) + '\n');
  }
  return results.some((r) => hasImageErrors(r.findings)) ? 1 : 0;
}

export function formatResult(r: ImageCheckResult): string {
  if (r.findings.length === 0) return `${r.reference}: ok (${r.digest ?? ''})\n`;
  return r.findings
    .map((f) => `${r.reference}: ${f.severity} ${f.code} ${f.message}\n${f.count > 0 ? `    paths: ${listPaths(f)}\n` : ''}    fix: ${f.fix}\n`)
    .join('');
}
