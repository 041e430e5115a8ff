// The image check's workflow inputs, read from a plan and a file: each image's uses, and the line
// that names each image (pure; no registry).

import assert from 'node:assert/strict';
import { imageSite } from '../../runner/imagecheck/image-sites';
import { planImageUses } from '../../runner/imagecheck/plan-uses';
import { planWorkflow } from '../../runner/plan';
import { validateText } from '../../runner/workflow/validate';
import type { Workflow } from '../../runner/workflow/generated/schema-types';

const TEXT = `version: 1
name: w
profile: nersc
defaults: { account: m1, qos: regular, time: "00:05:00", image: "docker:base:1" }
images:
  sim: { ref: "docker:myorg/sim:2", mpi: mpich }
  own: { ref: "docker:myorg/ownmpi:1", mpi: own }
volumes:
  data: { source: /global/cfs/d, target: /data }
  out: { source: /global/cfs/o, target: /out }
jobs:
  prep:
    image: docker:tools:3
    workdir: /work
    volumes: [data]
    command: python3 /opt/prep.py
  solve:
    image: sim
    nodes: 2
    mpi: true
    entrypoint: true
    volumes: [data, out]
    command: /opt/solver --in /data
  mixed:
    steps:
      - { name: a, image: own, mpi: true, command: /opt/own/bin/run }
      - { name: b, image: "docker:tools:3", command: "echo done" }
  plain:
    command: "true"
`;

function planned() {
  const v = validateText(TEXT, 'w.yaml');
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  return { v, workflow: v.workflow as Workflow, plan: planWorkflow(v.workflow!, v.profile) };
}

describe('image check inputs from the plan', () => {
  it('one use per step, under the image it runs in, with its MPI, entrypoint, command, workdir and the job volume targets', () => {
    const uses = planImageUses(planned().plan);
    assert.deepEqual([...uses.keys()].sort(), ['docker:base:1', 'docker:myorg/ownmpi:1', 'docker:myorg/sim:2', 'docker:tools:3']);
    assert.deepEqual(uses.get('docker:tools:3'), [
      { job: 'prep', mpi: false, entrypoint: false, commands: ['python3 /opt/prep.py'], workdirs: ['/work'], volumeTargets: ['/data'] },
      { job: 'mixed.b', mpi: false, entrypoint: false, commands: ['echo done'], workdirs: [], volumeTargets: [] },
    ]);
    assert.deepEqual(uses.get('docker:myorg/sim:2'), [
      { job: 'solve', mpi: true, entrypoint: true, commands: ['/opt/solver --in /data'], workdirs: [], volumeTargets: ['/data', '/out'] },
    ]);
    // mpi: own brings its own MPI: the system MPI swap-in (and its rules) does not apply.
    assert.deepEqual(uses.get('docker:myorg/ownmpi:1')?.map((u) => [u.job, u.mpi]), [['mixed.a', false]]);
    assert.deepEqual(uses.get('docker:base:1')?.map((u) => u.job), ['plain']);
  });

  it('marks the commands that run under the image\'s /bin/sh (with why, as the renderer decides per matrix task) and where the file writes each', () => {
    const text = `version: 1
name: s
profile: nersc
defaults: { account: m1, qos: regular, time: "00:05:00", image: "docker:tools:3" }
jobs:
  write:
    command: python3 run.py > /out/log.txt
  plain:
    command: python3 run.py --n 3
  sweep:
    matrix: { n: [1, 2] }
    command: python3 run.py --n \${{ matrix.n }}
  quoted:
    matrix: { tag: ["a", "$HOME"] }
    command: echo "\${{ matrix.tag }}"
  two:
    steps:
      - { name: a, command: /opt/a }
      - { name: b, command: "cd /work && make" }
`;
    const v = validateText(text, 's.yaml');
    assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
    const plan = planWorkflow(v.workflow!, v.profile);
    const uses = planImageUses(plan, v.workflow as Workflow).get('docker:tools:3')!;
    assert.deepEqual(uses.map((u) => [u.job, u.shell, u.at]), [
      ['write', 'a redirect (>)', ['jobs', 'write', 'command']],
      ['plain', undefined, ['jobs', 'plain', 'command']],
      // A matrix value is put in quoted: a plain word stays plain...
      ['sweep', undefined, ['jobs', 'sweep', 'command']],
      // ...but inside "..." a value with $ is escaped with a backslash, which takes a shell.
      ['quoted', 'a backslash (\\) inside "..."', ['jobs', 'quoted', 'command']],
      ['two.a', undefined, ['jobs', 'two', 'steps', 0, 'command']],
      ['two.b', 'an operator (& or &&)', ['jobs', 'two', 'steps', 1, 'command']],
    ]);
    // The command positions resolve to the command lines of the file.
    const line = (at: (string | number)[]) => v.source.locate(at, 'value').start.line + 1;
    assert.deepEqual([line(uses[0].at!), line(uses[5].at!)], [7, 19]);
  });

  it("locates each image at its images: entry, else its first inline image:, else defaults'", () => {
    const { v, workflow, plan } = planned();
    const at = (ref: string) => {
      const site = imageSite(workflow, plan.images.find((i) => i.ref === ref)!);
      const r = v.source.locate(site.path, site.anchor);
      return [site.path, r.start.line + 1, r.start.character + 1];
    };
    assert.deepEqual(at('docker:myorg/sim:2'), [['images', 'sim'], 6, 3]);
    assert.deepEqual(at('docker:tools:3'), [['jobs', 'prep', 'image'], 13, 12]);
    assert.deepEqual(at('docker:base:1'), [['defaults', 'image'], 4, 65]);
  });
});
