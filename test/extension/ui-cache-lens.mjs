// The cache lens as a person sees it, through the browser (called by run-host-tests.mjs): Quick Open
// -> cache.shifterflow.yaml -> the editor draws the lenses above each job: "Run job | Preview sbatch |
// runs: no earlier run" above copy, "runs: needed job runs (copy)" above count; screenshot in
// test-results/.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findParts, freshProfile, launchChromium, openWorkbench, startCodeServer, stopProcess, workbenchUrl } from './host.mjs';

/** Runs the UI test in a fresh workspace from `prepareWorkspace()`; returns { name, ok, seconds }. */
export async function cacheLensUiTest(repo, prepareWorkspace) {
  const name = 'ui: the cache lens above each job';
  console.log(`\n=== @exthost ${name} ===`);
  const started = Date.now();
  const parts = findParts();
  const { root, ws, env } = prepareWorkspace();
  const profile = freshProfile();
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
    await page.keyboard.type('cache.shifterflow.yaml');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'attached', timeout: 20_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    const lenses = page.locator('.monaco-editor .codelens-decoration');
    await lenses.filter({ hasText: 'runs: needed job runs (copy)' }).first().waitFor({ state: 'attached', timeout: 60_000 });
    const copy = lenses.filter({ hasText: 'runs: no earlier run' }).first();
    await copy.waitFor({ state: 'attached', timeout: 20_000 });
    const text = (await lenses.allInnerTexts()).join('\n');
    mkdirSync(join(repo, 'test-results'), { recursive: true });
    const shot = join(repo, 'test-results', 'exthost-cache-lens.png');
    await page.screenshot({ path: shot });
    writeFileSync(join(repo, 'test-results', 'exthost-cache-lens.txt'), text);
    if (!/Run job\s*\|\s*Preview sbatch\s*\|\s*runs: no earlier run/.test(await copy.innerText())) throw new Error(`the lens line of job copy reads:\n${await copy.innerText()}`);
    console.log(`  ✔ the editor shows "runs: no earlier run" beside Run job and Preview sbatch (screenshot ${shot})`);
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
  return { name, ok, seconds: (Date.now() - started) / 1000 };
}
