import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: task counts (SF044 SF045)', () => {
  describe('SF044 step larger than job', () => {
    it('reports a step with more nodes than the job, with a fix to the job size', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            nodes: 4
            steps:
              - { name: big, nodes: 8, command: run }
      `;
      assertAt(text, 'SF044', '8:29');
      assert.match(assertFixes(text, 'SF044'), /nodes: 4, command/);
    });

    it('uses the nodes of defaults when the job has none', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04", nodes: 2 }
        jobs:
          a:
            steps:
              - { nodes: 3, command: run }
      `;
      assert.match(only(text, 'SF044').message, /has 2 \(from defaults\)/);
    });

    it('accepts steps within the job, and jobs without a node count', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a: { nodes: 4, steps: [{ nodes: 4, command: run }, { nodes: 1, command: run }] }
          b: { steps: [{ nodes: 16, command: run }] }
      `;
      assertNone(text, 'SF044');
    });
  });

  describe('SF045 inconsistent task counts', () => {
    it('reports a job whose tasks differ from nodes x tasksPerNode, with a fix', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            command: run
            nodes: 2
            tasksPerNode: 32
            tasks: 60
      `;
      assertAt(text, 'SF045', '9:12');
      assert.match(only(text, 'SF045').message, /2 x 32 = 64/);
      assert.match(assertFixes(text, 'SF045'), /tasks: 64/);
    });

    it('reports a step the same way', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            nodes: 4
            steps:
              - { name: w, nodes: 4, tasksPerNode: 2, tasks: 4, command: run }
      `;
      assertAt(text, 'SF045', '8:54');
      assertFixes(text, 'SF045');
    });

    it('accepts agreeing counts, and any two of the three', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a: { command: run, nodes: 2, tasksPerNode: 32, tasks: 64 }
          b: { command: run, nodes: 2, tasks: 7 }
          c: { command: run, tasksPerNode: 3, tasks: 7 }
          d: { nodes: 2, steps: [{ tasksPerNode: 3, tasks: 5, command: run }] }
      `;
      assertNone(text, 'SF045');
    });
  });
});
