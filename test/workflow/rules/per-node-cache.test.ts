import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: perNodeCache (SF020 SF021)', () => {
  describe('SF020 perNodeCache option', () => {
    it('warns about a read-only cache, with a fix', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          cache:
            source: /global/cache
            target: /cache
            readOnly: true
            perNodeCache: { size: 100G }
        jobs:
          a: { image: "docker:ubuntu:22.04", command: run, volumes: [cache] }
      `;
      assertAt(text, 'SF020', '7:15');
      assert.equal(only(text, 'SF020').severity, 'warning');
      assertFixes(text, 'SF020');
    });

    it('reports a size without a unit (bytes) with a fix to gibibytes', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          cache: { source: /global/cache, target: /cache, perNodeCache: { size: "200" } }
        jobs:
          a: { image: "docker:ubuntu:22.04", command: run, volumes: [cache] }
      `;
      assertAt(text, 'SF020', '4:73');
      assert.match(only(text, 'SF020').message, /200 bytes/);
      assert.match(assertFixes(text, 'SF020'), /size: 200G/);
    });

    it('reports a size below what XFS can format, without a fix', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          cache: { source: /global/cache, target: /cache, perNodeCache: { size: 10m } }
        jobs:
          a: { image: "docker:ubuntu:22.04", command: run, volumes: [cache] }
      `;
      assert.equal(only(text, 'SF020').fix, undefined);
    });

    it('accepts a writable cache of a sensible size', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          cache: { source: /global/cache, target: /cache, perNodeCache: { size: 16m, fs: xfs } }
          big: { source: /global/cache, target: /big, perNodeCache: { size: 2T } }
        jobs:
          a: { image: "docker:ubuntu:22.04", command: run, volumes: [cache] }
      `;
      assertNone(text, 'SF020');
    });
  });

  describe('SF021 perNodeCache across steps', () => {
    const job = (extra: string, defaults = '') => yaml`
      version: 1
      name: t
      ${defaults}
      volumes:
        cache: { source: /global/cache, target: /cache, perNodeCache: { size: 100G } }
      jobs:
        sim:
          image: "docker:ubuntu:22.04"
          volumes: [cache]
          ${extra}
          steps:
            - { command: write }
            - { command: read }
    `;

    it('warns at the job when several steps share a cache without exclusive, fix adds it', () => {
      const text = job('nodes: 2');
      assertAt(text, 'SF021', '7:3');
      const fixed = assertFixes(text, 'SF021');
      assert.match(fixed, /sim:\n {4}exclusive: true\n/);
    });

    it('turns an explicit exclusive: false into true', () => {
      const text = job('exclusive: false');
      assertAt(text, 'SF021', '10:16');
      assert.match(assertFixes(text, 'SF021'), /exclusive: true/);
    });

    it('accepts exclusive jobs (from defaults too) and single-step jobs', () => {
      assertNone(job('exclusive: true'), 'SF021');
      assertNone(job('nodes: 1', 'defaults: { exclusive: true }'), 'SF021');
      const single = yaml`
        version: 1
        name: t
        volumes:
          cache: { source: /global/cache, target: /cache, perNodeCache: { size: 100G } }
        jobs:
          sim: { image: "docker:ubuntu:22.04", volumes: [cache], command: run }
      `;
      assertNone(single, 'SF021');
    });
  });
});
