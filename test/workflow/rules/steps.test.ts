import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: steps (SF034 SF036 SF047)', () => {
  describe('SF034 duplicate step name', () => {
    it('reports the second step of a name, with a fix to a free name', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            steps:
              - name: work
                command: one
              - name: work-2
                command: two
              - name: work
                command: three
      `;
      assertAt(text, 'SF034', '11:15');
      assert.match(only(text, 'SF034').message, /"work-3"/);
      assert.match(assertFixes(text, 'SF034'), /- name: work-3\n/);
    });

    it('accepts distinct names, and the same name in different jobs', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            steps: [{ name: x, command: one }, { name: y, command: two }]
          b:
            steps: [{ name: x, command: one }]
      `;
      assertNone(text, 'SF034');
    });
  });

  describe('SF036 command or steps', () => {
    it('reports a job with both, at its command', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            steps: [{ command: one }]
            command: two
      `;
      assertAt(text, 'SF036', '7:5');
    });

    it('reports a job with neither, at its name', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            nodes: 1
      `;
      assertAt(text, 'SF036', '5:3');
      assert.match(only(text, 'SF036').message, /ENTRYPOINT/);
    });

    it('reports an entrypoint alone too: the plan needs a command', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          c: { entrypoint: true }
      `;
      assertAt(text, 'SF036', '5:3');
    });

    it('leaves a misspelled command to the schema (SF002) instead of repeating it', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            comand: run
      `;
      assertAt(text, 'SF002', '6:5');
      assertNone(text, 'SF036');
    });

    it('accepts a command or steps', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a: { command: run }
          b: { steps: [{ command: run }] }
      `;
      assertNone(text, 'SF036');
    });
  });

  describe('SF047 last step in background', () => {
    it('warns when the last step runs in the background, with a fix', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            steps:
              - { name: work, command: w }
              - name: manager
                command: m
                background: true
      `;
      assertAt(text, 'SF047', '10:21');
      assert.equal(only(text, 'SF047').severity, 'warning');
      assertFixes(text, 'SF047');
    });

    it('accepts a background step with steps after it', () => {
      const text = yaml`
        version: 1
        name: t
        defaults: { image: "docker:ubuntu:22.04" }
        jobs:
          a:
            steps:
              - { name: manager, command: m, background: true }
              - { name: work, command: w }
      `;
      assertNone(text, 'SF047');
    });
  });
});
