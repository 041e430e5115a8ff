// SD004: application files written into /etc or /var; SD005: software put under /root. Only the
// image's own stages count (a builder stage's files stay behind unless copied). Writes are read where
// they can be seen reliably: COPY/ADD destinations (relative ones against WORKDIR), RUN redirections,
// tee, mkdir, touch, cp/mv/install/ln destinations, git clone and tar -C directories, wget -O/-P,
// curl -o, install prefixes (--prefix, PREFIX=, CMAKE_INSTALL_PREFIX), pip install --user as root,
// and ENV values that point into /root.

import type { Diagnostic } from '../../workflow/diagnostic';
import { expand, finding, program } from '../finding';
import type { Model, Step } from '../model';
import type { Command, Word } from '../shell-words';
import { destinationOf } from './libraries';

/** Files the build itself uses (package sources, locale, time zone, build scratch): not application files. */
const BUILD_ONLY = /^\/(?:etc\/(?:apt|yum\.repos\.d|yum|yum\.conf|dnf|zypp|apk|pki\/rpm-gpg|locale\.gen|timezone|localtime|ld\.so\.conf|ld\.so\.conf\.d|debconf\.conf|ssl|ca-certificates|sudoers|sudoers\.d)(?:\/|$)|var\/(?:tmp|cache|log|lib\/(?:apt|dpkg|rpm|yum|dnf|apk))(?:\/|$))/;
/** The /etc files Shifter replaces with the site's (shifter-contract.md). */
const SITE_ETC = /^\/etc\/(?:passwd|group|hosts|resolv\.conf|nsswitch\.conf)$/;

export interface Context {
  vars: Map<string, string>;
  workdir: string;
  user: string;
}

/** Walks the image's stages in build order, with the ENV/ARG values, WORKDIR and USER in effect. */
export function walkImage(model: Model, visit: (step: Step, ctx: Context) => void): void {
  const ctx: Context = { vars: new Map(model.initialArgs), workdir: '/', user: 'root' };
  ctx.vars.set('HOME', '/root');
  for (const stage of model.finalChain) {
    for (const step of stage.steps) {
      visit(step, ctx);
      const ins = step.instruction;
      const kw = ins.getKeyword();
      if (kw === 'ENV' || kw === 'ARG') {
        for (const p of (ins as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
          const v = p.getValue();
          if (v !== null) ctx.vars.set(p.getName(), expand(v, ctx.vars) ?? v);
        }
      } else if (kw === 'WORKDIR') {
        const raw = ins.getArgumentsContent() ?? '';
        const dir = expand(raw.trim(), ctx.vars);
        if (dir) ctx.workdir = joinPath(ctx.workdir, dir);
      } else if (kw === 'USER') {
        ctx.user = (ins.getArguments()[0]?.getValue() ?? 'root').split(':')[0];
        if (ctx.user !== 'root' && ctx.user !== '0') ctx.vars.set('HOME', `/home/${ctx.user}`);
        else ctx.vars.set('HOME', '/root');
      }
    }
  }
}

export function joinPath(base: string, path: string): string {
  const parts = (path.startsWith('/') ? path : `${base}/${path}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

interface Target {
  word: Word;
  path: string;
  how: string;
}

export function systemPaths(model: Model, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkImage(model, (step, ctx) => {
    for (const t of targets(model, step, ctx)) {
      const p = t.path;
      if (p === '/root' || p.startsWith('/root/')) {
        out.push(finding(model, file, 'SD005', t.word.start, t.word.end, `${t.how} ${p}: root is squashed under Shifter (the job runs as you), so software under /root cannot be used; install under /usr/local or /opt`));
        continue;
      }
      if (!/^\/(?:etc|var)(?:\/|$)/.test(p) || BUILD_ONLY.test(p)) continue;
      if (p.startsWith('/var') || SITE_ETC.test(p)) {
        const whose = p.startsWith('/var') ? 'Shifter builds /var itself when the image is mounted' : `Shifter replaces ${p} with the site's`;
        out.push(finding(model, file, 'SD004', t.word.start, t.word.end, `${t.how} ${p}: ${whose}, so the job will not see it; put application files elsewhere (e.g. /opt/APP)`));
      } else {
        out.push(finding(model, file, 'SD004', t.word.start, t.word.end, `${t.how} ${p}: the Shifter guide reserves /etc for the system ("overwritten when the image is mounted"); keep application files out of /etc (e.g. /opt/APP or /usr/local/etc)`, undefined, 'info'));
      }
    }
  });
  return out;
}

