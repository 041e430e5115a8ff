import assert from 'node:assert/strict';
import { assertAt, assertFixes, assertNone, only, yaml } from './helpers';

describe('rules: job image (SF037)', () => {
  it('reports a job with no image anywhere, and fixes it when one image is defined', () => {
    const text = yaml`
      version: 1
      name: t
      images:
        app: docker:myorg/app:1.0
      jobs:
        a:
          command: run
    `;
    assertAt(text, 'SF037', '6:3');
    assert.match(assertFixes(text, 'SF037'), /a:\n {4}image: app\n {4}command: run/);
  });

  it('names the steps without an image, and offers no fix when the image is a choice', () => {
    const text = yaml`
      version: 1
      name: t
      images:
        app: docker:myorg/app:1.0
        mgr: docker:myorg/mgr:1.0
      jobs:
        a:
          steps:
            - { name: manager, image: mgr, command: m }
            - { name: workers, command: w }
    `;
    const d = only(text, 'SF037');
    assert.match(d.message, /steps without one: "workers"/);
    assert.equal(d.fix, undefined);
  });

  it('accepts an image on the job, in defaults, or on every step', () => {
    const text = yaml`
      version: 1
      name: t
      images:
        app: docker:myorg/app:1.0
      jobs:
        a: { image: app, command: run }
        b:
          steps:
            - { image: app, command: m }
    `;
    assertNone(text, 'SF037');
    assertNone('version: 1\nname: t\ndefaults: { image: "docker:ubuntu:22.04" }\njobs:\n  a: { command: run }\n', 'SF037');
  });
});

describe('rules: job image (SF037) beside other findings', () => {
  it('leaves a misspelled image to the schema (SF002)', () => {
    const text = 'version: 1\nname: t\njobs:\n  a:\n    imgae: "docker:ubuntu:22.04"\n    command: run\n';
    assertAt(text, 'SF002', '5:5');
    assertNone(text, 'SF037');
  });

  it('asks for no image when the profile runs commands without a container engine', () => {
    assertNone('version: 1\nname: t\nprofile: { base: local, engine: none }\njobs:\n  a: { command: run }\n', 'SF037');
  });
});
