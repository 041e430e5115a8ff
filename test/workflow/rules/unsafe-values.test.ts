import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: unsafe values (SF046)', () => {
  it('reports a NUL in a command, with a fix that removes it', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: "echo a\\0b"
    `;
    assertAt(text, 'SF046', '6:14');
    assert.match(only(text, 'SF046').message, /NUL/);
    assert.match(assertFixes(text, 'SF046'), /command: "echo ab"/);
  });

  it('reports a line break in a step workdir and a NUL in an env value or volume path', () => {
    const text = yaml`
      version: 1
      name: t
      env: { A: "x\\0" }
      volumes:
        v: { source: "/global/a\\0", target: /data }
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          volumes: [v]
          steps:
            - { command: run, workdir: "/tmp/a\\nb" }
    `;
    assertAt(text, 'SF046', ['3:11', '5:16', '11:34']);
    assertNone(text, 'SF015');
  });

  it('accepts line breaks in commands and env values, which are quoted', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          env: { SCRIPT: "line1\\nline2" }
          command: |
            echo one
            echo two
    `;
    assertNone(text, 'SF046');
  });
});
