// run --dry-run's memo of the plan (runner/cli/plan-memo.ts): used only while nothing it depends on
// changed, never changes an answer, and SF056 still runs on every dry run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { codeIdentity, memoKey } from '../../runner/cli/plan-memo';
import { cli, ROOT } from '../run/cli-helpers';

const WORKFLOW = [
  'version: 1',
  'name: memo',
  'profile: local',
  'jobs:',
  '  a:',
  '    image: alpine:3.19',
  '    inputs: { src: [src.txt, more.txt] }',
  '    outputs: { out: a.out }',
  '    command: cat ${{ inputs.src }} > ${{ outputs.out }}',
  '  b:',
  '    image: docker:alpine',
  '    inputs: { a: a.out }',
  '    outputs: { out: b.out }',
  '    command: cat ${{ inputs.a }} > ${{ outputs.out }}',
  '',
].join('\n');

describe('run --dry-run: the memo of the plan', function () {
  this.timeout(120_000);
  let dir: string;
  const memos = () => {
    try {
      return readdirSync(join(dir, '.shifterflow', 'cache', 'plans')).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
  };
  const dry = (args: string[] = [], env: Record<string, string> = {}) => cli(dir, ['run', 'wf.yaml', '--dry-run', ...args], env);
  const noMemo = (args: string[] = []) => dry(args, { SHIFTERFLOW_PLAN_MEMO: '0' });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-memo-'));
    writeFileSync(join(dir, 'wf.yaml'), WORKFLOW);
    writeFileSync(join(dir, 'src.txt'), 'source');
    writeFileSync(join(dir, 'more.txt'), 'more');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers as the whole way does (output, warnings, --json, --job), from the second dry run on', () => {
    const reference = [noMemo(), noMemo(['--json']), noMemo(['--job', 'a'])];
    assert.equal(reference[0].code, 0, reference[0].stderr);
    assert.equal(memos().length, 0, 'SHIFTERFLOW_PLAN_MEMO=0 keeps none');
    assert.match(reference[0].stdout, /^a +runs: no earlier run$/m);
    assert.notEqual(reference[0].stderr, '', 'the file has a warning to print');
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(dry(), reference[0]);
      assert.deepEqual(dry(['--json']), reference[1]);
      assert.deepEqual(dry(['--job', 'a']), reference[2]);
    }
    assert.equal(memos().length, 2, 'one per workflow and options (--json is not one)');
  });

  it('is keyed by the text, the file as named and where it is, --profile, --job and the code', () => {
    const base = { file: 'wf.yaml', text: WORKFLOW };
    const k = memoKey(base, 'code');
    assert.equal(memoKey({ ...base }, 'code'), k);
    const others = [
      memoKey({ ...base, text: WORKFLOW + '# a comment\n' }, 'code'),
      memoKey({ ...base, file: './wf.yaml' }, 'code'),
      memoKey({ ...base, file: join(dir, 'wf.yaml') }, 'code'),
      memoKey({ ...base, profile: 'local' }, 'code'),
      memoKey({ ...base, jobs: ['a'] }, 'code'),
      memoKey(base, 'other code'),
    ];
    assert.equal(new Set([k, ...others]).size, others.length + 1);
    // Each module file loaded counts, by identity (a rebuilt bundle is other code).
    const file = join(dir, 'module.js');
    writeFileSync(file, 'one');
    const before = codeIdentity([file]);
    writeFileSync(file, 'two');
    assert.notEqual(codeIdentity([file]), before);
    assert.match(codeIdentity(), /plan-memo\.js:/);
  });

  it('a change of the file is seen at once; an input removed is still SF056, positioned, as without the memo', () => {
    dry();
    writeFileSync(join(dir, 'wf.yaml'), WORKFLOW.replace('cat ${{ inputs.a }}', 'wc -c ${{ inputs.a }}'));
    const changed = dry();
    assert.deepEqual(changed, noMemo());
    unlinkSync(join(dir, 'more.txt'));
    const gone = dry();
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^wf\.yaml:7:\d+: error SF056 Input src of job "a" does not exist: .*more\.txt/m);
    assert.deepEqual(gone, noMemo());
  });

  it('ignores a damaged memo, and keeps none for a plan with glob inputs', () => {
    dry();
    const [name] = memos();
    const file = join(dir, '.shifterflow', 'cache', 'plans', name);
    const reference = noMemo();
    // A sound memo is what answers: what it says is printed, nothing is validated again.
    const sound = readFileSync(file, 'utf8');
    writeFileSync(file, sound.replace(/"diagnostics":\[[^\]]*\]/, '"diagnostics":["from the memo"]'));
    assert.equal(dry().stderr, 'from the memo\n');
    writeFileSync(file, sound);
    for (const damage of [(t: string) => t.slice(0, t.length / 2), () => 'not json', (t: string) => t.replace(/"key":"[0-9a-f]+"/, '"key":"0"')]) {
      writeFileSync(file, damage(readFileSync(file, 'utf8')));
      assert.deepEqual(dry(), reference);
      assert.deepEqual(dry(), reference, 'rewritten sound');
    }
    rmSync(join(dir, '.shifterflow'), { recursive: true });
    writeFileSync(join(dir, 'wf.yaml'), WORKFLOW.replace('[src.txt, more.txt]', '"*.txt"'));
    assert.equal(dry().code, 0);
    assert.deepEqual(memos(), []);
  });

  it('what it keeps is pure: the validator, planner and renderer read no file, environment or clock', () => {
    // Every module the memo stands for, and all they import.
    const seen = staticImports(['workflow/validate.ts', 'workflow/diagnostic.ts', 'plan/index.ts', 'plan/select.ts', 'render/index.ts', 'cache/task-script.ts', 'engines/index.ts', 'profiles/profile.ts']);
    for (const [f, text] of seen) {
      const code = text.replace(/\/\/.*$/gm, '');
      for (const bad of [/from 'node:(fs|os|child_process|process)'/, /require\((?!'node:crypto'\)|'\.)/, /process\.env/, /Date\.now|new Date\(|performance\.now/, /Math\.random/, /process\.cwd\(\)/]) {
        // planWorkflow defaults its directory to the cwd; run-command always passes it (the key holds it).
        if (bad.source.includes('cwd') && f.endsWith('plan/plan.ts')) continue;
        assert.doesNotMatch(code, bad, `${relative(ROOT, f)} reads something outside its arguments`);
      }
    }
    assert.ok(seen.size > 40, `${seen.size} modules`);
  });

  it('a memo hit loads none of the run: the fast path imports no validator, planner, executor or image check', () => {
    // Static imports are initialised with the module (dynamic import() ones only when reached).
    const loaded = [...staticImports(['cli/dry-run-command.ts']).keys()].map((f) => relative(join(ROOT, 'runner'), f));
    for (const heavy of ['workflow/validate.ts', 'plan/plan.ts', 'cli/run-command.ts', 'cli/executors.ts', 'local/local-executor.ts', 'imagecheck/registry-open.ts', 'run/run-workflow.ts', 'slurm/index.ts']) assert.ok(!loaded.includes(heavy), `${heavy} is loaded`);
    assert.ok(loaded.includes('cli/plan-memo.ts') && loaded.includes('cache/cache-session.ts'));
  });
});

/** The modules these (under runner/) import statically, transitively, with their text. */
function staticImports(entries: string[]): Map<string, string> {
  const seen = new Map<string, string>();
  const todo = entries.map((f) => join(ROOT, 'runner', f));
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    const text = readFileSync(f, 'utf8');
    seen.set(f, text);
    for (const m of text.matchAll(/^(?:import|export) (?!type )[^;]*? from '(\.[^']+)'|require\('(\.[^']+)'\)/gm)) {
      const spec = m[1] ?? m[2];
      if (spec.endsWith('.json')) continue;
      const target = join(dirname(f), spec);
      const found = [`${target}.ts`, `${target}.js`, join(target, 'index.ts')].find((c) => existsSync(c));
      assert.ok(found, `${relative(ROOT, f)} imports ${spec}`);
      todo.push(found);
    }
  }
  return seen;
}
