import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

const HEAD = `version: 1
name: t
profile: nersc
volumes:
  data: { source: /global/data, target: /data/in }
  other: { source: /global/other, target: /data/in }
  shared: { source: /global/shared, target: /shared }
  cache: { source: /global/c, target: /scratch, perNodeCache: { size: 10G } }
  tmpdata: { source: $SCRATCH/data, target: /etc/data }
jobs:
`;

describe('rules: volumes of one step (SF023 SF031 SF057, and the volume rules)', () => {
  it("accepts the guide's form: a job without volumes, the data on the workers' step", () => {
    const text = HEAD + yaml`
      j:
        image: "docker:workflow:latest"
        steps:
          - { name: manager, image: "docker:workflow_manager:latest", background: true, command: man.sh }
          - { name: workers, volumes: [data], workdir: /data/in, command: worker.sh }
    `.replace(/^/gm, '  ');
    for (const code of ['SF023', 'SF031', 'SF057', 'SF043', 'SF002']) assertNone(text, code);
  });

  it('SF031: an unknown volume on a step, at its name, with the closest one as a fix', () => {
    const text = HEAD + '  j:\n    image: "docker:a:1"\n    steps:\n      - { name: w, volumes: [dta], command: x }\n';
    assertAt(text, 'SF031', '14:30');
    assert.match(only(text, 'SF031').message, /step "w" of job "j" mounts volume "dta"/);
    assert.match(assertFixes(text, 'SF031'), /volumes: \[data\]/);
  });

  it("SF023: a step target that clashes with a job volume's, or with another of the step's", () => {
    const job = HEAD + '  j:\n    image: "docker:a:1"\n    volumes: [data]\n    steps:\n      - { name: w, volumes: [shared, other], command: x }\n';
    assertAt(job, 'SF023', '15:38');
    assert.match(only(job, 'SF023').message, /"other" at \/data\/in, where the job mounts "data"/);
    const step = HEAD + '  j:\n    image: "docker:a:1"\n    steps:\n      - { volumes: [data, other], command: x }\n';
    assert.match(only(step, 'SF023').message, /step #1 of job "j" mounts volume "other" at \/data\/in, where the step already mounts "data"/);
  });

  it('SF023: a step repeating a job volume', () => {
    const text = HEAD + '  j:\n    image: "docker:a:1"\n    volumes: [data]\n    steps:\n      - { name: w, volumes: [data], command: x }\n';
    assertAt(text, 'SF023', '15:30');
    assert.match(only(text, 'SF023').message, /"data", which the job already mounts for every step/);
  });

  it('SF057: a perNodeCache of its own on a step is refused, with the reason', () => {
    const text = HEAD + '  j:\n    image: "docker:a:1"\n    exclusive: true\n    steps:\n      - { name: w, volumes: [cache], command: x }\n';
    assertAt(text, 'SF057', '15:30');
    assert.match(only(text, 'SF057').message, /every shifter process of the step \(each task\) makes its own cache.*Mount "cache" on the job/);
  });

  it("SF057: step volumes in an exclusive job with a job perNodeCache would lose the node's cache", () => {
    const text = HEAD + '  j:\n    image: "docker:a:1"\n    exclusive: true\n    volumes: [cache]\n    steps:\n      - { name: a, command: x }\n      - { name: w, volumes: [data], command: y }\n';
    assertAt(text, 'SF057', '17:20');
    assert.match(only(text, 'SF057').message, /"cache" is a new, empty cache per task/);
    assertNone(text.replace('    exclusive: true\n', ''), 'SF057');
  });

  it('SF043: a step workdir under its own volume is writable; another step does not see it', () => {
    const text = HEAD + '  j:\n    image: "docker:a:1"\n    steps:\n      - { name: a, volumes: [shared], workdir: /shared, command: x }\n      - { name: b, workdir: /shared, command: y }\n';
    assert.match(only(text, 'SF043').message, /workdir \/shared of step "b"/);
  });

  it('the volume rules hold for a volume a step mounts (reserved target, $VAR), at its definition', () => {
    const text = HEAD + '  j:\n    image: "docker:a:1"\n    steps:\n      - { volumes: [tmpdata], command: x }\n';
    assertAt(text, 'SF016', '9:22');
    assert.match(only(text, 'SF016').message, /\$SCRATCH is not expanded .*step's own shifter line/);
    assertAt(text, 'SF012', '9:45');
  });
});
