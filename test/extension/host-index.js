// Loaded by the real extension host as `extensionTestsPath`: runs the compiled @exthost suites
// (out/test/extension/<dir>/*.exthost.js) with mocha 12, which is an ES module here, so it is loaded
// with a real import() (this file is plain CommonJS, not compiled by tsc, which would turn it into require).
'use strict';
const { readdirSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const repo = resolve(__dirname, '..', '..');

async function runSuites(dir) {
  const Mocha = (await import('mocha')).default;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const root = join(repo, 'out', 'test', 'extension', dir);
  if (!existsSync(root)) throw new Error(`no compiled suites in ${root}: run node scripts/build.mjs first`);
  const files = readdirSync(root).filter((f) => f.endsWith('.exthost.js')).sort();
  if (files.length === 0) throw new Error(`no *.exthost.js suites in ${root}`);
  for (const f of files) mocha.addFile(join(root, f));
  await mocha.loadFilesAsync();
  const failures = await new Promise((done) => mocha.run(done));
  console.log(`exthost ${dir}: ${failures} failure(s)`);
  if (failures > 0) throw new Error(`${failures} @exthost test(s) failed`);
}

module.exports = { runSuites, run: () => runSuites(process.env.SHIFTERFLOW_EXTHOST_SUITE || 'suite') };
