import assert from 'node:assert/strict';
import { assertAt, assertNone, diagnostics, yaml } from './helpers';

const HEAD = 'version: 1\nname: t\ndefaults: { image: "docker:ubuntu:22.04" }\njobs:\n';

describe('rules: dependency cycles (SF033)', () => {
  it('reports the whole cycle once, at the needs entry that closes it', () => {
    const text = yaml`
      version: 1
      name: t
      defaults: { image: "docker:ubuntu:22.04" }
      jobs:
        a:
          needs: [b]
          command: run
        b:
          needs: [c]
          command: run
        c:
          needs: [x, a]
          command: run
        x: { command: run }
    `;
    assertAt(text, 'SF033', '12:16');
    const [d] = diagnostics(text).filter((f) => f.code === 'SF033');
    assert.match(d.message, /a -> b -> c -> a/);
  });

  it('reports a job that needs itself as a cycle of one', () => {
    const text = `${HEAD}  a:\n    needs: [a]\n    command: run\n`;
    assertAt(text, 'SF033', '6:13');
    assert.match(diagnostics(text).find((f) => f.code === 'SF033')!.message, /a -> a/);
  });

  it('reports each of two separate cycles', () => {
    const text = `${HEAD}  a: { needs: [b], command: run }\n  b: { needs: [a], command: run }\n  c: { needs: [d], command: run }\n  d: { needs: [c], command: run }\n`;
    const messages = diagnostics(text).filter((f) => f.code === 'SF033').map((f) => f.message);
    assert.equal(messages.length, 2);
    assert.match(messages[0], /a -> b -> a/);
    assert.match(messages[1], /c -> d -> c/);
  });

  it('accepts a DAG with shared dependencies', () => {
    const text = `${HEAD}  a: { command: run }\n  b: { needs: [a], command: run }\n  c: { needs: [a, b], command: run }\n  d: { needs: [b, c, unknown], command: run }\n`;
    assertNone(text, 'SF033');
  });
});
