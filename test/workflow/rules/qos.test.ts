import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: qos (SF041 SF042 SF048)', () => {
  describe('SF041 jgi qos without exclusive', () => {
    it('reports a jgi job without exclusive, with a fix that adds it', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          spark:
            qos: jgi
            command: run
      `;
      assertAt(text, 'SF041', '5:3');
      assert.match(assertFixes(text, 'SF041'), /spark:\n {4}exclusive: true\n {4}qos: jgi/);
    });

    it('turns exclusive: false into true', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          spark: { qos: jgi, exclusive: false, command: run }
      `;
      assertAt(text, 'SF041', '5:33');
      assertFixes(text, 'SF041');
    });

    it('reports jgi in defaults once, with the fix in defaults', () => {
      const text = yaml`
        version: 1
        name: t
        defaults:
          qos: jgi
          image: "docker:ubuntu:22.04"
        jobs:
          a: { command: run }
          b: { command: run }
      `;
      assertAt(text, 'SF041', '3:1');
      assertFixes(text, 'SF041');
    });

    it('accepts exclusive jgi jobs and other qos', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04", exclusive: true }
        jobs:
          a: { qos: jgi, command: run }
          b: { qos: regular, exclusive: false, command: run }
      `;
      assertNone(text, 'SF041');
    });
  });

  describe('SF042 shared qos on several nodes', () => {
    it('reports nodes > 1 on the shared qos, with a fix to one node', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04", qos: shared }
        jobs:
          a:
            nodes: 2
            command: run
      `;
      assertAt(text, 'SF042', '6:12');
      assert.match(only(text, 'SF042').message, /shared qos shared \(from defaults\)/);
      assertFixes(text, 'SF042');
    });

    it('reports steps on several nodes, and nodes from defaults once without a fix', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04", qos: shared, nodes: 2 }
        jobs:
          a: { command: run }
          b: { command: run }
      `;
      assertAt(text, 'SF042', '3:63');
      assert.equal(only(text, 'SF042').fix, undefined);
      const steps = 'version: 1\nname: t\njobs:\n  a:\n    image: "docker:ubuntu:22.04"\n    qos: shared\n    steps: [{ nodes: 3, command: run }]\n';
      assertAt(steps, 'SF042', '7:22');
    });

    it('accepts one node on the shared qos, and many nodes elsewhere', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a: { qos: shared, nodes: 1, command: run }
          b: { qos: regular, nodes: 64, command: run }
      `;
      assertNone(text, 'SF042');
    });
  });

  describe('SF048 serial job with srun options', () => {
    it('warns about task counts on a serial shared job', () => {
      const text = yaml`
        version: 1
        name: t
        jobs:
          a:
            image: "docker:ubuntu:22.04"
            qos: shared
            tasks: 4
            command: run
      `;
      assertAt(text, 'SF048', '7:12');
      assert.equal(only(text, 'SF048').severity, 'warning');
    });

    it('accepts steps on the shared qos, one task, MPI jobs, and tasks on other qos', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a: { qos: shared, tasks: 1, command: run }
          b: { qos: shared, tasks: 4, steps: [{ command: run }] }
          c: { qos: regular, tasks: 4, command: run }
          d: { qos: shared, tasks: 4, mpi: true, command: run }
      `;
      assertNone(text, 'SF048');
    });
  });
});
