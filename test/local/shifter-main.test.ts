// The local `shifter` (libexec/shifter, the bundled runtime) before any container starts: what it
// refuses with Shifter's messages, and engine none's environment.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePreparedImages } from '../../runner/local/prepared-images';
import { ROOT } from './support/runner';

const SHIFTER = join(ROOT, 'libexec', 'shifter');
const TMP = mkdtempSync(join(tmpdir(), 'sf-shifter-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function shifter(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [SHIFTER, ...args], { cwd: TMP, encoding: 'utf8', env: { PATH: process.env.PATH, SF_LOCAL_ENGINE: 'none', SHIFTER_IMAGEREQUEST: 'docker:busybox:1.36', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('local: the shifter runtime', () => {
  it('engine none: Shifter variables, --env over the host, the command as given', () => {
    const r = shifter(['--env=FOO=opt $(x)', 'sh', '-c', 'echo "$SHIFTER_RUNTIME|$SHIFTER_IMAGEREQUEST|$FOO|$HOSTONLY|$SF_LOCAL_ENGINE"'], { FOO: 'host', HOSTONLY: 'h' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1|docker:busybox:1.36|opt $(x)|h|\n');
  });

  it('exit status of the command, 127 for a missing program', () => {
    assert.equal(shifter(['sh', '-c', 'exit 7']).code, 7);
    const r = shifter(['no-such-program-here']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /No such file or directory/);
  });

  it('refuses with Shifter messages: no image, bad volume, missing source, malformed --env', () => {
    assert.match(shifter(['true'], { SHIFTER_IMAGEREQUEST: undefined }).stderr, /No image specified/);
    let r = shifter(['--volume=/a:/etc/x', 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /reserved by Shifter[\s\S]*FAILED to setup user-requested mounts\./);
    r = shifter(['true'], { SHIFTER_VOLUME: `${join(TMP, 'gone')}:/x` });
    assert.match(r.stderr, /FAILED to find real path for volume "from"/);
    r = shifter(['-e', 'NOEQUALS', 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid environment variable specification: NOEQUALS/);
  });

  it('the first --volume replaces the job volumes (SHIFTER_VOLUME)', () => {
    const r = shifter([`--volume=${TMP}:/x`, 'true'], { SHIFTER_VOLUME: `${join(TMP, 'gone')}:/y` });
    assert.equal(r.code, 0, r.stderr);
  });

  it('an image the run did not prepare is not looked for anywhere else', () => {
    const file = join(TMP, 'images.json');
    writePreparedImages(file, [{ ref: 'docker:other:1', engine: 'bwrap', id: 'x', handle: '/nope', config: { env: [], entrypoint: [], cmd: [], workdir: '' } }]);
    const r = shifter(['true'], { SF_LOCAL_ENGINE: 'bwrap', SF_LOCAL_IMAGES: file });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FAILED to lookup docker image docker:busybox:1\.36: this run prepared docker:other:1/);
  });

  it('engine none: a workdir that does not exist on the host keeps the job directory, never the host root', () => {
    const r = shifter(['--workdir=/no/such/dir', 'pwd']);
    assert.equal(r.stdout, `${TMP}\n`);
    assert.match(r.stderr, /Failed to switch to working dir: \/no\/such\/dir, staying in /);
  });
});
