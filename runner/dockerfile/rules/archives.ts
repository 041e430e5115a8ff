// SD009: an archive downloaded (wget/curl, or ADD of a URL) into the image's stages and not removed in
// the same RUN: the layer keeps it, whatever a later RUN removes.

import type { Diagnostic } from '../../workflow/diagnostic';
import { quote } from '../../render/shell-quote';
import { expand, finding, insertAt, program } from '../finding';
import { basename, type Model, type RunStep } from '../model';
import type { Word } from '../shell-words';
import { exact } from './libraries';
import { joinPath, walkImage, type Context } from './paths';

const ARCHIVE = /\.(?:tar(?:\.(?:gz|bz2|xz|zst|lz|Z))?|tgz|tbz2?|txz|zip|deb|rpm)$/;

interface Download {
  word: Word;
  /** Absolute path, or undefined when the directory is not known. */
  path?: string;
  name: string;
}

export function archives(model: Model, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkImage(model, (step, ctx) => {
    if (step.kind === 'copy' && step.keyword === 'ADD' && step.sources.some((s) => /^https?:\/\//.test(s.value) && ARCHIVE.test(urlName(s.value)))) {
      const s = step.sources.find((x) => /^https?:\/\//.test(x.value))!;
      out.push(finding(model, file, 'SD009', s.start, s.end, `ADD of a remote archive (${urlName(s.value)}) keeps it in its layer for good: download, unpack and remove it in one RUN`));
    }
    if (step.kind === 'run') out.push(...inRun(model, file, step, ctx));
  });
  return out;
}

function urlName(url: string): string {
  return basename(url.split(/[?#]/)[0]);
}

function inRun(model: Model, file: string, step: RunStep, ctx: Context): Diagnostic[] {
  let cwd: string | undefined = ctx.workdir;
  const downloads: Download[] = [];
  const removed: { path?: string; pattern: RegExp }[] = [];
  const extractedAt = new Map<Download, number>();
  const at = (dir: string | undefined, name: string) => (name.startsWith('/') ? joinPath('/', name) : dir === undefined ? undefined : joinPath(dir, name));
  for (const cmd of step.commands) {
    const p = program(cmd);
    if (!p) continue;
    const args = p.args;
    const val = (w: Word | undefined) => (w ? expand(w.value, ctx.vars) : undefined);
    if (p.name === 'cd') {
      const d = val(args[0]);
      cwd = d === undefined || cwd === undefined ? undefined : joinPath(cwd, d);
    } else if (p.name === 'wget' || p.name === 'curl') {
      const urls = args.filter((w) => /^(?:https?|ftp):\/\//.test(w.value));
      let output: string | undefined;
      let remoteName = p.name === 'wget';
      let dir = cwd;
      args.forEach((w, k) => {
        const v = w.value;
        if (p.name === 'wget' && (/^-[a-zA-Z]*O$/.test(v) || v === '--output-document')) output = val(args[k + 1]);
        else if (p.name === 'wget' && /^-[a-zA-Z]*O./.test(v)) output = v.slice(v.indexOf('O') + 1);
        else if (p.name === 'wget' && v.startsWith('--output-document=')) output = v.slice(18);
        else if (p.name === 'wget' && (v === '-P' || v === '--directory-prefix')) dir = at(cwd, val(args[k + 1]) ?? '');
        else if (p.name === 'curl' && (/^-[a-zA-Z]*o$/.test(v) || v === '--output')) output = val(args[k + 1]);
        else if (p.name === 'curl' && (/^-[a-zA-Z]*O$/.test(v) || v === '--remote-name')) remoteName = true;
      });
      if (output === '-' || output === '/dev/stdout' || (output === undefined && !remoteName) || cmd.redirects.some((r) => r.op.includes('>'))) continue;
      for (const u of urls.slice(0, 1)) {
        const name = output ?? urlName(u.value);
        if (!ARCHIVE.test(name)) continue;
        downloads.push({ word: u, name, path: at(dir, name) });
      }
    } else if (p.name === 'rm') {
      for (const w of args) {
        const v = val(w);
        if (v === undefined || v.startsWith('-')) continue;
        const path = at(cwd, v);
        removed.push({ path, pattern: glob(basename(v)) });
      }
    } else if (p.name === 'tar' || p.name === 'unzip') {
      for (const d of downloads) if (args.some((w) => w.value === d.name || (d.path !== undefined && at(cwd, w.value) === d.path))) extractedAt.set(d, cmd.end);
    }
  }
  const out: Diagnostic[] = [];
  for (const d of downloads) {
    const gone = removed.some((r) => (r.path !== undefined && d.path !== undefined ? d.path === r.path || d.path.startsWith(`${r.path}/`) || (r.pattern.test(basename(d.path)) && dirOf(d.path) === dirOf(r.path)) : r.pattern.test(d.name)));
    if (gone) continue;
    const after = extractedAt.get(d);
    const quoted = safeQuote(d.name);
    const fix = after !== undefined && quoted !== undefined && step.form !== 'exec' && exact(d.word) ? { title: `Remove ${d.name} after unpacking it`, edits: [insertAt(model, after, ` && rm -f ${quoted}`)] } : undefined;
    out.push(finding(model, file, 'SD009', d.word.start, d.word.end, `${d.name} is downloaded and not removed in the same RUN: it stays in the image's layer (size; images above about 20 GB time out on upload); add \`&& rm -f ${d.name}\` once it is unpacked`, fix));
  }
  return out;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** The name as one shell word; undefined for a name no shell word can carry (a NUL). */
function safeQuote(name: string): string | undefined {
  try {
    return quote(name, 'the archive name');
  } catch {
    return undefined;
  }
}
