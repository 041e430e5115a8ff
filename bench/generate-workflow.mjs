// A large, realistic workflow for the editor benchmarks: N jobs of about 26 lines each (2,000 jobs
// make ~50k lines, ~0.9 MB), with images, volumes, matrices, steps, env and needs.
export function generateWorkflow(jobs = 2000) {
  const out = [
    'version: 1',
    'name: bigflow',
    'profile: nersc',
    'defaults: { qos: regular, account: m1234, time: "00:30:00", constraint: cpu }',
    'images:',
    '  workflow: docker:myorg/workflow:1.2',
    '  manager: docker:myorg/workflow_manager:1.0',
    'volumes:',
    '  data: { source: /global/cscratch1/sd/alice/data, target: /data/in, readOnly: true }',
    '  scratch:',
    '    source: /global/cscratch1/sd/alice/tmpfiles',
    '    target: /tmp',
    '    perNodeCache: { size: 200G }',
    'jobs:',
  ];
  for (let i = 0; i < jobs; i++) {
    out.push(
      `  job${i}:`,
      `    description: step ${i} of the reconstruction`,
      ...(i > 0 ? [`    needs: [job${i - 1}${i > 10 ? `, job${i - 10}` : ''}]`] : []),
      '    image: workflow',
      '    nodes: 4',
      '    exclusive: true',
      '    volumes: [data, scratch]',
      '    env:',
      '      OMP_NUM_THREADS: "4"',
      `      STAGE: "stage-${i}"`,
      '      OUTPUT_DIR: /global/cscratch1/sd/alice/out',
      ...(i % 5 === 0
        ? ['    matrix:', '      sample: [a, b, c]', '      level: [1, 2]', '    command: python analyze.py ${{ matrix.sample }} ${{ matrix.level }}']
        : [
            '    steps:',
            '      - name: manager',
            '        image: manager',
            '        nodes: 1',
            '        tasks: 1',
            '        command: workflow_man.sh --port 7000',
            '        background: true',
            '      - name: workers',
            '        nodes: 4',
            '        tasksPerNode: 32',
            `        command: worker.sh --stage ${i}`,
          ]),
      '    retry:',
      '      attempts: 2',
      '      on: [NODE_FAIL, TIMEOUT]',
      '    time: "01:00:00"',
    );
  }
  return out.join('\n') + '\n';
}