function targets(model: Model, step: Step, ctx: Context): Target[] {
  const out: Target[] = [];
  const add = (word: Word | undefined, value: string | undefined, how: string) => {
    if (!word || value === undefined) return;
    const v = resolve(value, ctx);
    if (v !== undefined && v.startsWith('/')) out.push({ word, path: joinPath('/', v), how });
  };
  const kw = step.instruction.getKeyword();
  if (step.kind === 'copy') {
    const d = step.destination;
    if (d) {
      const v = resolve(d.value, ctx);
      if (v !== undefined) out.push({ word: d, path: joinPath(ctx.workdir, v), how: `${step.keyword} writes to` });
    }
  } else if (step.kind === 'run') {
    for (const cmd of step.commands) commandTargets(cmd, ctx, add);
  } else if (kw === 'ENV') {
    for (const p of (step.instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null; getValueRange(): { start: { line: number; character: number }; end: { line: number; character: number } } | null }[] }).getProperties()) {
      const v = p.getValue();
      const r = p.getValueRange();
      if (v === null || !r) continue;
      const hit = v.split(':').find((part) => part === '/root' || part.startsWith('/root/'));
      if (hit) out.push({ word: { value: v, offsets: [], start: model.doc.offsetAt(r.start), end: model.doc.offsetAt(r.end), expands: false }, path: hit, how: `ENV ${p.getName()} points into` });
    }
  }
  return out;
}

/** The path a word names in the build, with $VAR expanded and ~ as HOME; undefined when unknown. */
function resolve(value: string, ctx: Context): string | undefined {
  const v = value.startsWith('~/') || value === '~' ? `${ctx.vars.get('HOME') ?? '/root'}${value.slice(1)}` : value;
  return v.includes('$') ? expand(v, ctx.vars) : v;
}

type Add = (word: Word | undefined, value: string | undefined, how: string) => void;

function commandTargets(cmd: Command, ctx: Context, add: Add): void {
  for (const r of cmd.redirects) if (/^(?:>|>>|>\||&>|&>>)$/.test(r.op)) add(r.target, r.target?.value, 'writes to');
  for (const a of cmd.assigns) prefixAssignment(a, add);
  const p = program(cmd);
  if (!p) return;
  const args = p.args;
  const operands = args.filter((w) => !w.value.startsWith('-'));
  switch (p.name) {
    case 'tee':
    case 'touch':
    case 'mkdir':
      for (const w of operands) add(w, w.value, `${p.name}`);
      break;
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
    case 'rsync': {
      const d = destinationOf(args);
      add(d, d?.value, `${p.name} to`);
      break;
    }
    case 'git':
      if (operands[0]?.value === 'clone' && operands.length >= 3) add(operands[operands.length - 1], operands[operands.length - 1].value, 'git clone into');
      break;
    case 'tar':
      args.forEach((w, k) => {
        if (w.value === '-C' || w.value === '--directory') add(args[k + 1], args[k + 1]?.value, 'tar extracts into');
        else if (w.value.startsWith('--directory=')) add(w, w.value.slice(12), 'tar extracts into');
      });
      break;
    case 'wget':
      args.forEach((w, k) => {
        if (w.value === '-O' || w.value === '-P' || w.value === '--directory-prefix' || w.value === '--output-document') add(args[k + 1], args[k + 1]?.value, 'wget saves to');
      });
      break;
    case 'curl':
      args.forEach((w, k) => {
        if (w.value === '-o' || w.value === '--output') add(args[k + 1], args[k + 1]?.value, 'curl saves to');
      });
      break;
    case 'pip':
    case 'pip3':
      if (operands[0]?.value === 'install' && args.some((w) => w.value === '--user') && (ctx.user === 'root' || ctx.user === '0')) {
        const w = args.find((x) => x.value === '--user')!;
        add(w, '/root/.local', 'pip install --user as root installs into');
      }
      break;
  }
  for (let k = 0; k < args.length; k++) {
    const w = args[k];
    if (w.value === '--prefix' || w.value === '--root' || w.value === '--target' || w.value === '--home') add(args[k + 1], args[k + 1]?.value, `${w.value} installs into`);
    else prefixAssignment(w, add);
  }
}

/** --prefix=DIR, PREFIX=DIR, -DCMAKE_INSTALL_PREFIX=DIR (and :PATH), as an argument or an assignment. */
function prefixAssignment(w: Word, add: Add): void {
  const m = /^(--prefix|--exec-prefix|--libdir|--bindir|--target|--home|PREFIX|prefix|-DCMAKE_INSTALL_PREFIX(?::[A-Z]+)?)=(.+)$/.exec(w.value);
  if (m) add(w, m[2], `${m[1].replace(/:[A-Z]+$/, '')} installs into`);
}
