// The real VS Code extension host on this machine (docs/design.md, "Testing against the real parts"): code-server 4.100.3
// from npm (its extension host is real VS Code 1.100) opened in Debian's Chromium through
// playwright-core, headless. Used by code-shim.mjs (the mocha suites, through @vscode/test-electron's
// runTests) and by run-host-tests.mjs (the UI test through the browser).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

export function cacheDir() {
  return process.env.SHIFTERFLOW_EXTHOST_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shifterflow-exthost');
}

/** code-server's entry point and Chromium, or an Error naming what is missing and how to get it. */
export function findParts() {
  const entry = process.env.SHIFTERFLOW_CODE_SERVER ?? join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const chromium = process.env.SHIFTERFLOW_CHROMIUM ?? '/usr/bin/chromium';
  const missing = [];
  if (!existsSync(entry)) missing.push(`code-server ${CODE_SERVER_VERSION} (expected ${entry})`);
  if (!existsSync(chromium)) missing.push(`Chromium (expected ${chromium})`);
  if (missing.length) {
    throw new Error(`the real extension host cannot start: missing ${missing.join(' and ')}.\nInstall them with: bash test/extension/install-host.sh (as root: apt-get install chromium libkrb5-dev, npm install code-server@${CODE_SERVER_VERSION} into the cache)`);
  }
  return { entry, chromium };
}

/** Fresh user-data and extensions dirs; the welcome page would steal focus from the UI test. */
export function freshProfile(settings = {}) {
  const root = mkdtempSync(join(tmpdir(), 'sf-exthost-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, ...settings }, null, 2),
  );
  return { root, userDataDir, extensionsDir };
}

/** Starts code-server on a free loopback port; resolves once it listens. */
export function startCodeServer({ entry, userDataDir, extensionsDir, trusted = true, env = process.env, log = () => {} }) {
  const args = [entry, '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-getting-started-override'];
  if (trusted) args.push('--disable-workspace-trust');
  // Its own process group, so that stopping it also ends the helpers it forks (pty host, file watcher).
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`code-server did not start within 60 s:\n${seen.slice(-2000)}`)), 60_000);
    const fail = (err) => {
      clearTimeout(timer);
      stopProcess(child);
      reject(err);
    };
    const onData = (chunk) => {
      const text = chunk.toString();
      seen += text;
      log(text);
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\/?/.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.on('data', (c) => log(c.toString()));
        resolve({ child, url: m[1], port: Number(m[2]), stop: () => stopProcess(child) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => {
      seen += c.toString();
      log(c.toString());
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => fail(new Error(`code-server exited (${code ?? signal}) before listening:\n${seen.slice(-2000)}`)));
  });
}

/** Ends a child we started (by its PID, and its process group when it leads one), SIGKILL after 5 s. */
export function stopProcess(child) {
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig); // the group it leads (spawned detached)
    } catch {
      /* not a group leader, or gone */
    }
    process.kill(child.pid, sig);
  };
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        signal('SIGKILL');
      } catch {
        /* gone */
      }
      resolve();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      // Helpers left in the group after the leader exited.
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* none left */
      }
      resolve();
    });
    try {
      signal('SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

export async function launchChromium(chromium) {
  const { chromium: pw } = await import('playwright-core');
  return pw.launch({
    executablePath: chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** The workbench URL that opens `folder` with `extensionDevelopmentPath` (and the tests, if given). */
export function workbenchUrl({ url, port }, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return `${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * A page where the workbench honours the development payload: `enableSmokeTestDriver` set in the
 * configuration <meta> before the workbench reads it, and `codeAutomationExit(code)` (called by the
 * workbench with the tests' result) forwarded to `onExit`.
 */
export async function openWorkbench(browser, target, { onExit = () => {}, onConsole = () => {} } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const patch = (meta) => {
      const raw = meta.getAttribute('data-settings');
      if (!raw || meta.__sfPatched) return;
      const settings = JSON.parse(raw);
      settings.developmentOptions = { ...(settings.developmentOptions ?? {}), enableSmokeTestDriver: true };
      meta.setAttribute('data-settings', JSON.stringify(settings));
      meta.__sfPatched = true;
    };
    const find = () => {
      const meta = document.getElementById('vscode-workbench-web-configuration');
      if (meta) patch(meta);
      return meta;
    };
    if (!find()) {
      const obs = new MutationObserver(() => {
        if (find()) obs.disconnect();
      });
      obs.observe(document, { childList: true, subtree: true });
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => onExit(Number(code)));
  page.on('console', async (msg) => {
    // The format string's %c arguments are CSS: keep only the text arguments.
    let parts;
    try {
      parts = await Promise.all(msg.args().map((a) => a.jsonValue()));
    } catch {
      parts = [msg.text()];
    }
    const text = parts
      .filter((p) => typeof p !== 'string' || !/^(color|background|font-weight)[^:]*:/.test(p))
      .map((p) => (typeof p === 'string' ? p.replace(/%c/g, '') : JSON.stringify(p)))
      .join(' ')
      .trim();
    if (process.env.SHIFTERFLOW_EXTHOST_RAW === '1') process.stderr.write(`RAW ${JSON.stringify(parts)}\n`);
    onConsole(text, msg.type());
  });
  page.on('pageerror', (err) => onConsole(`pageerror: ${err.message}`, 'error'));
  await page.goto(target, { waitUntil: 'domcontentloaded' });
  return page;
}
