import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MATRIX_REF } from '../../runner/plan/matrix';
import { QuoteError, quote, quoteOption, sbatchLine, substituteInShell } from '../../runner/render/shell-quote';
import { hostileStrings } from './hostile-corpus';

function bash(script: string, locale = 'C.UTF-8'): { out: Buffer; status: number | null; err: string } {
  const r = spawnSync('bash', ['-c', script], { env: { PATH: process.env.PATH, LC_ALL: locale } });
  return { out: r.stdout, status: r.status, err: r.stderr.toString() };
}

/** Runs `printf '%s\0' WORDS...` per line; returns the NUL-separated fields. */
function fields(out: Buffer): string[] {
  const s = out.toString('utf8');
  assert.ok(s.endsWith('\0'), `output should end with NUL: ${JSON.stringify(s)}`);
  return s.slice(0, -1).split('\0');
}

describe('render: shell quoting', () => {
  let dir: string;
  let canary: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-quote-'));
    canary = join(dir, 'CANARY');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => assert.equal(existsSync(canary), false, 'a hostile string was run as shell'));

  for (const locale of ['C.UTF-8', 'C']) {
    it(`round-trips every hostile string through bash as exactly one word (LC_ALL=${locale})`, () => {
      const corpus = hostileStrings(canary);
      const script = corpus.map((s) => `set -- ${quote(s)}; printf '%s\\0' "$#" "$1"`).join('\n');
      const r = bash(script, locale);
      assert.equal(r.status, 0, r.err);
      const got = fields(r.out);
      assert.equal(got.length, corpus.length * 2);
      corpus.forEach((s, i) => {
        assert.equal(got[2 * i], '1', `word count for ${JSON.stringify(s)}`);
        assert.equal(got[2 * i + 1], s);
      });
    });
  }

  it('leaves plain words bare and writes no raw control character', () => {
    assert.equal(quote('docker:myorg/workflow:1.2'), 'docker:myorg/workflow:1.2');
    assert.equal(quote('--env=A=b'), '--env=A=b');
    assert.equal(quote(''), "''");
    assert.equal(quote("it's"), `'it'\\''s'`);
    assert.equal(quote('a\nb'), `$'a\\nb'`);
    for (const s of hostileStrings('/x')) assert.doesNotMatch(quote(s), /[\u0000-\u001f\u007f]/, JSON.stringify(s));
  });

  it('refuses NUL and lone surrogates', () => {
    assert.throws(() => quote('a\u0000b'), QuoteError);
    assert.throws(() => quote('\ud800'), QuoteError);
    assert.throws(() => quote('x\udc00'), QuoteError);
    assert.equal(quote('😀'), `'😀'`);
  });

  it('writes an option bare and its value quoted, as one word', () => {
    assert.equal(quoteOption('--env=A=', 'x y'), `--env=A='x y'`);
    assert.equal(quoteOption('--workdir=', '/data'), '--workdir=/data');
    assert.equal(quoteOption('--env=A=', ''), '--env=A=');
    const r = bash(`printf '%s\\0' ${hostileStrings(canary).map((s) => quoteOption('--env=V=', s)).join(' ')}`);
    assert.deepEqual(fields(r.out), hostileStrings(canary).map((s) => `--env=V=${s}`));
  });

  it('writes #SBATCH values literally and refuses what sbatch would not take literally', () => {
    assert.equal(sbatchLine('volume', '/a:/x:ro;/b:/y:perNodeCache=size=200G', { doubleQuote: true }), '#SBATCH --volume="/a:/x:ro;/b:/y:perNodeCache=size=200G"');
    assert.equal(sbatchLine('constraint', 'cpu&[a|b]'), '#SBATCH --constraint=cpu&[a|b]');
    assert.equal(sbatchLine('exclusive'), '#SBATCH --exclusive');
    for (const bad of ['$HOME/x', 'a b', 'a"b', "a'b", 'a#b', 'a\\b', 'a\nb', '']) assert.throws(() => sbatchLine('volume', bad), QuoteError, JSON.stringify(bad));
  });
});

describe('render: matrix values substituted into a shell command', () => {
  let dir: string;
  let canary: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-subst-'));
    canary = join(dir, 'CANARY');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => assert.equal(existsSync(canary), false, 'a matrix value was run as shell'));

  const P = '${{ matrix.v }}';
  const templates: { command: string; expect: (v: string) => string[] }[] = [
    { command: `printf '%s\\0' ${P}`, expect: (v) => [v] },
    { command: `printf '%s\\0' "pre ${P} post"`, expect: (v) => [`pre ${v} post`] },
    { command: `printf '%s\\0' 'pre ${P} post'`, expect: (v) => [`pre ${v} post`] },
    { command: `printf '%s\\0' pre"${P}"'${P}'${P}post`, expect: (v) => [`pre${v}${v}${v}post`] },
    { command: `printf '%s\\0' "$(printf '%s' ${P})"`, expect: (v) => [v.replace(/\n+$/, '')] },
    { command: `printf '%s\\0' "a \\"q\\" $(printf '%s' "${P}") b"`, expect: (v) => [`a "q" ${v.replace(/\n+$/, '')} b`] },
    { command: `# it's a comment ${P}\nprintf '%s\\0' ${P} # trailing "${P}`, expect: (v) => [v] },
    { command: `x=1; printf '%s\\0' "\${x}" ${P}`, expect: (v) => ['1', v] },
  ];

  templates.forEach(({ command, expect }, t) => {
    it(`keeps every value intact: template ${t} ${JSON.stringify(command)}`, () => {
      // One bash for the whole corpus: each command in a subshell, followed by a marker field.
      const corpus = hostileStrings(canary);
      const texts = corpus.map((v) => substituteInShell(command, MATRIX_REF, () => v));
      const r = bash(texts.map((text) => `(\n${text}\n)\nprintf '\\001END\\0'`).join('\n'));
      assert.equal(r.status, 0, r.err);
      const groups: string[][] = [[]];
      for (const f of fields(r.out)) {
        if (f === '\u0001END') groups.push([]);
        else groups[groups.length - 1].push(f);
      }
      assert.equal(groups.length, corpus.length + 1);
      corpus.forEach((v, i) => assert.deepEqual(groups[i], expect(v), `${JSON.stringify(v)} in\n${texts[i]}`));
    });
  });

  it('refuses placeholders whose quoting context cannot be told', () => {
    for (const command of [`echo \`echo ${P}\``, `echo "\`echo ${P}\`"`, `cat <<EOF\n${P}\nEOF`, `echo \${x:-${P}}`, `echo $'${P}'`, `cat <<'EOF'\nx\nEOF\necho ${P}`]) {
      assert.throws(() => substituteInShell(command, MATRIX_REF, () => 'v'), /cannot tell how to quote/, command);
    }
  });
});
