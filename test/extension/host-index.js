// Loaded by the real extension host as `extensionTestsPath`: runs the compiled @exthost suites
// (out/test/extension/<dir>/*.exthost.js) with mocha 12, which is an ES module here, so it is loaded
// with a real import() (this file is plain CommonJS, not compiled by tsc, which would turn it into require).
'use strict';
const { readdirSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const repo = resolve(__dirname, '..', '..');

const MARK = '[sf-exthost] ';

const log = (...a) => console.log(MARK + require('node:util').format(...a));

async function runSuites(dir) {
  await runMocha(dir);
}

async function runMocha(dir) {
  const Mocha = (await import('mocha')).default;
  // The host's console reaches the page as log records among the workbench's own: mark the reporter's
  // lines, formatted, so that code-shim.mjs prints exactly those.
  Mocha.reporters.Base.consoleLog = log;
  globalThis.sfExthostLog = log;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const root = join(repo, 'out', 'test', 'extension', dir);
  if (!existsSync(root)) throw new Error(`no compiled suites in ${root}: run node scripts/build.mjs first`);
  // SHIFTERFLOW_EXTHOST_FILES=PREFIX keeps the suites whose file names start with it (one benchmark of
  // bench/, or one suite while working on it).
  const prefix = process.env.SHIFTERFLOW_EXTHOST_FILES ?? '';
  const files = readdirSync(root).filter((f) => f.endsWith('.exthost.js') && f.startsWith(prefix)).sort();
  if (files.length === 0) throw new Error(`no *.exthost.js suites${prefix ? ` starting with ${prefix}` : ''} in ${root}`);
  for (const f of files) mocha.addFile(join(root, f));
  await mocha.loadFilesAsync();
  const failures = await new Promise((done) => mocha.run(done));
  log(`exthost ${dir}: ${failures} failure(s)`);
  if (failures > 0) throw new Error(`${failures} @exthost test(s) failed`);
}

module.exports = { runSuites, run: () => runSuites(process.env.SHIFTERFLOW_EXTHOST_SUITE || 'suite') };
