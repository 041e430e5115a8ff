// A step's own volumes on every engine: only that step's command line mounts them, and on Shifter
// the line repeats the job's first (the first --volume on shifter's line discards SHIFTER_VOLUME).

import assert from 'node:assert/strict';
import { apptainerEngine, podmanHpcEngine, shifterEngine, type ContainerEngine } from '../../runner/engines';
import { renderJob } from '../../runner/render';
import { HEADER, planText } from './plan-text';

const WORKFLOW =
  'volumes:\n' +
  '  shared: { source: /global/shared, target: /shared }\n' +
  '  data: { source: /global/my/data, target: /data/in, readOnly: true }\n' +
  'jobs:\n' +
  '  j:\n' +
  '    image: docker:workflow:latest\n' +
  '    volumes: [shared]\n' +
  '    nodes: 2\n' +
  '    steps:\n' +
  '      - { name: manager, image: docker:workflow_manager:latest, nodes: 1, tasks: 1, background: true, command: workflow_man.sh }\n' +
  '      - { name: workers, nodes: 2, tasksPerNode: 2, volumes: [data], command: worker.sh }\n';

function srunLines(engine: ContainerEngine, text = WORKFLOW): string[] {
  const plan = planText(HEADER + text);
  return renderJob(plan.jobs[0], plan, engine).split('\n').filter((l) => l.startsWith('srun '));
}

describe('engines: a volume on one step only', () => {
  it('plans the step volume on the step alone, its read-only source an input of the job', () => {
    const plan = planText(HEADER + WORKFLOW);
    const [job] = plan.jobs;
    assert.deepEqual(job.volumes.map((v) => v.name), ['shared']);
    assert.deepEqual(job.steps.map((s) => s.volumes.map((v) => v.name)), [[], ['data']]);
    assert.deepEqual(job.inputs, ['/global/my/data']);
  });

  it('shifter: the job volume stays in #SBATCH --volume; the worker line repeats it before its own', () => {
    const plan = planText(HEADER + WORKFLOW);
    const text = renderJob(plan.jobs[0], plan, shifterEngine);
    assert.match(text, /^#SBATCH --volume="\/global\/shared:\/shared"$/m);
    assert.deepEqual(srunLines(shifterEngine), [
      'srun -N 1 -n 1 --overlap shifter --image=docker:workflow_manager:latest workflow_man.sh &',
      'srun -N 2 -n 4 shifter --volume=/global/shared:/shared --volume=/global/my/data:/data/in:ro worker.sh',
    ]);
  });

  it("shifter: a job without volumes gets no #SBATCH --volume, the guide's worker line only its own", () => {
    const text = WORKFLOW.replace('    volumes: [shared]\n', '');
    const plan = planText(HEADER + text);
    assert.doesNotMatch(renderJob(plan.jobs[0], plan, shifterEngine), /#SBATCH --volume/);
    assert.equal(srunLines(shifterEngine, text)[1], 'srun -N 2 -n 4 shifter --volume=/global/my/data:/data/in:ro worker.sh');
  });

  it('podman-hpc and apptainer: the job volume on both lines, the step volume on the workers only', () => {
    const [manager, workers] = srunLines(podmanHpcEngine);
    assert.match(manager, /--volume=\/global\/shared:\/shared docker\.io\/library\/workflow_manager:latest workflow_man\.sh &$/);
    assert.doesNotMatch(manager, /data/);
    assert.match(workers, /--volume=\/global\/shared:\/shared --volume=\/global\/my\/data:\/data\/in:ro docker\.io\/library\/workflow:latest worker\.sh$/);
    const [m2, w2] = srunLines(apptainerEngine);
    assert.match(m2, /exec --bind=\/global\/shared:\/shared docker\.io_library_workflow_manager_latest\.sif workflow_man\.sh &$/);
    assert.match(w2, /exec --bind=\/global\/shared:\/shared --bind=\/global\/my\/data:\/data\/in:ro docker\.io_library_workflow_latest\.sif worker\.sh$/);
  });
});
