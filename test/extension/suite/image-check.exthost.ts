// "Check Image for Shifter" against the test cluster's real registry (127.0.0.1:5000, plain HTTP), with
// an image this suite pushes itself: the CLI runs as a child process, its findings (recomputed for the
// workflow's use of the image) land in the Problems view at the image's line, and the hover on the
// image lines shows the check's summary. Also: Dockerfiles nobody opened get their SD diagnostics
// from the workspace scan and follow the files on disk.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { deleteImage, pushImage, TEST_REGISTRY, type FileSpec, type PushedImage } from '../../imagecheck/push-image';
import { requireTestRegistry } from '../../imagecheck/registry-support';
import { EXTENSION_ID, activate, open, shifterflowDiagnostics, stats, until, workspaceDir, wsFile } from './helpers';

const dir = (path: string, mode = 0o755): FileSpec => ({ path, type: 'directory', mode });
const file = (path: string, content: string, mode = 0o644): FileSpec => ({ path, content, mode });

/** A small glibc image with a root-only program on PATH (SI001, and SI002: unreadable), a setuid file (SI012) and an ENTRYPOINT (SI011 unless the job says entrypoint:). */
function checkedImage(name: string) {
  return {
    name,
    layers: [
      [
        dir('/usr'), dir('/usr/bin'), dir('/usr/local'), dir('/usr/local/bin'), dir('/usr/lib'), dir('/usr/lib/x86_64-linux-gnu'), dir('/etc'), dir('/tmp', 0o1777),
        file('/usr/lib/x86_64-linux-gnu/libc-2.31.so', '\x7fELF GLIBC_2.2.5 GLIBC_2.31', 0o755),
        { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', type: 'symlink', linkname: 'libc-2.31.so', mode: 0o777 } as FileSpec,
        file('/usr/bin/sh', '\x7fELF', 0o755),
        file('/usr/bin/python3', '\x7fELF', 0o755),
        file('/etc/ld.so.cache', 'ld.so-1.7.0'),
      ],
      [file('/usr/local/bin/rootonly', '\x7fELF', 0o700), file('/usr/bin/sudo', '\x7fELF', 0o4755), file('/usr/local/bin/start', '#!/bin/sh\nexec "$@"\n', 0o755)],
    ],
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Entrypoint: ['/usr/local/bin/start'], Cmd: ['python3'] },
  };
}

