import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: matrix variables (SF035)', () => {
  it('reports a key the matrix does not have, with a fix to the closest one', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          matrix: { sample: [a, b] }
          command: python analyze.py \${{ matrix.sampel }} --out x
    `;
    assertAt(text, 'SF035', '7:32');
    const fixed = assertFixes(text, 'SF035');
    assert.match(fixed, /command: "python analyze.py \$\{\{ matrix.sample \}\} --out x"/);
  });

  it('reports matrix use in a job without a matrix, in steps and env too', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          env: { SAMPLE: "\${{matrix.sample}}" }
          steps:
            - command: run \${{ matrix.x }}
    `;
    assertAt(text, 'SF035', ['6:21', '8:22']);
  });

  it('reports expressions other than matrix.NAME, which reach the shell as written', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: echo \${{ env.HOME }}
    `;
    assert.match(only(text, 'SF035').message, /bad substitution/);
  });

  it('reports matrix use in a workdir, and in inherited env once, at the reference', () => {
    const text = yaml`
      version: 1
      name: t
      env: { OUT: "/tmp/\${{ matrix.sample }}" }
      defaults: { image: "docker:ubuntu:22.04" }
      jobs:
        a: { matrix: { sample: [x] }, command: run }
        b: { command: run, workdir: "/tmp/\${{ matrix.n }}" }
        c: { command: run }
    `;
    assertAt(text, 'SF035', ['3:19', '7:37']);
    assert.match(only(text.replace(/workdir: .*\}/, 'workdir: /tmp }'), 'SF035').message, /in env.OUT \(inherited by job "b"\)/);
  });

  it('leaves other expressions alone outside commands', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a: { image: "docker:ubuntu:22.04", command: run, env: { T: "\${{ github.sha }}" } }
    `;
    assertNone(text, 'SF035');
  });

  it('accepts known keys, with any spacing', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          matrix: { sample: [a, b], n: [1, 2] }
          command: run \${{ matrix.sample }} \${{matrix.n}} \${{   matrix.sample}} $HOME \${PATH}
    `;
    assertNone(text, 'SF035');
  });
});
