import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

const opts = { profile: 'nersc' as const };

describe('rules: working directory (SF043, SF017)', () => {
  describe('SF043 workdir not writable', () => {
    it('warns about a workdir inside the read-only image', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          out: { source: /global/cscratch1/sd/alice/out, target: /output }
        jobs:
          a:
            image: "docker:ubuntu:22.04"
            volumes: [out]
            workdir: /app
            command: run
      `;
      assertAt(text, 'SF043', '9:14', opts);
      const d = only(text, 'SF043', opts);
      assert.equal(d.severity, 'warning');
      assert.match(d.message, /its volumes \(\/output\)/);
    });

    it('warns about a step workdir with a variable, which is not expanded', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a:
            image: "docker:ubuntu:22.04"
            steps:
              - { command: run, workdir: $SCRATCH/run }
      `;
      assertAt(text, 'SF043', '7:34', opts);
      assert.match(only(text, 'SF043', opts).message, /\$SCRATCH.*not expanded/);
    });

    it('accepts a volume target, a site file system or /tmp', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          out: { source: /global/cscratch1/sd/alice/out, target: /output }
        jobs:
          a: { image: "docker:ubuntu:22.04", volumes: [out], workdir: /output/run1, command: run }
          b: { image: "docker:ubuntu:22.04", workdir: /global/homes/a/alice, command: run }
          c: { image: "docker:ubuntu:22.04", workdir: /tmp/x, command: run }
      `;
      assertNone(text, 'SF043', opts);
    });
  });

  describe('SF017 /project workdir', () => {
    it('reports a /project workdir with a fix to /global/project', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a:
            image: "docker:ubuntu:22.04"
            workdir: /project/projectdirs/m1234
            command: run
      `;
      assertAt(text, 'SF017', '6:14', opts);
      const fixed = assertFixes(text, 'SF017', opts);
      assertNone(fixed, 'SF043', opts);
    });

    it('accepts /project when a volume is mounted there', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          p: { source: /global/project/projectdirs/m1234, target: /project }
        jobs:
          a: { image: "docker:ubuntu:22.04", volumes: [p], workdir: /project/run, command: run }
      `;
      assertNone(text, 'SF017', opts);
    });
  });
});
