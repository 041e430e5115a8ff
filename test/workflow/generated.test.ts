import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..', '..');

describe('code generated from schemas/', () => {
  it('is up to date (run `npm run build` after editing a schema)', async () => {
    // A real dynamic import: tsc would turn `import()` into require(), which cannot load an ES module.
    const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;
    const gen = (await importModule(pathToFileURL(join(root, 'scripts', 'gen-schema-code.mjs')).href)) as { generate(): Promise<Record<string, string>> };
    for (const [path, text] of Object.entries(await gen.generate())) {
      assert.equal(readFileSync(path, 'utf8'), text, `${path} is stale`);
    }
  });

  it('every schema property has a description and examples (they become hover text)', () => {
    const missing: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties && typeof n.properties === 'object') {
        for (const [key, prop] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          const p = prop.$ref && !prop.description ? undefined : prop;
          if (p && (typeof p.description !== 'string' || !Array.isArray(p.examples))) missing.push(`${where}.${key}`);
        }
      }
      for (const [k, v] of Object.entries(n)) if (k !== 'examples') visit(v, `${where}.${k}`);
    };
    for (const f of ['workflow', 'job', 'volume', 'image-ref']) {
      const schema = JSON.parse(readFileSync(join(root, 'schemas', `${f}.schema.json`), 'utf8'));
      assert.match(schema.$id, /^https:\/\/shifterflow\.dev\/schemas\/v1\//);
      visit(schema, f);
    }
    assert.deepEqual(missing, []);
  });
});
