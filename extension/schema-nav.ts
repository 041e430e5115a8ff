// Walks the JSON Schemas in schemas/ (the single source of truth for the file format) along a JSON
// path, following $ref between the four files and through anyOf/oneOf, for completion and hover.

import type { JsonPath } from '../runner/workflow/finding';

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  required?: string[];
  $defs?: Record<string, SchemaNode>;
}

interface Located {
  node: SchemaNode;
  file: string;
}

let files: Record<string, SchemaNode> | undefined;

function schemas(): Record<string, SchemaNode> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  files ??= {
    'workflow.schema.json': require('../schemas/workflow.schema.json') as SchemaNode,
    'job.schema.json': require('../schemas/job.schema.json') as SchemaNode,
    'volume.schema.json': require('../schemas/volume.schema.json') as SchemaNode,
    'image-ref.schema.json': require('../schemas/image-ref.schema.json') as SchemaNode,
  };
  return files;
}

function deref(at: Located, depth = 0): Located {
  const ref = at.node.$ref;
  if (!ref || depth > 20) return at;
  const [fileRef, pointer] = ref.split('#');
  const file = fileRef ? fileRef.split('/').pop()! : at.file;
  let node: SchemaNode | undefined = schemas()[file];
  for (const seg of (pointer ?? '').split('/').filter(Boolean)) node = (node as Record<string, SchemaNode> | undefined)?.[decodeURIComponent(seg)];
  if (!node) return at;
  // A $ref beside a description: the local description wins (schemas/ use this for `nodes`).
  const merged: SchemaNode = { ...node, ...(at.node.description ? { description: at.node.description } : {}), ...(at.node.examples ? { examples: at.node.examples } : {}) };
  delete merged.$ref;
  return deref({ node: { ...merged, $ref: node.$ref }, file }, depth + 1);
}

function branches(at: Located): Located[] {
  const d = deref(at);
  const alts = [...(d.node.anyOf ?? []), ...(d.node.oneOf ?? [])];
  if (alts.length === 0) return [d];
  return [d, ...alts.flatMap((n) => branches({ node: n, file: d.file }))];
}

/** The schemas (alternatives included) that describe the value at `path`. */
export function schemasAt(path: JsonPath): SchemaNode[] {
  let current: Located[] = [{ node: schemas()['workflow.schema.json'], file: 'workflow.schema.json' }];
  for (const seg of path) {
    const next: Located[] = [];
    for (const at of current.flatMap(branches)) {
      const n = at.node;
      if (typeof seg === 'number') {
        if (n.items) next.push({ node: n.items, file: at.file });
      } else if (n.properties?.[seg]) next.push({ node: n.properties[seg], file: at.file });
      else if (n.additionalProperties && typeof n.additionalProperties === 'object') next.push({ node: n.additionalProperties, file: at.file });
    }
    if (next.length === 0) return [];
    current = next;
  }
  return current.flatMap(branches).map((l) => l.node);
}

/** Keys a mapping at `path` may have, with their schema. */
export function keysAt(path: JsonPath): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  for (const s of schemasAt(path)) {
    for (const [k, v] of Object.entries(s.properties ?? {})) if (!out.has(k)) out.set(k, schemasAt([...path, k])[0] ?? v);
  }
  return out;
}

export function describe(path: JsonPath): string | undefined {
  return schemasAt(path).find((s) => s.description)?.description;
}

/** Literal values the schema allows or suggests at `path`: enum/const first, then booleans, then examples. */
export function valuesAt(path: JsonPath): { value: string; kind: 'enum' | 'example' }[] {
  const seen = new Set<string>();
  const out: { value: string; kind: 'enum' | 'example' }[] = [];
  const add = (v: unknown, kind: 'enum' | 'example') => {
    if (v === null || typeof v === 'object') return;
    const text = String(v);
    if (seen.has(text)) return;
    seen.add(text);
    out.push({ value: text, kind });
  };
  const all = schemasAt(path);
  for (const s of all) {
    for (const e of s.enum ?? []) add(e, 'enum');
    if (s.const !== undefined) add(s.const, 'enum');
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.includes('boolean')) {
      add(true, 'enum');
      add(false, 'enum');
    }
  }
  for (const s of all) for (const e of s.examples ?? []) add(e, 'example');
  return out;
}

export function isObjectSchema(s: SchemaNode | undefined): boolean {
  if (!s) return false;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return types.includes('object') || !!s.properties;
}

export function isArraySchema(s: SchemaNode | undefined): boolean {
  if (!s) return false;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return types.includes('array') || !!s.items;
}
