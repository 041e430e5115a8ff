import { renderGraph, type GraphFormat } from '../render';
import { parse } from './args';
import { loadPlan } from './render-command';
import { UserError } from '../user-error';

export const GRAPH_USAGE = `Usage: shifterflow graph FILE [--format mermaid|dot] [--profile P]

Validates the workflow and prints its job graph (an edge from each job to the jobs that need it):
Mermaid by default (paste it into Markdown), or Graphviz DOT (dot -Tsvg).

Options:
  --format F    mermaid (default) or dot
  --profile P   plan with this built-in profile (nersc, slurm, local) instead of the file's
  -h, --help`;

export function graphCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, { format: { type: 'string' }, profile: { type: 'string' } }, GRAPH_USAGE);
  if (values.help) {
    process.stdout.write(GRAPH_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`give exactly one workflow file\n\n${GRAPH_USAGE}`);
  const format = (values.format as string | undefined) ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') throw new UserError(`unknown format "${format}" (mermaid or dot)`);
  const { plan } = loadPlan(positionals[0], values.profile as string | undefined);
  if (!plan) return 1;
  process.stdout.write(renderGraph(plan, format as GraphFormat));
  return 0;
}
