import assert from 'node:assert/strict';
import { ACCEPTED_REFS } from './image-ref-examples';
import { assertAt, assertFixes, assertNone, diagnostics, only, yaml } from './helpers';

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

    it('accepts every reference of the shared passing list, inline and under images:', () => {
      const refs = ACCEPTED_REFS.map((r) => JSON.stringify(r));
      const text = [
        'version: 1',
        'name: t',
        'images:',
        ...refs.map((r, i) => `  i${i}: ${r}`),
        'jobs:',
        ...refs.map((r, i) => `  j${i}: { image: ${r}, command: run }`),
        '',
      ].join('\n');
      const errors = diagnostics(text).filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${d.code} ${d.message}`), []);
    });

    // The normalizer (runner/images/image-ref.ts) refuses these at render and run time; validation
    // used to pass them.
    it('reports a docker reference with no image name after its last "/", inline and under images:', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          app: docker:myorg/
          port: "docker:registry.example.org:5000/team/"
          versioned: "docker:myorg/:1.0"
        jobs:
          a: { image: app, command: run }
          b: { image: port, command: run }
          c: { image: versioned, command: run }
          d:
            image: "docker:myorg/"
            command: run
      `;
      assertAt(text, 'SF010', ['4:8', '5:9', '6:14', '12:12']);
      const messages = diagnostics(text).filter((d) => d.code === 'SF010').map((d) => d.message);
      assert.match(messages[0], /docker:myorg\/ is missing the image name after "myorg\/".*for example docker:myorg\/app:1\.0\.$/);
      assert.match(messages[1], /missing the image name after "registry\.example\.org:5000\/team\/"/);
      assert.match(messages[2], /docker:myorg\/:1\.0 is missing the image name/);
      assertNone(text, 'SF011');
    });

    it('reports an untyped reference under images: that ends with "/"', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          app: myorg/
        jobs:
          a: { image: app, command: run }
      `;
      assertAt(text, 'SF010', '4:8');
      assert.match(only(text, 'SF010').message, /missing the image name after "myorg\/"/);
    });

    it('reports "/" in custom and id names (Shifter drops it), with the name without it as the fix', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          app: custom:a/b
        jobs:
          a: { image: app, command: run }
      `;
      assertAt(text, 'SF010', '4:8');
      assert.match(only(text, 'SF010').message, /custom:a\/b has a "\/" in its name, which Shifter drops from custom images, so it would pull custom:ab instead\. Use the name without "\/" \(custom:ab\); a docker image is written docker:a\/b\.$/);
      assert.match(assertFixes(text, 'SF010'), /app: custom:ab\n/);
      const inline = yaml`
        version: 1
        name: t
        jobs:
          a:
            command: run
            image: "id:a/b"
      `;
      assertAt(inline, 'SF010', '6:12');
      assert.match(only(inline, 'SF010').message, /id:a\/b has a "\/".*drops from id images/);
      assert.match(assertFixes(inline, 'SF010'), /image: id:ab\n/);
    });

    it('offers no fix for a registry path written with a custom type, but says how docker writes it', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a: { image: "custom:registry.example.org:5000/team/app", command: run }
      `;
      assertAt(text, 'SF010', '4:15');
      const d = only(text, 'SF010');
      assert.match(d.message, /a docker image is written docker:registry\.example\.org:5000\/team\/app\.$/);
      assert.equal(d.fix, undefined);
    });

    it('refuses a digest on custom, id and local references too, with the name as the fix', () => {
      const digest = 'sha256:' + 'cd'.repeat(32);
      for (const [ref, fixed] of [['custom:mine', 'custom:mine'], ['id:0123abcd', 'id:0123abcd'], ['local:images/x', 'local:images/x']]) {
        const text = yaml`
          version: 1
          name: t
          images:
            app: "${ref}@${digest}"
          jobs:
            a: { image: app, command: run }
        `;
        assertAt(text, 'SF010', '4:8');
        assert.match(only(text, 'SF010').message, /pins a digest, which Shifter cannot pull/);
        assert.ok(assertFixes(text, 'SF010').includes(`app: ${fixed}\n`), ref);
      }
    });

    it('does not suggest a type whose reference SF010 would refuse in turn', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a: { image: "cusotm:a/b", command: run }
      `;
      const d = only(text, 'SF010');
      assert.match(d.message, /is not a Shifter image reference/);
      assert.equal(d.fix, undefined);
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
