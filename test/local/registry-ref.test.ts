import assert from 'node:assert/strict';
import { LocalImageError, registryImage } from '../../runner/local/registry-ref';
import { localSettings } from '../../runner/local/settings';

describe('local: image references -> registry', () => {
  it('Docker Hub by default, library/ for official images', () => {
    assert.deepEqual(registryImage('docker:busybox:1.36', {}), { reference: 'docker.io/library/busybox:1.36', host: 'docker.io', tlsVerify: true });
    assert.equal(registryImage('docker:myorg/tool', {}).reference, 'docker.io/myorg/tool:latest');
    assert.equal(registryImage('ubuntu:22.04', {}).reference, 'docker.io/library/ubuntu:22.04');
  });

  it('SHIFTERFLOW_REGISTRY replaces Docker Hub; loopback registries are plain http unless told otherwise', () => {
    const local = localSettings({ SHIFTERFLOW_REGISTRY: '127.0.0.1:5000/' }, 1000);
    assert.deepEqual(registryImage('docker:busybox:1.36', local), { reference: '127.0.0.1:5000/busybox:1.36', host: '127.0.0.1:5000', tlsVerify: false });
    assert.equal(registryImage('docker:busybox:1.36', localSettings({ SHIFTERFLOW_REGISTRY: 'localhost:5000' }, 1000)).tlsVerify, false);
    assert.equal(registryImage('docker:busybox:1.36', localSettings({ SHIFTERFLOW_REGISTRY: 'mirror.example.org' }, 1000)).tlsVerify, true);
    assert.equal(registryImage('docker:busybox:1.36', localSettings({ SHIFTERFLOW_REGISTRY: 'mirror.example.org', SHIFTERFLOW_REGISTRY_TLS_VERIFY: 'false' }, 1000)).tlsVerify, false);
    assert.equal(registryImage('docker:busybox:1.36', localSettings({ SHIFTERFLOW_REGISTRY: '127.0.0.1:5000', SHIFTERFLOW_REGISTRY_TLS_VERIFY: 'true' }, 1000)).tlsVerify, true);
  });

  it('a name with a registry host is pulled from that host', () => {
    const local = localSettings({ SHIFTERFLOW_REGISTRY: '127.0.0.1:5000' }, 1000);
    assert.equal(registryImage('docker:registry.services.nersc.gov/me/img:1', local).reference, 'registry.services.nersc.gov/me/img:1');
    assert.equal(registryImage('docker:localhost:5000/me/img:1', local).reference, 'localhost:5000/me/img:1');
  });

  it('gateway-only image types cannot be prepared here', () => {
    assert.throws(() => registryImage('custom:thing', {}), LocalImageError);
    assert.throws(() => registryImage('id:abcdef', {}), /only docker: images/);
  });
});
