// The graph files make between jobs: SF053, an output two jobs (or two elements of one matrix)
// declare, reported at both; SF054, a cycle that goes through at least one file (a job reading an
// output of a job that waits for it, or its own), named like the needs cycles of SF033 (one
// depth-first walk, needs-graph.ts). Paths are compared resolved, per matrix element.

import type { Finding, JsonPath } from '../finding';
import { declaredPaths, elementsOf, resolvedIn } from './declared-files';
import { backEdges, needEdges } from './needs-graph';
import { isGlobPattern } from '../../plan/files';
import { jobsOf, printable, type Rule } from './rule';

interface Written {
  job: number;
  element: number;
  name: string;
  path: JsonPath;
}

interface Edge {
  to: number;
  /** Where the wait is written: an entry of `needs`, or the input that reads the output. */
  path: JsonPath;
  file?: { input: string; output: string; host: string };
}

export const fileGraph: Rule = ({ value, workflowDir }) => {
  const jobs = jobsOf(value);
  const declared = jobs.map(declaredPaths);
  if (declared.every((d) => d.length === 0)) return [];
  const elements = jobs.map(elementsOf);
  const findings: Finding[] = [];

  const writers = new Map<string, Written>();
  const reported = new Set<string>();
  jobs.forEach((entry, j) => {
    for (const d of declared[j]) {
      if (d.kind !== 'outputs') continue;
      elements[j].forEach((values, element) => {
        const host = resolvedIn(d.text, values, workflowDir);
        if (host === undefined) return;
        const first = writers.get(host);
        if (!first) return void writers.set(host, { job: j, element, name: d.name, path: d.path });
        if (first.job === j && first.path.join('\0') === d.path.join('\0') && first.element !== element) {
          if (!reported.has(`${host}\0same`)) {
            reported.add(`${host}\0same`);
            findings.push({ code: 'SF053', message: `Output ${d.name} of job "${entry.name}" is ${printable(host)} for more than one matrix element: each element would overwrite the others'. Put \${{ matrix.KEY }} in the path.`, path: d.path });
          }
          return;
        }
        if (reported.has(host)) return;
        reported.add(host);
        const other = jobs[first.job].name;
        findings.push(
          { code: 'SF053', message: `Output ${first.name} of job "${other}" (${printable(host)}) is also declared by job "${entry.name}" (output ${d.name}): only one job may write a file.`, path: first.path },
          { code: 'SF053', message: `Output ${d.name} of job "${entry.name}" (${printable(host)}) is also declared by job "${other}" (output ${first.name}): only one job may write a file.`, path: d.path },
        );
      });
    }
  });

  const edges: Edge[][] = needEdges(jobs).map((list, j) => list.map((e) => ({ to: e.to, path: ['jobs', jobs[j].name, 'needs', e.index] })));
  jobs.forEach((entry, j) => {
    for (const d of declared[j]) {
      if (d.kind !== 'inputs' || isGlobPattern(d.text)) continue;
      const seen = new Set<number>();
      for (const values of elements[j]) {
        const host = resolvedIn(d.text, values, workflowDir);
        const w = host === undefined ? undefined : writers.get(host);
        if (!w || seen.has(w.job)) continue;
        seen.add(w.job);
        if (w.job === j) {
          findings.push({ code: 'SF054', message: `Job "${entry.name}" reads its own output ${w.name} (${printable(host!)}) as input ${d.name}: it would wait for itself. Read a file another job writes, or drop the input.`, path: d.path });
          continue;
        }
        edges[j].push({ to: w.job, path: d.path, file: { input: d.name, output: w.name, host: host! } });
      }
    }
  });
  for (const { nodes, via } of backEdges(edges)) {
    const through = [...via].reverse().find((e) => e.file);
    if (!through) continue; // a cycle of needs alone is SF033's
    const names = nodes.map((i) => jobs[i].name);
    findings.push({
      code: 'SF054',
      message: `Jobs wait for each other in a cycle through files: ${names.join(' -> ')}, so Slurm would never start them (input ${through.file!.input} reads ${printable(through.file!.host)}, output ${through.file!.output} of "${jobs[through.to].name}"). Break the cycle: read a file written earlier, or remove a need.`,
      path: through.path,
    });
  }
  return findings;
};