async function hoverText(uri: vscode.Uri, line: number, character: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, character));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('@exthost Check Image for Shifter (real registry)', function () {
  this.timeout(180_000);
  const image = `sfui${process.pid}-check:1`;
  const ref = `docker:${TEST_REGISTRY}/${image}`;
  let pushed: PushedImage | undefined;
  const wf = 'checked.shifterflow.yaml';

  before(async () => {
    await activate();
    await requireTestRegistry();
    assert.ok(process.env.SHIFTERFLOW_IMAGE_CHECK_CACHE, 'run-host-tests.mjs gives the host a cache of its own');
    pushed = await pushImage(checkedImage(image));
    writeFileSync(
      join(workspaceDir(), wf),
      `version: 1\nname: checked\nimages:\n  tools: ${ref}\njobs:\n  prep:\n    image: tools\n    entrypoint: true\n    command: python3 -c 1\n  other:\n    image: docker:busybox:1.36\n    command: echo hi\n`,
    );
  });

  after(async () => {
    if (pushed) await deleteImage(pushed).catch(() => undefined);
  });

  it('the hover on an image line says it was not checked yet', async () => {
    const { document } = await open(wf);
    const text = await hoverText(document.uri, 3, 4);
    assert.match(text, /Shifter check\*\*: `docker:127\.0\.0\.1:5000\/sfui\d+-check:1` not checked yet: run \[Check Image for Shifter\]\(command:shifterflow\.checkImage\?/);
  });

  it('on the image line, runs images check in a child process and puts the SI findings at that line in the Problems view', async () => {
    const editor = await open(wf);
    // Other features may start processes of their own meanwhile (the cache lens): count the image checks.
    const checks = (argv: string[][]) => argv.filter((a) => a.slice(-4).join(' ') === `images check ${ref} --json`).length;
    const before = checks((await stats()).processes.argv);
    // The cursor on the job's `image: tools` line: the command checks that image, no question asked.
    editor.selection = new vscode.Selection(6, 6, 6, 6);
    const outcome = await vscode.commands.executeCommand<{ ref: string; digest?: string; findings?: { code: string }[]; diagnostics?: number; error?: string }>('shifterflow.checkImage');
    assert.equal(outcome.error, undefined, JSON.stringify(outcome));
    assert.equal(outcome.ref, ref);
    assert.equal(outcome.digest, pushed!.digest);
    // The CLI alone reports SI011 (the ENTRYPOINT); the job says entrypoint: true, so the workflow's check has not.
    assert.deepEqual(outcome.findings!.map((f) => f.code), ['SI001', 'SI002', 'SI012']);
    assert.equal(checks((await stats()).processes.argv), before + 1, 'one images check REF --json process');
    const got = await until('SI diagnostics', () => {
      const d = shifterflowDiagnostics(editor.document.uri).filter((x) => /^SI/.test(String(x.code)));
      return d.length >= 3 ? d : undefined;
    });
    assert.deepEqual(
      got.map((d) => `${String(d.code)} ${d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning'} ${d.range.start.line + 1}:${d.range.start.character + 1} ${editor.document.getText(d.range)}`),
      ['SI001 error 4:3 tools', 'SI002 warning 4:3 tools', 'SI012 warning 4:3 tools'],
    );
    assert.match(got[0].message, /^image docker:127\.0\.0\.1:5000\/sfui\d+-check:1: .*\(\/usr\/local\/bin\/rootonly\); .*chmod/);
    assert.equal(outcome.diagnostics, 3);
  });

  it('the hover then shows the summary of that check, on the images: entry and on the job\'s image line', async () => {
    const { document } = await open(wf);
    for (const [line, ch] of [[3, 3], [6, 12]]) {
      const text = await hoverText(document.uri, line, ch);
      assert.match(text, /\*\*Shifter check\*\* \(just now, `sha256:[0-9a-f]{12}…`\): 1 error \(SI001\), 2 warnings \(SI002, SI012\)/, text);
      assert.match(text, /- error \*\*SI001\*\* .*`\/usr\/local\/bin\/rootonly`/);
    }
    // The other image was never checked.
    assert.match(await hoverText(document.uri, 10, 12), /`docker:busybox:1\.36` not checked yet/);
  });

  it('an edit that moves the image line moves its findings', async () => {
    const editor = await open(wf);
    try {
      assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# moved\n')));
      await until('SI001 on the moved line', () => shifterflowDiagnostics(editor.document.uri).find((d) => d.code === 'SI001' && d.range.start.line === 4));
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('a job whose command needs a shell, in this image without /bin/sh: SI019 at that command, not at the image line', async () => {
    const shellWf = 'checked-shell.shifterflow.yaml';
    writeFileSync(join(workspaceDir(), shellWf), `version: 1\nname: shell\njobs:\n  report:\n    image: ${ref}\n    entrypoint: true\n    command: python3 -c 1 > out.txt\n`);
    try {
      const editor = await open(shellWf);
      const outcome = await vscode.commands.executeCommand<{ findings?: { code: string }[]; error?: string }>('shifterflow.checkImage', editor.document.uri, ref);
      assert.equal(outcome.error, undefined, JSON.stringify(outcome));
      assert.ok(outcome.findings!.some((f) => f.code === 'SI019'), JSON.stringify(outcome.findings));
      const si019 = await until('SI019', () => shifterflowDiagnostics(editor.document.uri).find((d) => d.code === 'SI019'));
      assert.equal(`${si019.range.start.line + 1}:${si019.range.start.character + 1} ${editor.document.getText(si019.range)}`, '7:14 python3 -c 1 > out.txt');
      assert.match(si019.message, /job report: the command needs a shell \(it has a redirect \(>\)\)/);
      // The image's own findings stay at its line.
      const si001 = shifterflowDiagnostics(editor.document.uri).find((d) => d.code === 'SI001');
      assert.equal(si001?.range.start.line, 4);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      rmSync(join(workspaceDir(), shellWf), { force: true });
    }
  });

  it('the hover shows a check run from the CLI as well (the cache records it), with no check from the editor', async () => {
    // Another tag of the same content: the editor has never checked this reference.
    const other = `sfui${process.pid}-cli:1`;
    const otherRef = `docker:${TEST_REGISTRY}/${other}`;
    const pushedOther = await pushImage(checkedImage(other));
    const cliWf = 'checked-cli.shifterflow.yaml';
    writeFileSync(join(workspaceDir(), cliWf), `version: 1\nname: cli\njobs:\n  prep:\n    image: ${otherRef}\n    command: python3 -c 1\n`);
    try {
      const { document } = await open(cliWf);
      assert.match(await hoverText(document.uri, 4, 12), /not checked yet/);
      const cli = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'bin', 'shifterflow.js');
      // The terminal's check: the same cache (SHIFTERFLOW_IMAGE_CHECK_CACHE), the CLI's own process.
      const done = spawnSync(process.execPath, [cli, 'images', 'check', otherRef], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
      assert.equal(done.status, 1, done.stderr);
      assert.match(done.stdout, /SI001/);
      // The job does not say entrypoint: so SI011 shows too: the hover's findings are for this workflow's use.
      const text = await hoverText(document.uri, 4, 12);
      assert.match(text, /\*\*Shifter check\*\* \(just now, `sha256:[0-9a-f]{12}…`\): 1 error \(SI001\), 3 warnings \(SI002, SI011, SI012\)/, text);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      rmSync(join(workspaceDir(), cliWf), { force: true });
      await deleteImage(pushedOther).catch(() => undefined);
    }
  });

  it('an unknown image is an error message, and no finding', async () => {
    const outcome = await vscode.commands.executeCommand<{ error?: string; findings?: unknown }>('shifterflow.checkImage', wsFile(wf), `docker:${TEST_REGISTRY}/sfui${process.pid}-nosuch:1`);
    assert.match(outcome.error ?? '', /nosuch/);
    assert.doesNotMatch(outcome.error ?? '', /\n\s+at /);
    assert.equal(outcome.findings, undefined);
  });
});

describe('@exthost Check Image for Shifter: cancel', () => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  before(activate);
  after(() => {
    for (const s of sockets) s.destroy();
    server?.close();
  });

  it('Cancel ends the CLI while the registry has not answered: no finding, no error', async () => {
    // A registry that accepts the connection and never answers: the check waits until it is cancelled.
    server = createServer(() => undefined);
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { imageChecks: { cancelAll(): number } };
    const pending = vscode.commands.executeCommand<{ cancelled?: boolean; error?: string; findings?: unknown }>('shifterflow.checkImage', wsFile('hello.shifterflow.yaml'), `docker:127.0.0.1:${port}/hangs:1`);
    await until('the CLI to reach the registry', () => (sockets.size > 0 ? true : undefined), 30_000);
    assert.equal(api.imageChecks.cancelAll(), 1);
    const outcome = await pending;
    assert.deepEqual([outcome.cancelled, outcome.error, outcome.findings], [true, undefined, undefined]);
    assert.equal(api.imageChecks.cancelAll(), 0, 'nothing left under way');
  });
});

describe('@exthost Dockerfiles nobody opened', () => {
  before(activate);
  const extra = () => join(workspaceDir(), 'images', 'Dockerfile.extra');

  after(() => rmSync(extra(), { force: true }));

  it('get their SD diagnostics from the workspace scan', async () => {
    const uri = wsFile('images/mpi.Dockerfile');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'no test opens images/mpi.Dockerfile');
    const got = await until('diagnostics of the unopened Dockerfile', () => {
      const d = shifterflowDiagnostics(uri);
      return d.length >= 2 ? d : undefined;
    });
    assert.deepEqual(got.map((d) => `${String(d.code)} ${d.range.start.line + 1}`), ['SD007 2', 'SD001 3']);
  });

  it('follow the file on disk: created, changed, deleted', async () => {
    mkdirSync(join(workspaceDir(), 'images'), { recursive: true });
    const uri = vscode.Uri.file(extra());
    writeFileSync(extra(), 'FROM ubuntu:22.04\nRUN apt-get install -y libmpich-dev\n');
    await until('SD001 of a new Dockerfile', () => shifterflowDiagnostics(uri).find((d) => d.code === 'SD001'), 30_000);
    writeFileSync(extra(), 'FROM centos:6\n');
    await until('SD007 after the change, SD001 gone', () => {
      const codes = shifterflowDiagnostics(uri).map((d) => d.code);
      return codes.length === 1 && codes[0] === 'SD007' ? true : undefined;
    }, 30_000);
    unlinkSync(extra());
    await until('no diagnostics once deleted', () => (shifterflowDiagnostics(uri).length === 0 ? true : undefined), 30_000);
  });
});
