import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, diagnostics, only, yaml } from './helpers';

/** A workflow with one volume `v` written as given, mounted by one job. */
function withVolume(spec: string, profile = 'local'): string {
  return yaml`
    version: 1
    name: t
    profile: ${profile}
    volumes:
      v: ${spec}
    jobs:
      a: { image: "docker:ubuntu:22.04", command: run, volumes: [v] }
  `;
}

describe('rules: volume paths (SF013 SF014 SF015 SF016 SF017 SF022)', () => {
  describe('SF013 relative volume path', () => {
    it('reports a relative source and a relative target', () => {
      const text = withVolume('{ source: data/in, target: out }');
      assertAt(text, 'SF013', ['5:16', '5:33']);
    });

    it('accepts absolute paths', () => {
      assertNone(withVolume('{ source: /global/data, target: /data }'), 'SF013');
    });
  });

  describe('SF014 .. in volume path', () => {
    it('reports a .. component with a fix to the resolved path', () => {
      const text = withVolume('{ source: /global/a/../b, target: /data }');
      assertAt(text, 'SF014', '5:16');
      assert.match(assertFixes(text, 'SF014'), /source: \/global\/b,/);
    });

    it('reports .. inside a name too, as Shifter does, without a fix', () => {
      const text = withVolume('{ source: /global/file..bak, target: /data }');
      assert.equal(only(text, 'SF014').fix, undefined);
    });

    it('accepts paths with single dots', () => {
      assertNone(withVolume('{ source: /global/a.b/.c, target: /data }'), 'SF014');
    });
  });

  describe('SF015 character Shifter drops', () => {
    it('reports a space, naming it', () => {
      const text = withVolume('{ source: "/global/my data", target: /data }');
      assertAt(text, 'SF015', '5:16');
      assert.match(only(text, 'SF015').message, /a space/);
    });

    it('reports a colon in a target, which would cut the volume spec', () => {
      const text = withVolume('{ source: /global/data, target: "/data:x" }');
      assertAt(text, 'SF015', '5:38');
      assert.match(only(text, 'SF015').message, /":" separates source, target and flags/);
    });

    it('accepts letters, digits and _ . + - /', () => {
      assertNone(withVolume('{ source: /global/a_b.c+d-e/F9, target: /data }'), 'SF015');
    });
  });

  describe('SF016 variable in #SBATCH line', () => {
    it('reports $VAR, ${VAR} and ~ instead of SF013 or SF015', () => {
      for (const source of ['$SCRATCH/data', '"${HOME}/data"', '~/data']) {
        const text = withVolume(`{ source: ${source}, target: /data }`);
        assertAt(text, 'SF016', '5:16');
        const codes = diagnostics(text).map((d) => d.code);
        assert.ok(!codes.includes('SF013') && !codes.includes('SF015') && !codes.includes('SF022'), codes.join(' '));
      }
      assert.match(only(withVolume('{ source: $SCRATCH/data, target: /data }'), 'SF016').message, /\$SCRATCH is not expanded.*full path/);
    });

    it('accepts full paths', () => {
      assertNone(withVolume('{ source: /global/homes/a/alice/data, target: /data }'), 'SF016');
    });
  });

  describe('SF017 /project path', () => {
    it('reports /project with a fix to /global/project', () => {
      const text = withVolume('{ source: /project/projectdirs/m1234, target: /data }', 'nersc');
      assertAt(text, 'SF017', '5:16');
      const fixed = assertFixes(text, 'SF017', {});
      assert.match(fixed, /source: \/global\/project\/projectdirs\/m1234,/);
      assertNone(fixed, 'SF022');
    });

    it('accepts /global/project, and /project where the profile mounts it', () => {
      assertNone(withVolume('{ source: /global/project/projectdirs/m1234, target: /data }', 'nersc'), 'SF017');
      assertNone(withVolume('{ source: /project/m1234, target: /data }', '{ base: slurm, siteFileSystems: [/project] }'), 'SF017');
    });
  });

  describe('SF022 volume source off site file systems', () => {
    it('reports a source outside the profile file systems', () => {
      const text = withVolume('{ source: /scratch/alice, target: /data }', 'nersc');
      assertAt(text, 'SF022', '5:16');
      assert.match(only(text, 'SF022').message, /\/global, \/pscratch, \/dvs_ro/);
    });

    it('compares whole path components', () => {
      assertAt(withVolume('{ source: /globalx/data, target: /data }', 'nersc'), 'SF022', '5:16');
    });

    it('accepts sources on a site file system, and anything where the profile mounts /', () => {
      assertNone(withVolume('{ source: /global/cfs/cdirs/m1234, target: /data }', 'nersc'), 'SF022');
      assertNone(withVolume('{ source: /pscratch/sd/a/alice, target: /data }', 'nersc'), 'SF022');
      assertNone(withVolume('{ source: /scratch/alice, target: /data }', 'local'), 'SF022');
    });
  });
});
