#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests({ vscodeExecutablePath })
// spawns: takes --extensionDevelopmentPath=… --extensionTestsPath=… (and a folder), runs them in the
// real extension host of code-server inside headless Chromium, prints the host's console, and exits
// with the tests' result. Electron-only flags that runTests adds (--no-sandbox, --user-data-dir=…) are
// ignored: every run gets a fresh profile. Own flags: --folder=DIR, --untrusted, --timeout=SECONDS.

import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { findParts, freshProfile, launchChromium, openWorkbench, startCodeServer, stopProcess, workbenchUrl } from './host.mjs';

const opts = { trusted: true, timeout: 300 };
for (const arg of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
  if (!m) opts.folder ??= resolve(arg);
  else if (m[1] === 'extensionDevelopmentPath') opts.dev = resolve(m[2]);
  else if (m[1] === 'extensionTestsPath') opts.tests = resolve(m[2]);
  else if (m[1] === 'folder') opts.folder = resolve(m[2]);
  else if (m[1] === 'untrusted') opts.trusted = false;
  else if (m[1] === 'timeout') opts.timeout = Number(m[2]);
}
if (!opts.dev || !opts.tests || !opts.folder) {
  console.error('code-shim: needs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE and a folder');
  process.exit(2);
}

let parts;
try {
  parts = findParts();
} catch (err) {
  console.error(`code-shim: ${err.message}`);
  process.exit(1);
}

const verbose = process.env.SHIFTERFLOW_EXTHOST_VERBOSE === '1';
const profile = freshProfile(opts.trusted ? {} : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false });
let server;
let browser;
let finished = false;

async function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why) console.error(`code-shim: ${why}`);
  try {
    await browser?.close();
  } catch {
    /* already gone */
  }
  if (server) await stopProcess(server.child);
  rmSync(profile.root, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGINT', () => finish(130, 'interrupted'));
process.on('SIGTERM', () => finish(143, 'terminated'));
const timer = setTimeout(() => finish(1, `the tests did not finish within ${opts.timeout} s`), opts.timeout * 1000);
timer.unref?.();

try {
  server = await startCodeServer({ entry: parts.entry, userDataDir: profile.userDataDir, extensionsDir: profile.extensionsDir, trusted: opts.trusted, log: verbose ? (t) => process.stderr.write(`[code-server] ${t}`) : () => {} });
  browser = await launchChromium(parts.chromium);
  const target = workbenchUrl(server, { folder: opts.folder, extensionDevelopmentPath: opts.dev, extensionTestsPath: opts.tests });
  await openWorkbench(browser, target, {
    onExit: (code) => finish(code),
    onConsole: (text, type) => {
      // The extension host's console (mocha's reporter) arrives here; the workbench's own chatter does not matter.
      const at = text.indexOf('[sf-exthost] ');
      if (at !== -1) process.stdout.write(text.slice(at + '[sf-exthost] '.length) + '\n');
      else if (verbose || (/shifterflow/i.test(text) && /ERR|WARN|error/.test(text))) process.stderr.write(`[workbench] ${text}\n`);
    },
  });
} catch (err) {
  await finish(1, err.stack ?? String(err));
}
