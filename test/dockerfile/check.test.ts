import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDockerfile } from '../../runner/dockerfile';
import { DOCKERFILE_CODES } from '../../runner/dockerfile/codes';
import type { Diagnostic } from '../../runner/workflow/diagnostic';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'dockerfile', 'fixtures');

/** code line:col-line:col 'text' (1-based, as the CLI prints them). */
function summary(text: string, ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.code} ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${text.slice(d.range.start.offset, d.range.end.offset)}`);
}

function applyFix(text: string, d: Diagnostic): string {
  assert.ok(d.fix, `${d.code} has a fix`);
  const edits = [...d.fix.edits].sort((a, b) => b.range.start.offset - a.range.start.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

const codesOf = (text: string) => checkDockerfile(text).map((d) => d.code);

describe('Dockerfile rules', () => {
  it('report every rule of the fixture at its exact range', () => {
    const text = readFileSync(join(fixtures, 'shifter-bad.Dockerfile'), 'utf8');
    assert.deepEqual(summary(text, checkDockerfile(text)), [
      'SD003 3:16-3:21 cmake',
      'SD007 5:6-5:14 centos:6',
      'SD001 6:20-6:31 mpich-devel',
      'SD009 8:23-8:57 https://example.org/app-1.0.tar.gz',
      'SD002 9:81-9:93 make install',
      'SD004 10:15-10:32 /etc/app/app.conf',
      'SD002 11:30-11:40 /usr/local',
      'SD004 12:19-12:37 /var/lib/app/state',
      'SD005 13:18-13:38 --prefix=/root/tools',
      'SD006 13:48-13:51 700',
      'SD003 14:6-14:13 "cmake"',
    ]);
  });

  it('quick fixes produce a Dockerfile the rule accepts', () => {
    const cases: [string, string, string][] = [
      ['FROM debian:12\nRUN make install\n', 'SD002', 'FROM debian:12\nRUN make install && /sbin/ldconfig\n'],
      ['FROM debian:12\nRUN make install # done\n', 'SD002', 'FROM debian:12\nRUN make install && /sbin/ldconfig # done\n'],
      ['FROM debian:12\nRUN ["make", "install"]\n', 'SD002', 'FROM debian:12\nRUN ["make", "install"]\nRUN /sbin/ldconfig\n'],
      ['FROM debian:12\nRUN cmake .. && make install && /sbin/ldconfig\n', 'SD003', 'FROM debian:12\nRUN cmake -DCMAKE_SKIP_RPATH=ON .. && make install && /sbin/ldconfig\n'],
      ['FROM debian:12\nRUN chmod go-rwx /opt/app\n', 'SD006', 'FROM debian:12\nRUN chmod go-w /opt/app\n'],
      ['FROM debian:12\nCOPY --chmod=600 app /opt/app\n', 'SD006', 'FROM debian:12\nCOPY --chmod=644 app /opt/app\n'],
      ['FROM ubuntu:12.04\nRUN true\n', 'SD007', 'FROM ubuntu:16.04\nRUN true\n'],
      ['FROM debian:12\nRUN wget https://x.org/a.tgz && tar xzf a.tgz && cd a\n', 'SD009', 'FROM debian:12\nRUN wget https://x.org/a.tgz && tar xzf a.tgz && rm -f a.tgz && cd a\n'],
    ];
    for (const [text, code, expected] of cases) {
      const d = checkDockerfile(text).find((x) => x.code === code);
      assert.ok(d, `${code} in ${JSON.stringify(text)}`);
      const fixed = applyFix(text, d);
      assert.equal(fixed, expected);
      assert.ok(!codesOf(fixed).includes(code as never), `${code} gone after the fix: ${JSON.stringify(fixed)}`);
    }
  });

  it('line continuations, comment lines inside them, here-documents and sh -c strings', () => {
    const text = 'FROM debian:12\nRUN apt-get update && \\\n# a comment line\n    apt-get install -y \\\n      libmpich-dev\nRUN <<EOF\nset -e\napt-get install -y mpich\nEOF\nRUN ["sh", "-c", "yum install -y mpich"]\n';
    assert.deepEqual(summary(text, checkDockerfile(text)), ['SD001 5:7-5:19 libmpich-dev', 'SD001 8:20-8:25 mpich', 'SD001 10:34-10:39 mpich']);
  });

  it('only the stages that reach the image count for the image content rules', () => {
    // The builder's /etc file and tarball stay behind; its cmake output is copied, so SD003 applies.
    const text = 'FROM debian:12 AS build\nRUN wget https://x.org/a.tgz && tar xf a.tgz\nCOPY x.conf /etc/x.conf\nRUN cmake . && make install\nFROM debian:12 AS unused\nRUN apt-get install -y mpich\nFROM debian:12\nCOPY --from=build /opt/app /opt/app\n';
    assert.deepEqual(codesOf(text), ['SD003']);
    // FROM an earlier stage: that stage's content is the image's.
    assert.deepEqual(codesOf('FROM debian:12 AS base\nRUN make install\nFROM base\nRUN true\n'), ['SD002']);
    assert.deepEqual(codesOf('FROM debian:12 AS base\nRUN make install\nFROM base\nRUN ldconfig\n'), []);
  });

  it('base images: old glibc by tag, ARG-given tags, musl; MPI use raises the severity', () => {
    const at = (text: string) => checkDockerfile(text).map((d) => `${d.code} ${d.severity}`);
    assert.deepEqual(at('FROM centos:6.10\n'), ['SD007 info']);
    assert.deepEqual(at('ARG V=wheezy\nFROM debian:${V}\n'), ['SD007 info']);
    assert.deepEqual(at('FROM docker.io/library/ubuntu:precise\nRUN pip install mpi4py\n'), ['SD007 warning']);
    assert.deepEqual(at('FROM python:3.12-alpine\nRUN pip install mpi4py\n'), ['SD008 warning']);
    assert.deepEqual(at('FROM ubuntu:14.04\n'), [], 'ubuntu 14.04 ships glibc 2.19');
    assert.deepEqual(at('FROM centos:7\nFROM rockylinux:9\n'), []);
  });

  it('leaves alone what is not a finding', () => {
    const clean = [
      'FROM debian:12\nRUN echo "deb http://x stable main" > /etc/apt/sources.list.d/x.list && apt-get update\n',
      'FROM debian:12\nRUN curl -fsSL https://x.org/a.tar.gz | tar xz -C /opt\n',
      'FROM debian:12\nRUN cd /build && wget https://x.org/a.tgz && tar xf a.tgz && rm /build/a.tgz\n',
      'FROM debian:12\nRUN wget https://x.org/a.tgz && tar xf a.tgz && rm -rf *.tgz\n',
      'FROM debian:12\nRUN chmod 755 /opt/app && chmod 600 /root/.ssh/id_rsa && chmod a-x f && chmod o-w /opt\n',
      'FROM debian:12\nRUN make DESTDIR=/tmp/stage install\n',
      'FROM debian:12\nRUN cmake --build . && echo cmake\n',
      'FROM debian:12\nRUN apt-get install -y openmpi-bin mpich-doc-viewer\n',
      'FROM debian:12\nUSER app\nRUN pip install --user numpy\n',
      'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* /root/.cache\n',
      '',
      '# only a comment\n',
    ];
    for (const text of clean) assert.deepEqual(codesOf(text), [], JSON.stringify(text));
  });

  it('/root in its forms: COPY under WORKDIR /root, ~ as root, pip --user as root, ENV PATH', () => {
    const text = 'FROM debian:12\nWORKDIR /root\nCOPY tool .\nRUN git clone https://x.org/r ~/r\nRUN pip install --user numpy\nENV PATH=/root/miniconda/bin:$PATH\n';
    assert.deepEqual(summary(text, checkDockerfile(text)), ['SD005 3:11-3:12 .', 'SD005 4:31-4:34 ~/r', 'SD005 5:17-5:23 --user', 'SD005 6:10-6:35 /root/miniconda/bin:$PATH']);
  });

  it('hostile content: quotes, $(), ; and newlines stay inside their words; a fix quotes the name it inserts', () => {
    const text = `FROM debian:12\nRUN echo "a; apt-get install mpich" && printf '%s' "$(apt-get install -y mpich)" ; wget -O "my file;rm -rf ~.tgz" https://x.org/a && tar xf "my file;rm -rf ~.tgz"\n`;
    const ds = checkDockerfile(text);
    assert.deepEqual(ds.map((d) => d.code), ['SD009'], 'nothing inside quotes or $() is read as a command');
    const fixed = applyFix(text, ds[0]);
    assert.ok(fixed.includes(`&& rm -f 'my file;rm -rf ~.tgz'`), fixed);
    assert.deepEqual(codesOf(fixed), []);
  });

  it('never throws on broken or random Dockerfiles, and every range lies inside the text', () => {
    const pieces = ['FROM ', 'ubuntu:12.04', ' AS b', '\n', 'RUN ', 'make install', ' \\\n', '"', "'", '$(', ')', '`', '<<EOF', 'EOF', '[', ']', '"mpich"', ', ', 'COPY ', '/etc/x', ' --from=b ', 'chmod 700 ', 'wget http://x/a.tgz', '&&', ';', '#', '\r\n', '\t', 'ARG X=${', '}'];
    let seed = 14;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const n = 1 + Math.floor(random() * 30);
      for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
      let ds: Diagnostic[];
      try {
        ds = checkDockerfile(text);
      } catch (err) {
        assert.fail(`threw on ${JSON.stringify(text)}: ${(err as Error).stack}`);
      }
      for (const d of ds) {
        assert.ok(d.range.start.offset >= 0 && d.range.start.offset <= d.range.end.offset && d.range.end.offset <= text.length, `${d.code} range in ${JSON.stringify(text)}`);
        assert.ok(d.code in DOCKERFILE_CODES);
      }
    }
  });

  it('every code has a title, a rule and a fix text', () => {
    for (const [code, info] of Object.entries(DOCKERFILE_CODES)) {
      assert.match(code, /^SD\d{3}$/);
      assert.ok(info.title && info.rule && info.fix, code);
    }
  });
});
