// Seeded editor-like edits of workflow files, for the tests that compare re-validation after an
// edit with validation from scratch. Besides the fuzzer's mutations (fuzz.ts) they do what people do
// to a workflow: add, remove and rename jobs, change needs, indent, comment, type at the start or the
// end, and what breaks the split (a `---`, a second `jobs:`, a tab, a key at column 0).

import { mutate } from './fuzz';

type Random = () => number;
type Edit = (text: string, random: Random) => string;

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)];

/** Offsets where a line starts (0 included). */
function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** Job key lines of a block-style file (two-space indentation, as in the examples). */
function jobKeys(text: string): { at: number; name: string }[] {
  return [...text.matchAll(/^ {2}([A-Za-z0-9_.-]+):/gm)].filter((m) => text.lastIndexOf('\njobs:', m.index) !== -1).map((m) => ({ at: m.index ?? 0, name: m[1] }));
}

const insertAt = (text: string, at: number, s: string): string => text.slice(0, at) + s + text.slice(at);

const EDITS: Record<string, Edit> = {
  fuzz: (t, r) => mutate(t, r, 1),
  typeCharacter: (t, r) => insertAt(t, Math.floor(r() * (t.length + 1)), pick(['a', '1', ' ', '\n', ':', '-', '#', '"', '[', ']', ',', '0'], r)),
  deleteCharacters: (t, r) => {
    const at = Math.floor(r() * t.length);
    return t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 3));
  },
  addJob: (t, r) => {
    const keys = jobKeys(t);
    const at = keys.length > 0 && r() < 0.7 ? pick(keys, r).at : t.length;
    const needs = keys.length > 0 && r() < 0.6 ? `    needs: [${pick(keys, r).name}]\n` : '';
    const sep = at === t.length && !t.endsWith('\n') ? '\n' : '';
    return insertAt(t, at, `${sep}  added${Math.floor(r() * 5)}:\n${needs}    image: docker:ubuntu:22.04\n    command: echo added\n`);
  },
  removeJob: (t, r) => {
    const keys = jobKeys(t);
    if (keys.length === 0) return t;
    const k = Math.floor(r() * keys.length);
    const end = k + 1 < keys.length ? keys[k + 1].at : t.length;
    return t.slice(0, keys[k].at) + t.slice(end);
  },
  renameJob: (t, r) => {
    const keys = jobKeys(t);
    if (keys.length === 0) return t;
    const { at, name } = pick(keys, r);
    const other = keys.length > 1 && r() < 0.3 ? pick(keys, r).name : `${name}${pick(['x', '2', ''], r)}`;
    return t.slice(0, at + 2) + other + t.slice(at + 2 + name.length);
  },
  changeNeeds: (t, r) => {
    const keys = jobKeys(t);
    if (keys.length === 0) return t;
    const names = [...keys.map((k) => k.name), 'missing'];
    const list = `    needs: [${Array.from({ length: Math.floor(r() * 3) }, () => pick(names, r)).join(', ')}]\n`;
    const existing = [...t.matchAll(/^ {4}needs:.*\n/gm)];
    if (existing.length > 0 && r() < 0.6) {
      const m = pick(existing, r);
      return t.slice(0, m.index) + (r() < 0.2 ? '' : list) + t.slice((m.index ?? 0) + m[0].length);
    }
    const key = pick(keys, r);
    const lineEnd = t.indexOf('\n', key.at);
    return lineEnd === -1 ? t : insertAt(t, lineEnd + 1, list);
  },
  indent: (t, r) => {
    const at = pick(lineStarts(t), r);
    return r() < 0.5 ? insertAt(t, at, pick([' ', '  ', '\t'], r)) : t.slice(0, at) + t.slice(at).replace(/^ {1,2}/, '');
  },
  documentMarker: (t, r) => insertAt(t, pick(lineStarts(t), r), pick(['---\n', '...\n', '%YAML 1.2\n', '--- # x\n'], r)),
  comment: (t, r) => insertAt(t, pick(lineStarts(t), r), pick(['# note\n', '  # note\n', '    # note: x\n', '#\n', '\n'], r)),
  columnZeroKey: (t, r) => insertAt(t, pick(lineStarts(t), r), pick(['jobs:\n', 'volumes:\n  v: { source: /global/x, target: /x }\n', 'name: again\n', 'env: { A: "${{ matrix.x }}" }\n'], r)),
  atStart: (t, r) => (r() < 0.5 ? pick(['# top\n', 'x', '\n', ' ', 'jobs:\n'], r) + t : t.slice(1 + Math.floor(r() * 4))),
  atEnd: (t, r) => (r() < 0.6 ? t + pick(['\n', '  late:\n    command: echo\n', '    nodes: 0\n', 'profile: local\n', '# end', 'x'], r) : t.slice(0, Math.max(0, t.length - 1 - Math.floor(r() * 4)))),
  lineEnding: (t, r) => {
    const at = pick(lineStarts(t), r);
    const nl = t.indexOf('\n', at);
    return nl <= at ? t : t.slice(0, nl) + (t[nl - 1] === '\r' ? '' : '\r') + t.slice(nl);
  },
  matrixKey: (t, r) => {
    const keys = jobKeys(t);
    if (keys.length === 0) return t;
    const lineEnd = t.indexOf('\n', pick(keys, r).at);
    return lineEnd === -1 ? t : insertAt(t, lineEnd + 1, pick(['    matrix: { x: [1, 2] }\n', '    matrix: { y: [a] }\n', '    command: run ${{ matrix.x }}\n'], r));
  },
  anchor: (t, r) => {
    const keys = jobKeys(t);
    if (keys.length < 2) return t;
    const a = pick(keys, r);
    const lineEnd = t.indexOf('\n', a.at);
    return lineEnd === -1 ? t : t.slice(0, lineEnd) + ' &shared' + t.slice(lineEnd) + `  aliased: *shared\n`;
  },
};

export const EDIT_KINDS = Object.keys(EDITS);

/** One random edit of the text; `kind` says which, for messages. */
export function randomEdit(text: string, random: Random): { kind: string; text: string } {
  const kind = pick(EDIT_KINDS, random);
  return { kind, text: EDITS[kind](text, random) };
}

/** A workflow of `jobs` jobs in the layout of bench/generate-workflow.mjs, optionally with header keys after the jobs. */
export function generatedWorkflow(jobs: number, trailer = false): string {
  const head = ['version: 1', 'name: gen', 'profile: nersc', 'defaults: { qos: regular, account: m1234, time: "00:30:00" }', 'images:', '  workflow: docker:myorg/workflow:1.2'];
  const volumes = ['volumes:', '  data: { source: /global/cscratch1/sd/alice/data, target: /data/in, readOnly: true }'];
  const body = ['jobs:'];
  for (let i = 0; i < jobs; i++) {
    body.push(`  job${i}:`, ...(i > 0 ? [`    needs: [job${i - 1}${i > 3 ? `, job${i - 3}` : ''}]`] : []), '    image: workflow', '    volumes: [data]');
    if (i % 3 === 0) body.push('    matrix:', '      sample: [a, b]', '    command: python analyze.py ${{ matrix.sample }}');
    else body.push('    steps:', '      - name: work', '        nodes: 2', `        command: worker.sh --stage ${i}`);
  }
  return [...head, ...(trailer ? [] : volumes), ...body, ...(trailer ? volumes : [])].join('\n') + '\n';
}
