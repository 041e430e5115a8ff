// `shifterflow dockerfile check` as a user runs it: the CLI as a child process over the fixture and
// over directories this test writes (names that are and are not Dockerfiles, skipped folders,
// hostile names), text and JSON, exit codes, and bad input without a stack trace.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'runner', 'cli', 'main.js');
const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'dockerfile', 'fixtures', 'shifter-bad.Dockerfile');

const cli = (args: string[], cwd?: string) => spawnSync(process.execPath, [CLI, 'dockerfile', ...args], { encoding: 'utf8', cwd });

describe('shifterflow dockerfile check', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-dfc-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each finding as FILE:LINE:COL: SEVERITY CODE MESSAGE, in order, with a count on stderr; warnings alone exit 0', () => {
    const r = cli(['check', FIXTURE]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.slice(FIXTURE.length).split(' ').slice(0, 3).join(' ')),
      [':3:16: warning SD003', ':5:6: warning SD007', ':6:20: warning SD001', ':8:23: warning SD009', ':9:81: warning SD002', ':10:15: info SD004', ':11:30: warning SD002', ':12:19: warning SD004', ':13:18: warning SD005', ':13:48: warning SD006', ':14:6: warning SD003'],
    );
    assert.ok(lines.every((l) => l.startsWith(`${FIXTURE}:`)));
    assert.match(lines[2], /SD001 yum installs the distribution's MPICH \(mpich-devel\)/);
    assert.equal(r.stderr, '1 Dockerfile: 0 errors, 10 warnings\n');
  });

  it('--strict exits 1 on warnings; a clean Dockerfile exits 0 with no line', () => {
    assert.equal(cli(['check', FIXTURE, '--strict']).status, 1);
    const clean = join(dir, 'clean.Dockerfile');
    writeFileSync(clean, 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3\nCOPY app /opt/app\nRUN chmod -R 755 /opt/app\n');
    const r = cli(['check', clean, '--strict']);
    assert.equal(r.status, 0, r.stdout);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '1 Dockerfile: 0 errors, 0 warnings\n');
  });

  it('a directory: every file named like a Dockerfile below it, sorted, skipping .git and node_modules', () => {
    const tree = join(dir, 'tree');
    const bad = 'FROM centos:7\nRUN yum install -y mpich-devel\n';
    const files: Record<string, string> = {
      'Dockerfile': bad,
      'sub/Containerfile': bad,
      'sub/Dockerfile.gpu': bad,
      "sub/it's $(odd); name.dockerfile": bad,
      'sub/README.md': bad,
      'sub/Dockerfile-notes.txt.bak': bad,
      'node_modules/pkg/Dockerfile': bad,
      '.git/Dockerfile': bad,
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(tree, name, '..'), { recursive: true });
      writeFileSync(join(tree, name), text);
    }
    const r = cli(['check', 'tree', '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(
      j.files.map((f: { file: string }) => f.file),
      ['tree/Dockerfile', 'tree/sub/Containerfile', 'tree/sub/Dockerfile.gpu', "tree/sub/it's $(odd); name.dockerfile"],
    );
    assert.ok(j.files.every((f: { diagnostics: { code: string; range: { start: { line: number } } }[] }) => f.diagnostics.some((d) => d.code === 'SD001' && d.range.start.line === 1)));
    assert.deepEqual([j.errors, j.warnings], [0, 4]);
  });

  it('bad input: a missing path, a directory with no Dockerfile, an unknown verb, no path; clear messages, no stack trace', () => {
    const missing = cli(['check', join(dir, 'nope')]);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, `shifterflow: cannot read ${join(dir, 'nope')}: no such file or directory\n`);
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'notes.txt'), 'x');
    const empty = cli(['check', join(dir, 'empty')]);
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /^shifterflow: no Dockerfile under .*empty \(looked for Dockerfile, Containerfile/);
    const verb = cli(['lint', FIXTURE]);
    assert.equal(verb.status, 2);
    assert.match(verb.stderr, /^shifterflow: unknown dockerfile command "lint"/);
    const none = cli(['check']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /give at least one Dockerfile or directory/);
    for (const r of [missing, empty, verb, none]) assert.doesNotMatch(r.stderr, /\n\s+at /);
    const help = cli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: shifterflow dockerfile check PATH\.\.\. \[--json\] \[--strict\]/);
  });
});
