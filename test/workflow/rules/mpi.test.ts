import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

const opts = { profile: 'nersc' as const };

describe('rules: MPI module (SF040)', () => {
  it('warns when an image with its own MPI gets the site MPICH module, with a fix', () => {
    const text = yaml`
      version: 1
      name: t
      images:
        ompi: { ref: "docker:myorg/openmpi-app:1.0", mpi: own }
      jobs:
        a:
          image: ompi
          mpi: true
          modules: [gpu, mpich]
          command: run
    `;
    assertAt(text, 'SF040', '9:14', opts);
    assert.equal(only(text, 'SF040', opts).severity, 'warning');
    assert.match(assertFixes(text, 'SF040', opts), /modules: \[gpu\]/);
  });

  it('warns when an MPI job runs an image that says it has no MPI', () => {
    const text = yaml`
      version: 1
      name: t
      images:
        plain: { ref: "docker:ubuntu:22.04", mpi: none }
      jobs:
        a:
          image: plain
          steps:
            - { command: run, mpi: pmi2 }
    `;
    assertAt(text, 'SF040', '9:30', opts);
  });

  it('reports a module list in defaults once, without a fix that would change every job', () => {
    const text = yaml`
      version: 1
      name: t
      defaults: { modules: [mpich], image: ompi }
      images:
        ompi: { ref: "docker:myorg/openmpi-app:1.0", mpi: own }
      jobs:
        a: { mpi: true, command: run }
        b: { mpi: true, command: run }
    `;
    assertAt(text, 'SF040', '3:22', opts);
    assert.equal(only(text, 'SF040', opts).fix, undefined);
  });

  it('accepts MPICH images (modules: [none] too: the plan puts mpich in its place), own-MPI images without the module, and jobs without MPI', () => {
    const text = yaml`
      version: 1
      name: t
      images:
        app: { ref: "docker:myorg/mpich-app:1.0", mpi: mpich }
        ompi: { ref: "docker:myorg/openmpi-app:1.0", mpi: own }
        plain: { ref: "docker:ubuntu:22.04", mpi: none }
      jobs:
        a: { image: app, mpi: true, command: run }
        b: { image: ompi, mpi: true, command: run }
        c: { image: plain, modules: [none], command: run }
        d: { image: app, mpi: pmix, modules: [gpu, mpich], command: run }
        e: { image: app, mpi: true, modules: [none], command: run }
    `;
    assertNone(text, 'SF040', opts);
  });
});
