import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

function withTarget(target: string): string {
  return yaml`
    version: 1
    name: t
    volumes:
      v:
        source: /global/data
        target: ${target}
    jobs:
      a: { image: "docker:ubuntu:22.04", command: run, volumes: [v] }
  `;
}

describe('rules: volume targets (SF012 SF018 SF019)', () => {
  describe('SF012 reserved volume target', () => {
    it('reports /etc, /var, /opt/udiImage, /opt itself, /dev and /proc', () => {
      for (const target of ['/etc/app', '/etc', '/var', '/var/lib/x', '/opt/udiImage', '/opt/udiImage/modules', '/opt', '/dev', '/dev/shm', '/proc']) {
        assertAt(withTarget(target), 'SF012', '6:13');
      }
    });

    it('compares /etc and /var as text, as Shifter does', () => {
      const text = withTarget('/variables');
      assertAt(text, 'SF012', '6:13');
      assert.match(only(text, 'SF012').message, /starts with \/var, so \/variables is refused too/);
      assertAt(withTarget('/etcetera'), 'SF012', '6:13');
    });

    it('accepts /var/tmp and below, below /opt, and /devel or /processing', () => {
      for (const target of ['/var/tmp', '/var/tmp/x', '/opt/app', '/devel', '/processing', '/data', '/tmp']) {
        assertNone(withTarget(target), 'SF012');
      }
    });
  });

  describe('SF018 trailing slash in target', () => {
    it('reports a trailing slash with a fix that strips it', () => {
      const text = withTarget('/data/');
      assertAt(text, 'SF018', '6:13');
      assert.match(assertFixes(text, 'SF018'), /target: \/data\n/);
    });

    it('accepts / and paths without a trailing slash', () => {
      assertNone(withTarget('/data'), 'SF018');
      assertNone(withTarget('/'), 'SF018');
    });
  });

  describe('SF019 deep volume target', () => {
    it('warns from three levels on, naming the parent that must exist', () => {
      const text = withTarget('/data/in/raw');
      assertAt(text, 'SF019', '6:13');
      const d = only(text, 'SF019');
      assert.equal(d.severity, 'warning');
      assert.match(d.message, /parent \(\/data\/in\)/);
    });

    it('accepts one or two levels', () => {
      assertNone(withTarget('/data'), 'SF019');
      assertNone(withTarget('/data/in'), 'SF019');
    });
  });
});
