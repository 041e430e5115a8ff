#!/usr/bin/env node
// The @exthost tests: the extension's mocha suites inside the REAL VS Code extension host (code-server
// 4.100.3 in headless Chromium, driven through @vscode/test-electron's runTests and code-shim.mjs),
// then one UI test through the browser (command palette -> "Shifter: Validate Workflow" -> the
// Problems panel shows the error, with a screenshot in test-results/).
//
//   bash test/extension/install-host.sh     # once: chromium, libkrb5-dev, code-server into a cache
//   node scripts/build.mjs                  # dist/extension.js and out/test/extension/
//   node test/extension/run-host-tests.mjs  [--only trusted|untrusted|ui]
//
// Exits non-zero when any part fails, and loudly when code-server or Chromium is missing.

import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findParts, freshProfile, launchChromium, openWorkbench, startCodeServer, stopProcess, workbenchUrl } from './host.mjs';
import { cacheLensUiTest } from './ui-cache-lens.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const results = [];

function fail(message) {
  console.error(`\nrun-host-tests: ${message}\n`);
  process.exit(1);
}

try {
  findParts();
} catch (err) {
  fail(err.message);
}
for (const f of ['dist/extension.js', 'out/test/extension/suite', 'out/test/extension/untrusted']) {
  if (!existsSync(join(repo, f))) fail(`${f} is missing: run node scripts/build.mjs first`);
}

/** A fresh copy of the fixture workspace, with the fake shifterimg (and its state) first on PATH. */
function prepareWorkspace() {
  const root = mkdtempSync(join(tmpdir(), 'sf-ws-'));
  const ws = join(root, 'workspace');
  cpSync(join(here, 'fixtures', 'workspace'), ws, { recursive: true });
  // VS Code's server resolves the login shell's environment for the extension host, which may put a
  // real shifterimg first on PATH: name the fake one in the workspace settings as well.
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'shifterflow.shifterimgPath': join(here, 'fixtures', 'bin', 'shifterimg') }, null, 2));
  const state = join(root, 'shifterimg-state');
  mkdirSync(state);
  const env = {
    PATH: `${join(here, 'fixtures', 'bin')}${delimiter}${process.env.PATH}`,
    FAKE_SHIFTERIMG_STATE: state,
    FAKE_SHIFTERIMG_POLL_MS: '200',
    SHIFTERFLOW_TEST_WORKSPACE: ws,
    SHIFTERFLOW_TEST_RESULTS: join(repo, 'test-results'),
  };
  return { root, ws, env };
}

