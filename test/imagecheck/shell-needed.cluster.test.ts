// SI019 against the test cluster's real registry, with shell-less images these tests build and push:
// one that is just a program file and its directories (no /bin/sh at all), and one whose /bin/sh ->
// busybox link a later layer leaves pointing at nothing (busybox whited out). A command with shell
// syntax in them is an error at the command's own line, in `validate --images` and in `run`'s check
// before anything is pulled or submitted; a plain command in the same image is not flagged.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cluster, clusterWorkflow, clusterWorkspace, journalOf, runAsUser, runDirs, sacctJobs, unique } from '../e2e/cluster';
import { deleteImage, pushImage, type FileSpec, type PushedImage } from './push-image';
import { requireTestRegistry, validateImages } from './registry-support';


const dir = (path: string): FileSpec => ({ path, type: 'directory', mode: 0o755 });
const program: FileSpec = { path: '/usr/local/bin/tool', content: '\x7fELF static', mode: 0o755 };
const config = { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] };

describe('SI019: shell syntax in an image without /bin/sh, against the real registry @cluster', function () {
  this.timeout(600_000);
  const noShell = `sfsh${process.pid}-noshell:1`;
  const dangling = `sfsh${process.pid}-dangling:1`;
  const pushed: PushedImage[] = [];
  let work: string;

  // Job lines (1-based) in the file below: write's command at 7, plain's at 10, count's at 13.
  const workflowText = `version: 1
name: sh
profile: nersc
defaults: { account: m1, qos: regular, time: "00:05:00" }
jobs:
  write:
    command: tool --go > /tmp/out.txt
    image: docker:${noShell}
  plain:
    command: /usr/local/bin/tool --go "two words"
    image: docker:${noShell}
  count:
    command: tool | tool --count
    image: docker:${dangling}
`;

  const validate = (args: string[]) => validateImages(work, args);

  before(async () => {
    await requireTestRegistry();
    work = mkdtempSync(join(tmpdir(), 'sf-sh-'));
    pushed.push(await pushImage({ name: noShell, layers: [[dir('/usr'), dir('/usr/local'), dir('/usr/local/bin'), program]], config }));
    pushed.push(
      await pushImage({
        name: dangling,
        layers: [
          [dir('/bin'), { path: '/bin/busybox', content: '\x7fELF busybox', mode: 0o755 }, { path: '/bin/sh', type: 'symlink', linkname: 'busybox', mode: 0o777 }, dir('/usr'), dir('/usr/local'), dir('/usr/local/bin'), program],
          [{ path: '/bin/.wh.busybox' }],
        ],
        config,
      }),
    );
  });

  after(async () => {
    for (const p of pushed) await deleteImage(p).catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('validate --images: an error at each command that needs the shell, naming why and the fix; nothing for the plain command', () => {
    writeFileSync(join(work, 'wf.yaml'), workflowText);
    const r = validate(['wf.yaml']);
    assert.equal(r.status, 1, r.stderr);
    const si019 = r.stdout.split('\n').filter((l) => / SI019 /.test(l));
    assert.equal(si019.length, 2, r.stdout);
    assert.match(si019[0], new RegExp(`^wf\\.yaml:7:14: error SI019 image docker:${noShell}: job write: the command needs a shell \\(it has a redirect \\(>\\)\\), so it runs as /bin/sh -c '\\.\\.\\.' inside the image, and the image has no /bin/sh \\(/bin/sh\\); Add a shell to the image \\(e\\.g\\. COPY a static busybox`));
    assert.match(si019[0], /or write the command without shell syntax/);
    assert.match(si019[1], new RegExp(`^wf\\.yaml:13:14: error SI019 image docker:${dangling}: job count: the command needs a shell \\(it has a pipe \\(\\|\\)\\), .* and /bin/sh is a link to nothing: it resolves to /bin/busybox, which is not in the image`));
    assert.doesNotMatch(r.stdout, /job plain/);
    const j = JSON.parse(validate(['wf.yaml', '--json']).stdout);
    const found = j.files[0].diagnostics.filter((d: { code: string }) => d.code === 'SI019');
    assert.deepEqual(
      found.map((d: { path: unknown; range: { start: { line: number } } }) => [d.path, d.range.start.line]),
      [
        [['jobs', 'write', 'command'], 6],
        [['jobs', 'count', 'command'], 12],
      ],
    );
  });

  it('the same file without shell syntax has no SI019 (the images are the same)', () => {
    writeFileSync(join(work, 'plain.yaml'), workflowText.replace('tool --go > /tmp/out.txt', 'tool --go /tmp/out.txt').replace('tool | tool --count', 'tool --count'));
    const r = validate(['plain.yaml', '--json']);
    const codes = JSON.parse(r.stdout).files[0].diagnostics.map((d: { code: string }) => d.code);
    assert.deepEqual(codes.filter((c: string) => c === 'SI019'), []);
  });

  it('run on the Slurm profile refuses before any pull, with the error at the command; nothing submitted', async () => {
    const c = cluster();
    const wf = unique('shnone');
    const dirPath = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: docker:${noShell}\n    command: tool --go > /sfglobal/out.txt\n`) });
    const r = runAsUser(c, dirPath, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    // clusterWorkflow's header is 8 lines (jobs: at 9): the image is at 11, the command at 12.
    assert.match(r.stderr, new RegExp(`wf\\.yaml:12:14: error SI019 image docker:${noShell}: job a: the command needs a shell \\(it has a redirect \\(>\\)\\)`));
    assert.match(r.stderr, /nothing was pulled or submitted/);
    for (const id of runDirs(dirPath)) assert.deepEqual(journalOf(dirPath, id).filter((e) => e.type === 'image' || e.type === 'job-submitted'), []);
    await new Promise((res) => setTimeout(res, 2000)); // accounting lag: a job would show by now
    assert.deepEqual(sacctJobs(c, wf), []);
  });
});
