import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { configFromInspect, platformManifestDigest } from '../../runner/local/oci-config';

describe('local: image metadata', () => {
  it('the digest of a single manifest is its own sha256', () => {
    const raw = '{"schemaVersion":2,"config":{}}\n';
    assert.equal(platformManifestDigest(raw), createHash('sha256').update(raw).digest('hex'));
  });

  it('an index resolves to this platform\'s manifest; a missing platform is an error', () => {
    const raw = JSON.stringify({ manifests: [{ digest: 'sha256:aa', platform: { architecture: 'arm64', os: 'linux' } }, { digest: 'sha256:bb', platform: { architecture: 'amd64', os: 'linux' } }] });
    assert.equal(platformManifestDigest(raw, 'amd64'), 'bb');
    assert.equal(platformManifestDigest(raw, 'arm64'), 'aa');
    assert.throws(() => platformManifestDigest(raw, 's390x'), /no linux\/s390x variant/);
  });

  it('reads podman/docker inspect output', () => {
    const json = JSON.stringify([{ Id: 'sha256:cafe', Config: { Env: ['A=1'], Entrypoint: null, Cmd: ['/bin/sh'], WorkingDir: '/w' } }]);
    assert.deepEqual(configFromInspect(json), { id: 'cafe', config: { env: ['A=1'], entrypoint: [], cmd: ['/bin/sh'], workdir: '/w' } });
  });
});
