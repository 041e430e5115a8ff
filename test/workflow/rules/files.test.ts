import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, diagnostics, only, yaml } from './helpers';

const opts = { profile: 'nersc' as const };

describe('rules: declared inputs and outputs (SF051-SF055)', () => {
  it('SF051: an input the job could not see in its image, with a fix that mounts the volume holding it', () => {
    const text = yaml`
      version: 1
      name: t
      volumes:
        proj: { source: /home/alice/proj, target: /proj, readOnly: true }
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: cat \${{ inputs.raw }}
          inputs:
            raw: /home/alice/proj/raw.txt
    `;
    assertAt(text, 'SF051', '10:12', opts);
    assert.match(only(text, 'SF051', opts).message, /Input raw \(\/home\/alice\/proj\/raw\.txt\) of job "a" is not under a volume the job mounts nor on a site file system \(profile nersc: \/global, \/pscratch, \/dvs_ro\)/);
    const fixed = assertFixes(text, 'SF051', opts);
    assert.match(fixed, /^    volumes: \[proj\]$/m);
  });

  it('SF051: the fix adds to a volumes list the job has; a path on a site file system or under a mounted source is fine', () => {
    const text = yaml`
      version: 1
      name: t
      volumes:
        a: { source: /home/alice/a, target: /a }
        b: { source: /home/alice/b, target: /b }
      jobs:
        j:
          image: "docker:ubuntu:22.04"
          volumes: [a]
          command: x
          inputs:
            ok: [/global/cfs/x, /home/alice/a/y]
            bad: [/home/alice/b/z]
    `;
    assertAt(text, 'SF051', '13:13', opts);
    assert.match(assertFixes(text, 'SF051', opts), /volumes: \[a, b\]/);
  });

  it('SF052: an output under a readOnly volume, or inside the image', () => {
    const text = yaml`
      version: 1
      name: t
      volumes:
        ref: { source: /global/cfs/ref, target: /ref, readOnly: true }
      jobs:
        j:
          image: "docker:ubuntu:22.04"
          volumes: [ref]
          command: x
          outputs:
            table: /global/cfs/ref/table.csv
            log: /home/alice/log.txt
    `;
    assertAt(text, 'SF052', ['11:14', '12:12'], opts);
    const [ro, image] = diagnostics(text, opts).filter((d) => d.code === 'SF052');
    assert.match(ro.message, /under volume ref, which is readOnly/);
    assert.match(image.message, /written inside the image, which is read-only/);
  });

  it('SF053: two jobs declaring one output, at both; a matrix output without the matrix key', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: x
          outputs: { o: /pscratch/out.csv }
        b:
          image: "docker:ubuntu:22.04"
          command: y
          outputs: { o: /pscratch/./out.csv }
        m:
          image: "docker:ubuntu:22.04"
          command: z
          matrix: { s: [1, 2] }
          outputs: { o: /pscratch/m.csv }
    `;
    assertAt(text, 'SF053', ['7:19', '11:19', '16:19'], opts);
    assert.match(diagnostics(text, opts).filter((d) => d.code === 'SF053')[2].message, /for more than one matrix element/);
  });

  it('SF053: matrix elements with their key in the path are distinct', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        m:
          image: "docker:ubuntu:22.04"
          command: z
          matrix: { s: [1, 2] }
          outputs: { o: "/pscratch/m\${{ matrix.s }}.csv" }
    `;
    assertNone(text, 'SF053', opts);
  });

  it('SF054: a cycle through files names the cycle, at the input; a job reading its own output', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: x
          inputs: { i: /pscratch/b.txt }
          outputs: { o: /pscratch/a.txt }
        b:
          image: "docker:ubuntu:22.04"
          command: y
          needs: [a]
          outputs: { o: /pscratch/b.txt }
        self:
          image: "docker:ubuntu:22.04"
          command: z
          inputs: { i: /pscratch/s.txt }
          outputs: { o: /pscratch/s.txt }
    `;
    assertAt(text, 'SF054', ['7:18', '17:18'], opts);
    const [cycle, self] = diagnostics(text, opts).filter((d) => d.code === 'SF054');
    assert.match(cycle.message, /cycle through files: a -> b -> a/);
    assert.match(self.message, /reads its own output o/);
    assertNone(text, 'SF033', opts);
  });

  it('SF055: ${{ inputs.X }}/${{ outputs.X }} naming no declared entry, at the reference itself; declared ones pass SF035', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: cat \${{ inputs.raw }} > \${{ outputs.tabel }}
          env: { IN: "\${{ inputs.nope }}" }
          inputs: { raw: /pscratch/r }
          outputs: { table: /pscratch/t }
    `;
    assertAt(text, 'SF055', ['6:38', '7:17'], opts);
    const d = diagnostics(text, opts).find((x) => x.code === 'SF055')!;
    assert.equal(d.range.end.character - d.range.start.character, '${{ outputs.tabel }}'.length);
    assert.match(diagnostics(text, opts).find((d) => d.code === 'SF055')!.message, /outputs\.tabel \}\} names no entry of job "a"'s outputs: \(table\)/);
    assertNone(text, 'SF035', opts);
  });

  it('SF055 in a block scalar points at each equal reference in turn; through an escape it falls back to the whole value', () => {
    const text = yaml`
      version: 1
      name: t
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: |
            echo start
            cat \${{ inputs.x }} \${{ inputs.x }}
          env: { IN: "\\u0024{{ inputs.y }}" }
          inputs: { raw: /pscratch/r }
    `;
    assertAt(text, 'SF055', ['8:11', '8:27', '9:16'], opts);
  });

  it('accepts a pipeline through files on the local profile with relative paths', () => {
    const text = yaml`
      version: 1
      name: t
      profile: local
      jobs:
        a:
          image: "docker:ubuntu:22.04"
          command: x > \${{ outputs.o }}
          outputs: { o: out/a.txt }
        b:
          image: "docker:ubuntu:22.04"
          command: cat \${{ inputs.i }}
          inputs: { i: out/a.txt }
    `;
    assert.deepEqual(diagnostics(text).filter((d) => d.severity === 'error').map((d) => d.message), []);
  });
});
