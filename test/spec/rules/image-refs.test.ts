import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: image references (SF010 SF011 SF024)', () => {
  describe('SF010 invalid image reference', () => {
    it('reports an inline reference Shifter cannot read', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a:
            image: "docker:my image:1.0"
            command: run
      `;
      assertAt(text, 'SF010', '5:12');
      assert.match(only(text, 'SF010').message, /TYPE:NAME:VERSION/);
    });

    it('suggests the type a typo meant, and the fix is clean', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a:
            command: run
            image: dokcer:ubuntu:22.04
      `;
      assertAt(text, 'SF010', '6:12');
      assert.match(only(text, 'SF010').message, /unknown type "dokcer".*docker:ubuntu:22\.04/);
      const fixed = assertFixes(text, 'SF010');
      assert.match(fixed, /image: docker:ubuntu:22\.04\n/);
    });

    it('reports capitals in a docker repository, in images: too, with a lowercase fix', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          app: docker:MyOrg/App:1.0
        jobs:
          a: { image: app, command: run }
      `;
      assertAt(text, 'SF010', '4:8');
      assert.match(assertFixes(text, 'SF010'), /app: docker:myorg\/app:1\.0/);
    });

    it('refuses a digest (Shifter cannot pull by digest), with the tag as the fix when there is one', () => {
      const digest = 'sha256:' + 'ab'.repeat(32);
      const tagged = yaml`
        version: 1
        name: t
        images:
          app: "docker:ubuntu:22.04@${digest}"
        jobs:
          a: { image: app, command: run }
      `;
      assertAt(tagged, 'SF010', '4:8');
      assert.match(only(tagged, 'SF010').message, /pins a digest, which Shifter cannot pull.*: docker:ubuntu:22\.04\.$/);
      assert.match(assertFixes(tagged, 'SF010'), /app: docker:ubuntu:22\.04\n/);
      const inline = yaml`
        version: 1
        name: t
        jobs:
          b: { image: "docker:busybox@${digest}", command: run }
      `;
      assertAt(inline, 'SF010', '4:15');
      assert.match(only(inline, 'SF010').message, /for example docker:ubuntu:22\.04\.$/);
      assertNone(inline, 'SF011');
    });

    it('accepts typed, untyped and private references, and aliases', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          app: docker:registry.services.nersc.gov/alice/app:1.0
        jobs:
          a: { image: app, command: run }
          b: { image: "docker:ubuntu:22.04", command: run }
          c: { image: "ubuntu:22.04", command: run }
          d: { image: "custom:mine:1", command: run }
      `;
      assertNone(text, 'SF010');
    });
  });

  describe('SF011 image without version', () => {
    it('warns at an images: entry and at a ref: inside a mapping', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          u: docker:ubuntu
          v: { ref: "docker:registry.example.com:5000/alice/tool" }
        jobs:
          a: { image: u, command: run }
          b: { image: v, command: run }
      `;
      assertAt(text, 'SF011', ['4:6', '5:13']);
      assert.equal(only(yaml`
        version: 1
        name: t
        jobs:
          a: { image: "docker:centos", command: run }
      `, 'SF011').severity, 'warning');
    });

    it('accepts a version, an explicit latest and a digest', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          a: docker:ubuntu:22.04
          b: docker:myorg/app:latest
          c: "docker:registry.example.com:5000/alice/tool:2"
          d: docker:ubuntu@sha256:${'a'.repeat(64)}
        jobs:
          j: { image: a, command: run }
      `;
      assertNone(text, 'SF011');
    });
  });

  describe('SF024 private image without ACL', () => {
    it('warns when a registry image names no users or groups', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          app: docker:registry.services.nersc.gov/alice/app:1.0
        jobs:
          a: { image: app, command: run }
      `;
      assertAt(text, 'SF024', '4:8');
      assert.match(only(text, 'SF024').message, /users:/);
    });

    it('warns at an inline registry reference, which cannot carry an ACL', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a:
            image: docker:registry.services.nersc.gov/alice/app:1.0
            command: run
      `;
      assertAt(text, 'SF024', '5:12');
    });

    it('accepts an ACL, and public Docker Hub images', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          app: { ref: "docker:registry.services.nersc.gov/alice/app:1.0", users: [alice] }
          grp: { ref: "docker:registry.services.nersc.gov/alice/app:1.1", groups: [m1234] }
          hub: docker:docker.io/library/ubuntu:22.04
        jobs:
          a: { image: app, command: run }
      `;
      assertNone(text, 'SF024');
    });
  });
});
