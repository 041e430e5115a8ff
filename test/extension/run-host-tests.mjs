#!/usr/bin/env node
// The @exthost tests: the extension's mocha suites inside the REAL VS Code extension host (code-server
// 4.100.3 in headless Chromium, driven through @vscode/test-electron's runTests and code-shim.mjs),
// then UI tests through the browser (command palette -> "Shifter: Validate Workflow" -> the Problems
// panel shows the error; a Dockerfile's SD codes; "Check Image for Shifter" against the test cluster's
// registry -> SI codes; each with a screenshot in test-results/).
//
//   bash test/extension/install-host.sh     # once: chromium, libkrb5-dev, code-server into a cache
//   node scripts/build.mjs                  # dist/extension.js and out/test/extension/
//   node test/extension/run-host-tests.mjs  [--only trusted|untrusted|ui|dockerfile-ui|image-check-ui]
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
    // Image checks (Check Image for Shifter) keep their facts here, not in the user's cache.
    SHIFTERFLOW_IMAGE_CHECK_CACHE: join(root, 'image-check-cache'),
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

/**
 * code-server on the session's workspace, the workbench in Chromium, then `file` opened through Quick
 * Open as a person would; resolves with the page once the editor shows it.
 */
async function openFileInWorkbench(session, file) {
  const parts = findParts();
  session.server = await startCodeServer({ entry: parts.entry, userDataDir: session.profile.userDataDir, extensionsDir: session.profile.extensionsDir, env: { ...process.env, ...session.env } });
  session.browser = await launchChromium(parts.chromium);
  const page = await openWorkbench(session.browser, workbenchUrl(session.server, { folder: session.ws, extensionDevelopmentPath: repo }));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout: 60_000 });
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.type(file);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'attached', timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
  await page.waitForTimeout(1500);
  return page;
}

/** F1, the command's title typed, Enter. */
async function runFromPalette(page, title) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.type(`Shifter: ${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'attached', timeout: 30_000 });
  await page.keyboard.press('Enter');
}

/** The Problems panel's text once a row with `code` is there, and its screenshot as test-results/NAME.png (text in NAME.txt). */
async function problemsWith(page, code, name) {
  const problems = page.locator('.markers-panel');
  await problems.waitFor({ state: 'visible', timeout: 20_000 });
  await problems.locator('.monaco-list-row', { hasText: code }).first().waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForTimeout(500);
  const text = await problems.innerText();
  mkdirSync(join(repo, 'test-results'), { recursive: true });
  const shot = join(repo, 'test-results', `${name}.png`);
  await page.screenshot({ path: shot });
  writeFileSync(join(repo, 'test-results', `${name}.txt`), text);
  return { text, shot };
}

/** One UI test: a fresh workspace (made ready by `prepare`), `file` open in the workbench, then `body(page)`; a failure leaves a screenshot. */
async function uiCase(name, file, body, { prepare, cleanup } = {}) {
  console.log(`\n=== @exthost ${name} ===`);
  const started = Date.now();
  const session = { ...prepareWorkspace(), profile: freshProfile({ 'problems.autoReveal': false }) };
  let ok = false;
  try {
    await prepare?.(session.ws);
    const page = await openFileInWorkbench(session, file);
    console.log(`  ✔ ${await body(page)}`);
    ok = true;
  } catch (err) {
    console.error(`  ✘ ${err.stack ?? err}`);
    try {
      const pages = session.browser?.contexts()[0]?.pages() ?? [];
      if (pages[0]) {
        mkdirSync(join(repo, 'test-results'), { recursive: true });
        await pages[0].screenshot({ path: join(repo, 'test-results', `exthost-ui-failure-${name.replace(/[^A-Za-z0-9]+/g, '-')}.png`) });
      }
    } catch {
      /* no screenshot */
    }
  } finally {
    try {
      await session.browser?.close();
    } catch {
      /* gone */
    }
    if (session.server) await stopProcess(session.server.child);
    await cleanup?.().catch((err) => console.error(`  cleanup: ${err.message ?? err}`));
    rmSync(session.profile.root, { recursive: true, force: true });
    rmSync(session.root, { recursive: true, force: true });
  }
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
}

/** Command palette -> "Shifter: Validate Workflow" -> the Problems panel lists SF012; screenshot. */
const uiTest = () =>
  uiCase('ui: palette -> Validate Workflow -> Problems', 'bad.shifterflow.yaml', async (page) => {
    await runFromPalette(page, 'Validate Workflow');
    const { text, shot } = await problemsWith(page, 'SF012', 'exthost-validate-problems');
    if (!/SF012/.test(text) || !/reserved by Shifter/.test(text)) throw new Error(`the Problems panel does not show SF012:\n${text}`);
    if (!/SF002/.test(text)) throw new Error(`the Problems panel does not show SF002:\n${text}`);
    return `the Problems panel shows SF012 and SF002 (screenshot ${shot})`;
  });

/** Quick Open -> Dockerfile -> Problems panel (Ctrl+Shift+M) lists the SD codes; screenshot. */
const dockerfileUiTest = () =>
  uiCase('ui: Dockerfile -> Problems', 'Dockerfile', async (page) => {
    await page.keyboard.press('Control+Shift+M');
    const { text, shot } = await problemsWith(page, 'SD001', 'exthost-dockerfile-problems');
    // The panel's list is virtual: the rows in view (the first six of eleven), and the file's count.
    for (const code of ['SD001', 'SD002', 'SD003', 'SD007', 'SD009']) if (!text.includes(code)) throw new Error(`the Problems panel does not show ${code}:\n${text}`);
    if (!/Dockerfile\s+11\b/.test(text)) throw new Error(`the Problems panel does not count 11 problems in the Dockerfile:\n${text}`);
    return `the Problems panel shows the Dockerfile's SD codes (screenshot ${shot})`;
  });