async function runSuite(name, index, extraArgs) {
  const { runTests } = await import('@vscode/test-electron');
  const { root, ws, env } = prepareWorkspace();
  console.log(`\n=== @exthost ${name}: ${ws} ===`);
  const started = Date.now();
  let ok = false;
  try {
    await runTests({
      vscodeExecutablePath: join(here, 'code-shim.mjs'),
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(here, index),
      launchArgs: [ws, ...extraArgs],
      extensionTestsEnv: env,
      reuseMachineInstall: true,
    });
    ok = true;
  } catch (err) {
    console.error(`@exthost ${name} failed: ${err.message ?? err}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
}

/** Command palette -> "Shifter: Validate Workflow" -> the Problems panel lists SF012; screenshot. */
async function uiTest() {
  const name = 'ui: palette -> Validate Workflow -> Problems';
  console.log(`\n=== @exthost ${name} ===`);
  const started = Date.now();
  const parts = findParts();
  const { root, ws, env } = prepareWorkspace();
  const profile = freshProfile({ 'problems.autoReveal': false });
  let server;
  let browser;
  let ok = false;
  try {
    server = await startCodeServer({ entry: parts.entry, userDataDir: profile.userDataDir, extensionsDir: profile.extensionsDir, env: { ...process.env, ...env } });
    browser = await launchChromium(parts.chromium);
    const page = await openWorkbench(browser, workbenchUrl(server, { folder: ws, extensionDevelopmentPath: repo }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout: 60_000 });
    // Open the bad file through Quick Open, as a person would.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.type('bad.shifterflow.yaml');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'attached', timeout: 20_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1500);
    // F1, type the command, Enter.
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.type('Shifter: Validate Workflow');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Validate Workflow' }).first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.keyboard.press('Enter');
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ state: 'visible', timeout: 20_000 });
    const row = problems.locator('.monaco-list-row', { hasText: 'SF012' }).first();
    await row.waitFor({ state: 'attached', timeout: 20_000 });
    const text = await problems.innerText();
    mkdirSync(join(repo, 'test-results'), { recursive: true });
    const shot = join(repo, 'test-results', 'exthost-validate-problems.png');
    await page.screenshot({ path: shot });
    writeFileSync(join(repo, 'test-results', 'exthost-validate-problems.txt'), text);
    if (!/SF012/.test(text) || !/reserved by Shifter/.test(text)) throw new Error(`the Problems panel does not show SF012:\n${text}`);
    if (!/SF002/.test(text)) throw new Error(`the Problems panel does not show SF002:\n${text}`);
    console.log(`  ✔ the Problems panel shows SF012 and SF002 (screenshot ${shot})`);
    ok = true;
  } catch (err) {
    console.error(`  ✘ ${err.stack ?? err}`);
    try {
      const pages = browser?.contexts()[0]?.pages() ?? [];
      if (pages[0]) {
        mkdirSync(join(repo, 'test-results'), { recursive: true });
        await pages[0].screenshot({ path: join(repo, 'test-results', 'exthost-ui-failure.png') });
      }
    } catch {
      /* no screenshot */
    }
  } finally {
    try {
      await browser?.close();
    } catch {
      /* gone */
    }
    if (server) await stopProcess(server.child);
    rmSync(profile.root, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
}

/** Quick Open -> Dockerfile -> Problems panel (Ctrl+Shift+M) lists the SD codes; screenshot. */
async function dockerfileUiTest() {
  const name = 'ui: Dockerfile -> Problems';
  console.log(`\n=== @exthost ${name} ===`);
  const started = Date.now();
  const parts = findParts();
  const { root, ws, env } = prepareWorkspace();
  const profile = freshProfile({ 'problems.autoReveal': false });
  let server;
  let browser;
  let ok = false;
  try {
    server = await startCodeServer({ entry: parts.entry, userDataDir: profile.userDataDir, extensionsDir: profile.extensionsDir, env: { ...process.env, ...env } });
    browser = await launchChromium(parts.chromium);
    const page = await openWorkbench(browser, workbenchUrl(server, { folder: ws, extensionDevelopmentPath: repo }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout: 60_000 });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.type('Dockerfile');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'attached', timeout: 20_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1500);
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ state: 'visible', timeout: 20_000 });
    await problems.locator('.monaco-list-row', { hasText: 'SD001' }).first().waitFor({ state: 'attached', timeout: 20_000 });
    await page.waitForTimeout(500);
    const text = await problems.innerText();
    mkdirSync(join(repo, 'test-results'), { recursive: true });
    const shot = join(repo, 'test-results', 'exthost-dockerfile-problems.png');
    await page.screenshot({ path: shot });
    writeFileSync(join(repo, 'test-results', 'exthost-dockerfile-problems.txt'), text);
    // The panel's list is virtual: the rows in view (the first six of eleven), and the file's count.
    for (const code of ['SD001', 'SD002', 'SD003', 'SD007', 'SD009']) if (!text.includes(code)) throw new Error(`the Problems panel does not show ${code}:\n${text}`);
    if (!/Dockerfile\s+11\b/.test(text)) throw new Error(`the Problems panel does not count 11 problems in the Dockerfile:\n${text}`);
    console.log(`  ✔ the Problems panel shows the Dockerfile's SD codes (screenshot ${shot})`);
    ok = true;
  } catch (err) {
    console.error(`  ✘ ${err.stack ?? err}`);
  } finally {
    try {
      await browser?.close();
    } catch {
      /* gone */
    }
    if (server) await stopProcess(server.child);
    rmSync(profile.root, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
}

if (!only || only === 'trusted') await runSuite('trusted workspace', 'host-index.js', []);
if (!only || only === 'untrusted') await runSuite('untrusted workspace', 'host-index-untrusted.js', ['--untrusted']);
if (!only || only === 'ui') await uiTest();
if (!only || only === 'ui' || only === 'dockerfile-ui') await dockerfileUiTest();
if (!only || only === 'ui' || only === 'cache-lens-ui') results.push(await cacheLensUiTest(repo, prepareWorkspace));

console.log('\n@exthost summary:');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`exthost: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
