import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: references (SF030 SF031 SF032)', () => {
  describe('SF030 unknown image alias', () => {
    it('reports a bare name that is no alias and suggests the closest one', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          workflow: docker:myorg/workflow:1.2
        jobs:
          a:
            image: workflo
            command: run
      `;
      assertAt(text, 'SF030', '7:12');
      assert.match(only(text, 'SF030').message, /Did you mean "workflow"\?/);
      assert.match(assertFixes(text, 'SF030'), /image: workflow\n/);
    });

    it('reports unknown names in defaults and steps, listing the aliases there are', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: ubuntu }
        images:
          workflow: docker:myorg/workflow:1.2
        jobs:
          a:
            steps:
              - { command: run, image: manager }
      `;
      assertAt(text, 'SF030', ['3:20', '9:32']);
      assert.match(only(text.replace('image: manager', 'image: workflow'), 'SF030').message, /Aliases defined: workflow/);
    });

    it('accepts aliases and references', () => {
      const text = yaml`
        version: 1
        name: t
        images:
          workflow: docker:myorg/workflow:1.2
        jobs:
          a: { image: workflow, command: run }
          b: { image: "docker:ubuntu:22.04", command: run }
      `;
      assertNone(text, 'SF030');
    });
  });

  describe('SF031 unknown volume', () => {
    it('reports a volume the file does not define, with a fix to the closest one', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          data: { source: /global/data, target: /data }
        jobs:
          a:
            image: "docker:ubuntu:22.04"
            command: run
            volumes:
              - dta
      `;
      assertAt(text, 'SF031', '10:9');
      assert.match(assertFixes(text, 'SF031'), /- data\n/);
    });

    it('accepts defined volumes', () => {
      const text = yaml`
        version: 1
        name: t
        volumes:
          data: { source: /global/data, target: /data }
        jobs:
          a: { image: "docker:ubuntu:22.04", command: run, volumes: [data] }
      `;
      assertNone(text, 'SF031');
    });
  });

  describe('SF032 unknown job in needs', () => {
    it('reports an unknown job with a fix to the closest name', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          prepare: { command: run }
          analyze:
            needs: [prepar]
            command: run
      `;
      assertAt(text, 'SF032', '7:13');
      assert.match(assertFixes(text, 'SF032'), /needs: \[prepare\]/);
    });

    it('lists the jobs when nothing is close', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          prepare: { command: run }
          analyze: { needs: [somethingelse], command: run }
      `;
      const d = only(text, 'SF032');
      assert.match(d.message, /Jobs: prepare, analyze/);
      assert.equal(d.fix, undefined);
    });

    it('accepts known jobs', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          prepare: { command: run }
          analyze: { needs: [prepare], command: run }
      `;
      assertNone(text, 'SF032');
    });
  });
});