// ---- image check UI test (issue 14)
/** Palette -> "Shifter: Check Image for Shifter" -> the workflow's image picked -> its SI findings in the Problems panel; screenshot. */
async function imageCheckUiTest() {
  const { pushImage, deleteImage, TEST_REGISTRY } = await import(join(repo, 'out', 'test', 'imagecheck', 'push-image.js'));
  const image = `sfui${process.pid}-panel:1`;
  let pushed;
  await uiCase(
    'ui: Check Image for Shifter -> Problems',
    'checked.shifterflow.yaml',
    async (page) => {
      await runFromPalette(page, 'Check Image for Shifter');
      // The cursor is on no image: the command asks which of the workflow's images.
      await page.locator('.quick-input-list .monaco-list-row', { hasText: image }).first().waitFor({ state: 'attached', timeout: 20_000 });
      await page.keyboard.type(image.split(':')[0]);
      await page.keyboard.press('Enter');
      const { text, shot } = await problemsWith(page, 'SI001', 'exthost-image-check-problems');
      if (!/SI001/.test(text) || !/rootonly/.test(text)) throw new Error(`the Problems panel does not show SI001 with its path:\n${text}`);
      if (!/SI012/.test(text)) throw new Error(`the Problems panel does not show SI012:\n${text}`);
      // The hover on the job's image line (Ctrl+G 8, then Ctrl+K Ctrl+I; no diagnostic there to hide it) shows the check's summary.
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 20_000 });
      await page.keyboard.type('8:14');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover', { hasText: 'Shifter check' }).first();
      await hover.waitFor({ state: 'visible', timeout: 20_000 });
      const hoverText = await hover.innerText();
      const hoverShot = join(repo, 'test-results', 'exthost-image-check-hover.png');
      await page.screenshot({ path: hoverShot });
      if (!/Shifter check \(just now, sha256:[0-9a-f]{12}…\): 1 error \(SI001\), 2 warnings \(SI002, SI012\)/.test(hoverText)) throw new Error(`the hover does not show the check's summary:\n${hoverText}`);
      return `the Problems panel shows the image's SI001 and SI012 (screenshot ${shot}), the hover the check's summary (${hoverShot})`;
    },
    {
      prepare: async (ws) => {
        const res = await fetch(`http://${TEST_REGISTRY}/v2/`).catch((e) => {
          throw new Error(`PREREQUISITE: no registry at ${TEST_REGISTRY} (the test cluster's): ${e.message}`);
        });
        if (res.status !== 200) throw new Error(`PREREQUISITE: the registry at ${TEST_REGISTRY} answers ${res.status}`);
        const dir = (path) => ({ path, type: 'directory', mode: 0o755 });
        const file = (path, content, mode = 0o644) => ({ path, content, mode });
        pushed = await pushImage({
          name: image,
          layers: [
            [dir('/usr'), dir('/usr/bin'), dir('/usr/local'), dir('/usr/local/bin'), dir('/usr/lib'), dir('/usr/lib/x86_64-linux-gnu'), file('/usr/lib/x86_64-linux-gnu/libc-2.31.so', '\x7fELF GLIBC_2.2.5 GLIBC_2.31', 0o755), file('/usr/bin/python3', '\x7fELF', 0o755)],
            [file('/usr/local/bin/rootonly', '\x7fELF', 0o700), file('/usr/bin/sudo', '\x7fELF', 0o4755)],
          ],
          config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Cmd: ['python3'] },
        });
        writeFileSync(join(ws, 'checked.shifterflow.yaml'), `# The image is pushed by the UI test.\nversion: 1\nname: checked\nimages:\n  tools: docker:${TEST_REGISTRY}/${image}\njobs:\n  prep:\n    image: tools\n    command: python3 -c 1\n`);
      },
      cleanup: async () => pushed && deleteImage(pushed),
    },
  );
}
// ---- end image check UI test

if (!only || only === 'trusted') await runSuite('trusted workspace', 'host-index.js', []);
if (!only || only === 'untrusted') await runSuite('untrusted workspace', 'host-index-untrusted.js', ['--untrusted']);
if (!only || only === 'ui') await uiTest();
if (!only || only === 'ui' || only === 'dockerfile-ui') await dockerfileUiTest();
if (!only || only === 'ui' || only === 'image-check-ui') await imageCheckUiTest();
if (!only || only === 'ui' || only === 'cache-lens-ui') results.push(await cacheLensUiTest(repo, prepareWorkspace));

console.log('\n@exthost summary:');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`exthost: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
