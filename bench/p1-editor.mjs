// P1, the editor path, in-process: full validation of a generated 2,000-job workflow and
// re-validation after a one-line edit, shifterflow versus yaml-language-server with the same schemas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWorkflow } from './generate-workflow.mjs';
import { report, require, root, time } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const { validateText } = require(join(root, 'out/runner/workflow/validate.js'));
const { getLanguageService } = require('yaml-language-server');
const { TextDocument } = require('vscode-languageserver-textdocument');

const text = generateWorkflow(2000);
console.log(`input: ${text.split('\n').length} lines, ${(text.length / 1e6).toFixed(2)} MB, 2000 jobs`);
// A one-line edit in the middle of the file that introduces an error (the interesting case).
const edited = (i) => text.replace('worker.sh --stage 1001\n', `worker.sh --stage 1001\n        cpusPerTask: ${i % 2 === 0 ? 0 : 1}\n`);

// shifterflow: a fresh validation each time; then edits against the previous result.
const full = await time(() => validateText(text, 'big.yaml'), RUNS);
let previous = validateText(text, 'big.yaml');
const edit = await time((i) => {
  previous = validateText(edited(i), 'big.yaml', { previous });
}, RUNS * 3);
const check = validateText(edited(0), 'big.yaml').diagnostics.filter((d) => d.severity === 'error');
if (check.length !== 1 || check[0].code !== 'SF003') throw new Error(`expected one SF003 after the edit, got ${JSON.stringify(check.map((d) => d.code))}`);

// yaml-language-server: a new document version each time, as after an edit.
const schemas = {};
for (const f of ['workflow', 'job', 'volume', 'image-ref']) {
  const s = JSON.parse(readFileSync(join(root, 'schemas', `${f}.schema.json`), 'utf8'));
  schemas[s.$id] = JSON.stringify(s);
}
const ls = getLanguageService({
  schemaRequestService: async (uri) => schemas[uri] ?? Promise.reject(new Error(`unknown schema ${uri}`)),
  workspaceContext: { resolveRelativePath: (rel, res) => new URL(rel, res).toString() },
});
ls.configure({ validate: true, schemas: [{ uri: 'https://shifterflow.dev/schemas/v1/workflow.schema.json', fileMatch: ['*.yaml'] }] });
let version = 1;
const yls = (t) => ls.doValidation(TextDocument.create('file:///big.yaml', 'yaml', version++, t), false);
const ylsDiags = await yls(edited(0));
if (ylsDiags.length !== 1) throw new Error(`yaml-language-server found ${ylsDiags.length} problems after the edit`);
const ylsFull = await time(() => yls(text), Math.max(3, Math.ceil(RUNS / 2)));
const ylsEdit = await time((i) => yls(edited(i)), Math.max(3, Math.ceil(RUNS / 2)));

report('P1 editor path (in-process)', [
  ['shifterflow full validation', full],
  ['shifterflow re-validation after a one-line edit', edit],
  ['yaml-language-server full validation', ylsFull],
  ['yaml-language-server after a one-line edit', ylsEdit],
], [
  { label: 'full: yaml-language-server / shifterflow', value: ylsFull.median / full.median, target: '>= 5x', ok: (v) => v >= 5 },
  { label: 'edit: yaml-language-server / shifterflow', value: ylsEdit.median / edit.median },
]);
console.log(`  shifterflow after an edit: ${edit.median.toFixed(1)} ms (target <= 10 ms: ${edit.median <= 10 ? 'meets' : 'MISSES'})`);
