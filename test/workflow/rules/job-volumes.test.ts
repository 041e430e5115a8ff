import assert from 'node:assert/strict';
import { assertAt, assertNone, only, yaml } from './helpers';

describe('rules: volumes of a job (SF023 SF025)', () => {
  describe('SF023 duplicate volume target', () => {
    it('reports the second volume mounted at the same target', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          a: { source: /global/a, target: /data }
          b: { source: /global/b, target: /data/ }
        jobs:
          j:
            image: "docker:ubuntu:22.04"
            command: run
            volumes: [a, b]
      `;
      assertAt(text, 'SF023', '10:18');
      assert.match(only(text, 'SF023').message, /"a" and "b" both at \/data/);
    });

    it('accepts distinct targets, and the same target in different jobs', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        volumes:
          a: { source: /global/a, target: /data }
          b: { source: /global/b, target: /data }
          c: { source: /global/c, target: /other }
        jobs:
          j: { command: run, volumes: [a, c] }
          k: { command: run, volumes: [b] }
      `;
      assertNone(text, 'SF023');
    });
  });

  describe('SF025 volume without image', () => {
    it('reports a job with volumes and no image anywhere', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          a: { source: /global/a, target: /data }
        jobs:
          j:
            volumes: [a]
            steps:
              - { command: run }
      `;
      assertAt(text, 'SF025', '7:5');
      assert.match(only(text, 'SF025').message, /#SBATCH --image/);
    });

    it('accepts an image from the job, from defaults, or from a step (the plan takes the first)', () => {
      const volumes = 'volumes:\n  a: { source: /global/a, target: /data }\n';
      const text = (jobs: string) => `version: 1\nname: t\n${volumes}jobs:\n${jobs}`;
      assertNone(text(`  j:\n    volumes: [a]\n    steps:\n      - { command: one }\n      - { image: "docker:ubuntu:22.04", command: two }\n`), 'SF025');
      assertNone(text(`  j: { image: "docker:ubuntu:22.04", command: run, volumes: [a] }\n`), 'SF025');
      assertNone(`version: 1\nname: t\ndefaults: { image: "docker:ubuntu:22.04" }\n${volumes}jobs:\n  j: { command: run, volumes: [a] }\n`, 'SF025');
    });
  });
});
