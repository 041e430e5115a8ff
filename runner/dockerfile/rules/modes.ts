// SD006: chmod (in RUN, or COPY/ADD --chmod) to a mode that takes read or execute away from group and
// others (700, 600, go-rwx, o=): root is squashed under Shifter, the job runs as the user, who is
// "others" to files installed by root. In every stage whose files reach the image (COPY --from keeps
// modes).

import type { Diagnostic } from '../../workflow/diagnostic';
import { finding, program } from '../finding';
import { range, type Model } from '../model';
import type { Word } from '../shell-words';
import { exact } from './libraries';

export function modes(model: Model, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (mode: Word, how: string) => {
    const verdict = judge(mode.value);
    if (!verdict) return;
    // Only where the mode is written as is (not quoted, not escaped), so the edit replaces exactly it.
    const fix = verdict.replacement !== undefined && exact(mode) && mode.end - mode.start === mode.value.length ? { title: `Use ${verdict.replacement}`, edits: [{ range: range(model.doc, mode.start, mode.end), newText: verdict.replacement }] } : undefined;
    out.push(finding(model, file, 'SD006', mode.start, mode.end, `${how} ${mode.value} takes ${verdict.lost} away from others: root is squashed under Shifter (the job runs as you), so it cannot ${verdict.lost === 'read' ? 'read' : 'use'} this software; ${verdict.replacement ? `use ${verdict.replacement}` : 'keep o+r (o+x on directories and programs)'}`, fix));
  };
  for (const stage of model.stages) {
    if (!model.reachable.has(stage)) continue;
    for (const step of stage.steps) {
      if (step.kind === 'copy' && step.chmod) report(step.chmod, `${step.keyword} --chmod=`);
      if (step.kind !== 'run') continue;
      for (const cmd of step.commands) {
        const p = program(cmd);
        if (!p || p.name !== 'chmod') continue;
        const mode = p.args.find((w) => !w.value.startsWith('-') || /^-[rwxXst]+$/.test(w.value));
        // A private key or a secret is meant to be 600; software is not, and the operands say which.
        const operands = p.args.filter((w) => w !== mode && !w.value.startsWith('-'));
        if (mode && !operands.every((w) => /(?:\.ssh|id_[a-z0-9]+|\.key|\.pem|secret|credential)/i.test(w.value))) report(mode, 'chmod');
      }
    }
  }
  return out;
}

interface Verdict {
  lost: 'read' | 'read and execute' | 'execute';
  replacement?: string;
}

/** Whether a chmod mode leaves others without read (or execute, for an executable owner mode). */
export function judge(mode: string): Verdict | undefined {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.slice(-3).split('').map(Number);
    const [owner, group, other] = digits;
    const ownerX = (owner & 1) === 1;
    const lacksRead = (other & 4) === 0;
    const lacksExec = ownerX && (other & 1) === 0;
    if (!lacksRead && !lacksExec) return undefined;
    const fixDigit = (d: number) => d | 4 | (ownerX ? 1 : 0);
    const replacement = `${mode.slice(0, mode.length - 3)}${owner}${fixDigit(group)}${fixDigit(other)}`;
    return { lost: lacksRead && lacksExec ? 'read and execute' : lacksRead ? 'read' : 'execute', replacement };
  }
  // Symbolic: a clause that takes r/x from others but not from the owner (go-rwx, o-r, o=); a-r or
  // -x take it from the owner too, which is no Shifter matter.
  const clauses = mode.split(',');
  for (const c of clauses) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(c);
    if (!m) return undefined;
    const [, who, op, perms] = m;
    const others = who.includes('o') && !who.includes('u') && !who.includes('a');
    if (!others) continue;
    if (op === '-' && /[rxX]/.test(perms)) {
      const replacement = clauses.length === 1 && perms.includes('w') ? `${who}-w` : undefined;
      return { lost: /r/.test(perms) && /[xX]/.test(perms) ? 'read and execute' : /r/.test(perms) ? 'read' : 'execute', replacement };
    }
    if (op === '=' && !perms.includes('r')) return { lost: 'read', replacement: clauses.length === 1 ? `${who}=r${perms}${/[xX]/.test(perms) ? '' : 'X'}` : undefined };
  }
  return undefined;
}
