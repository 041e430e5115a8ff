// Which commands run as written (plain) and which under the image's /bin/sh (shell), and that either
// way the host's batch shell interprets nothing of a command: what reaches `shifter` is the command.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import { renderJob } from '../../runner/render';
import { commandForm } from '../../runner/render/command-form';
import { hostileStrings } from './hostile-corpus';
import { makeStubs, type Stubs } from './stubs';

const PLAIN = [
  'python myPythonScript.py args',
  'workflow_man.sh',
  '/usr/bin/env',
  '  leading blanks',
  'prog --opt=a,b:c@d%e+f -x ./rel/path',
  "echo 'a b' \"c d\" ''",
  `echo 'it'"'"'s'`,
  "sh -c 'a; b | c > d $(e) `f` ~ * # g'",
  'echo "a;b|c&d>e<f*g?h~i#j{k}l(m)n!o"',
  "python3 analyze.py --sample 'gamma ray' --threshold 2",
  'echo héllo wörld 日本語 😀 \u00a0',
  'tab\tseparated',
  'echo a=b x==y',
  'ls -- -n',
];

const SHELL: [string, RegExp][] = [
  ['cat /etc/image_marker > /output/serial.txt', /redirect \(>\)/],
  ['tool < in.txt', /redirect \(<\)/],
  ['cat x 2>&1', /redirect/],
  ['ls / | grep bin', /pipe/],
  ['prep || analyse', /pipe/],
  ['prep && analyse', /operator/],
  ['sleep 1 &', /operator/],
  ['prep; analyse', /separator/],
  ['echo $(cat /etc/sf-image-name)', /substitution/],
  ['echo `hostname`', /substitution/],
  ['echo $SLURM_PROCID', /variable/],
  ['echo ${HOME}', /variable/],
  ['echo "$HOME"', /inside "\.\.\."/],
  ['echo "`id`"', /inside "\.\.\."/],
  ['echo "a\\b"', /backslash.*inside "\.\.\."/],
  ['echo a\\ b', /backslash/],
  ["echo $'a'", /variable/],
  ['ls *.txt', /glob/],
  ['ls file?', /glob/],
  ['ls [ab]', /glob/],
  ['python ~/hello.py', /tilde/],
  ['~/bin/tool', /tilde/],
  ['first\nsecond', /several lines/],
  ['prog # a comment', /comment/],
  ['#!/bin/sh', /comment/],
  ['(cd /x)', /parentheses/],
  ['{ a; }', /braces/],
  ['echo {a,b}', /braces/],
  ['! false', /negation/],
  ['A=1 prog', /assignment \(A=1\)/],
  ['cd /work', /builtin.*\(cd\)/],
  ['export X=1', /builtin/],
  ['exit 3', /builtin/],
  ['. ./env.sh', /builtin/],
  ['if', /keyword/],
  ["echo 'not closed", /not closed/],
  ['echo "not closed', /not closed/],
  ['cat <<EOF', /redirect/],
  ['a\rb', /control character/],
  ['a\u0001b', /control character/],
  ['bad \ud800 surrogate', /not valid Unicode/],
];

describe('render: the form of a command (plain, or under the image\'s /bin/sh)', () => {
  it('keeps a program and its words plain, quotes around literal text included', () => {
    for (const c of PLAIN) assert.deepEqual(commandForm(c), { kind: 'plain' }, JSON.stringify(c));
  });

  it('sends every kind of shell syntax to /bin/sh, and says which', () => {
    for (const [c, why] of SHELL) {
      const form = commandForm(c);
      assert.equal(form.kind, 'shell', JSON.stringify(c));
      assert.match(form.kind === 'shell' ? form.because : '', why, JSON.stringify(c));
    }
  });

  it('a plain command means the same to bash and to a POSIX sh: the words alone', () => {
    for (const c of PLAIN) {
      const words = c.replace(/^\s*\S+/, "printf '%s\\0'");
      const bash = spawnSync('bash', ['-c', words]);
      const sh = spawnSync('sh', ['-c', words]);
      assert.equal(bash.status, 0, c);
      assert.deepEqual(sh.stdout, bash.stdout, c);
    }
  });
});

describe('render: hostile commands reach shifter whole, the host interprets nothing', function () {
  this.timeout(120_000);
  let stubs: Stubs;
  before(() => (stubs = makeStubs()));
  after(() => stubs.cleanup());
  beforeEach(() => stubs.reset());

  const nersc = BUILTIN_PROFILES.nersc;
  const script = (command: string, background = false) => {
    const steps = [{ name: 'a', command, background }, { name: 'b', command: 'true' }];
    const plan = planWorkflow({ version: 1, name: 'w', jobs: { j: { image: 'docker:x:1', steps: steps as [typeof steps[0]] } } }, nersc);
    return renderJob(plan.jobs[0], plan);
  };

  for (const background of [false, true]) {
    it(`every hostile string in a command, as a ${background ? 'background' : 'foreground'} step`, () => {
      // In a file of its own: a canary touched by the command is the image's business, not the host's.
      const corpus = hostileStrings(join(stubs.dir, 'in-image')).filter((h) => !/\\$/.test(h.trimEnd()) && !/\ud800|\udc00/.test(h));
      for (const h of corpus) {
        stubs.reset();
        const command = `argv-dump ${h}`;
        const r = stubs.run(script(command, background));
        const ours = (c: string[]) => c.at(-1) !== 'true';
        const shifter = stubs.calls().find((c) => c[0] === 'shifter' && ours(c));
        const srun = stubs.calls().find((c) => c[0] === 'srun' && ours(c));
        assert.ok(shifter && srun, `${JSON.stringify(h)}: ${r.stderr}`);
        const expected = command.replace(/\s+$/, '');
        if (commandForm(expected).kind === 'shell') assert.deepEqual(shifter.slice(1), ['/bin/sh', '-c', expected], JSON.stringify(h));
        // What srun was given is what shifter got: the batch shell split words and nothing else.
        assert.deepEqual(srun.slice(srun.indexOf('shifter')), shifter, JSON.stringify(h));
      }
    });
  }
});
