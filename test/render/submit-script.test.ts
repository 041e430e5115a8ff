// submit.sh waits as `shifterflow run` does: a job reading some elements of a matrix waits for those
// array tasks (afterok:ID_T), a matrix reading element i of another for its task i (aftercorr), and
// any other need for the whole job.
import assert from 'node:assert/strict';
import { planWorkflow } from '../../runner/plan';
import { renderSubmitScript } from '../../runner/render/submit-script';
import { validateText } from '../../runner/workflow/validate';

const WF = `version: 1
name: deps
profile: { base: slurm, siteFileSystems: [/g] }
defaults: { account: m1234, time: "00:05:00" }
images: { box: "docker:busybox:1.36" }
jobs:
  sim:
    image: box
    matrix: { n: [0, 1, 2] }
    outputs: { o: "/g/sim\${{ matrix.n }}" }
    command: touch \${{ outputs.o }}
  post:
    image: box
    matrix: { n: [0, 1, 2] }
    inputs: { i: "/g/sim\${{ matrix.n }}" }
    outputs: { o: "/g/post\${{ matrix.n }}" }
    command: cp \${{ inputs.i }} \${{ outputs.o }}
  pick:
    image: box
    inputs: { some: [/g/sim0, /g/sim2] }
    outputs: { o: /g/pick }
    command: cat \${{ inputs.some }} > \${{ outputs.o }}
  last:
    image: box
    needs: [pick]
    inputs: { all: [/g/post0, /g/post1, /g/post2] }
    command: cat \${{ inputs.all }}
`;

describe('render: submit.sh dependencies', () => {
  it('afterok on single tasks, aftercorr element by element, afterok on whole jobs otherwise', () => {
    const result = validateText(WF, '/g/wf.yaml');
    assert.ok(result.workflow, JSON.stringify(result.diagnostics));
    const script = renderSubmitScript(planWorkflow(result.workflow, result.profile));
    const sbatch = script.split('\n').filter((l) => l.includes('sbatch '));
    assert.deepEqual(sbatch, [
      `jid[sim]=$(sbatch --parsable --kill-on-invalid-dep=yes "$here"/sim.sbatch)`,
      `jid[post]=$(sbatch --parsable --kill-on-invalid-dep=yes --dependency="aftercorr:\${jid[sim]}" "$here"/post.sbatch)`,
      `jid[pick]=$(sbatch --parsable --kill-on-invalid-dep=yes --dependency="afterok:\${jid[sim]}_0:\${jid[sim]}_2" "$here"/pick.sbatch)`,
      `jid[last]=$(sbatch --parsable --kill-on-invalid-dep=yes --dependency="afterok:\${jid[pick]}:\${jid[post]}" "$here"/last.sbatch)`,
    ]);
  });
});
