import assert from 'node:assert/strict';
import { validateText } from '../../../runner/workflow/validate';

// Job rules keep their findings per job between validations of the same file: they must still follow
// every edit, to the job or to what it reads from the header.
describe('rules: re-validation after edits', () => {
  const text = [
    'version: 1',
    'name: t',
    'images:',
    '  app: docker:myorg/app:1.0',
    'jobs:',
    '  a:',
    '    image: app',
    '    command: run',
    '  b:',
    '    image: app',
    '    command: run',
    '',
  ].join('\n');
  const codes = (r: ReturnType<typeof validateText>) => r.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);

  it('follows an edit of the header that unchanged jobs depend on', () => {
    const first = validateText(text, 'wf.yaml');
    assert.deepEqual(codes(first), []);
    const renamed = validateText(text.replace('  app: docker', '  tool: docker'), 'wf.yaml', { previous: first });
    assert.deepEqual(codes(renamed), ['7:12 SF030', '10:12 SF030']);
    const back = validateText(text, 'wf.yaml', { previous: renamed });
    assert.deepEqual(codes(back), []);
  });

  it('follows an edit of one job, and of the profile', () => {
    const first = validateText(text, 'wf.yaml');
    const edited = validateText(text.replace('  b:\n    image: app\n', '  b:\n    image: app\n    nodes: 2\n    qos: shared\n'), 'wf.yaml', { previous: first });
    assert.deepEqual(codes(edited), ['11:12 SF042']);
    const local = validateText(text.replace('name: t\n', 'name: t\nprofile: { base: nersc, sharedQos: [] }\n').replace('  b:\n    image: app\n', '  b:\n    image: app\n    nodes: 2\n    qos: shared\n'), 'wf.yaml', { previous: edited });
    assert.deepEqual(codes(local), []);
  });

  it('reports a wrong setting in defaults once, however many jobs inherit it', () => {
    const r = validateText('version: 1\nname: t\ndefaults: { qos: shared, nodes: 2, image: "docker:x:1" }\njobs:\n  a: { command: run }\n  b: { command: run }\n  c: { command: run }\n', 'wf.yaml');
    assert.deepEqual(codes(r), ['3:33 SF042']);
  });
});
