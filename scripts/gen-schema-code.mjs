// Generates, from schemas/ (the single source of truth):
//  - runner/workflow/generated/schema-types.ts: TypeScript types of the file format;
//  - runner/workflow/generated/validate-workflow.js: ajv's standalone validator, so that no schema is
//    compiled at start-up (compiling costs ~50 ms of a CLI's cold start).
// Run by scripts/build.mjs; the outputs are committed and a test checks they are up to date.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
const outDir = join(root, 'runner', 'workflow', 'generated');

export function loadSchemas() {
  return readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort()
    .map((f) => JSON.parse(readFileSync(join(schemaDir, f), 'utf8')));
}

export function makeAjv(opts = {}) {
  const Ajv2020 = require('ajv/dist/2020').default;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, ...opts });
  // yaml-language-server's keyword: the message shown when `pattern` fails. Annotation only.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  for (const s of loadSchemas()) ajv.addSchema(s);
  return ajv;
}

async function generateTypes() {
  const { compile } = await import('json-schema-to-typescript');
  const wf = JSON.parse(readFileSync(join(schemaDir, 'workflow.schema.json'), 'utf8'));
  const ts = await compile(wf, 'Workflow', {
    cwd: schemaDir,
    bannerComment: '/* Generated from schemas/*.schema.json by scripts/gen-schema-code.mjs. Do not edit. */',
    additionalProperties: false,
    style: { singleQuote: true },
  });
  return ts;
}

function generateValidator() {
  const standalone = require('ajv/dist/standalone').default;
  const ajv = makeAjv({ verbose: true, code: { source: true, optimize: true } });
  const code = standalone(ajv, {
    validateWorkflow: 'https://shifterflow.dev/schemas/v1/workflow.schema.json',
    validateJob: 'https://shifterflow.dev/schemas/v1/job.schema.json',
  });
  return '// @ts-nocheck\n/* Generated from schemas/*.schema.json by scripts/gen-schema-code.mjs. Do not edit. */\n' + code;
}

export async function generate() {
  return {
    [join(outDir, 'schema-types.ts')]: await generateTypes(),
    [join(outDir, 'validate-workflow.ts')]: generateValidator(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await generate();
  for (const [path, text] of Object.entries(files)) writeFileSync(path, text);
}
