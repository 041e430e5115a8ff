// SD002: libraries installed (make/ninja/cmake/meson install, or files put into a lib directory) with
// no ldconfig after them in the image's stages; SD003: cmake configured without CMAKE_SKIP_RPATH in a
// stage that also installs what it builds.

import type { Diagnostic } from '../../workflow/diagnostic';
import { appendToRun, finding, insertAt, program } from '../finding';
import type { Model, Stage, Step } from '../model';
import type { Command, Word } from '../shell-words';

/** A lib directory, or a shared library file right inside one. */
const INTO_LIB = /^\/(?:usr\/(?:local\/)?)?lib(?:32|64)?(?:\/x86_64-linux-gnu)?(?:\/?$|\/[^/]*\.so(?:\.[0-9.]+)?$)/;
/** Whole prefixes copied from a builder stage (COPY --from=build /usr/local /usr/local). */
const PREFIX = /^\/(?:usr(?:\/local)?\/?)?$/;

interface Install {
  step: Step;
  start: number;
  end: number;
  what: string;
}

/** The install a command performs, if it is one: its range and a short name. */
function installOf(cmd: Command): Omit<Install, 'step'> | undefined {
  const p = program(cmd);
  if (!p) return undefined;
  const values = p.args.map((w) => w.value);
  // DESTDIR stages the files elsewhere (packaging): nothing reaches the search path.
  if ([...cmd.assigns, ...p.args].some((w) => /^DESTDIR=./.test(w.value))) return undefined;
  const span = (last: Word, what: string) => ({ start: p.word.start, end: last.end, what });
  if ((p.name === 'make' || p.name === 'gmake' || p.name === 'ninja') && values.some((v) => /^install(?:-strip|-exec|-lib.*)?$/.test(v))) {
    return span(p.args.find((w) => /^install/.test(w.value))!, `${p.name} install`);
  }
  if ((p.name === 'cmake' || p.name === 'cmake3') && (values.includes('--install') || (values.includes('--build') && values.some((v, k) => v === 'install' && values[k - 1] === '--target')))) {
    return span(p.args[p.args.length - 1], 'cmake --install');
  }
  if (p.name === 'meson' && values[0] === 'install') return span(p.args[0], 'meson install');
  if ((p.name === 'cp' || p.name === 'install' || p.name === 'mv' || p.name === 'ln') && p.args.length >= 2) {
    const dest = destinationOf(p.args);
    if (dest && INTO_LIB.test(dest.value)) return { start: p.word.start, end: dest.end, what: `${p.name} into ${dest.value}` };
  }
  return undefined;
}

/** cp/install/mv/ln's destination: the -t DIR option, or the last operand. */
export function destinationOf(args: Word[]): Word | undefined {
  const t = args.findIndex((w) => w.value === '-t' || w.value === '--target-directory');
  if (t >= 0) return args[t + 1];
  const eq = args.find((w) => w.value.startsWith('--target-directory='));
  if (eq) return { ...eq, value: eq.value.slice('--target-directory='.length) };
  const operands = args.filter((w) => !w.value.startsWith('-'));
  return operands.length >= 2 ? operands[operands.length - 1] : undefined;
}

function isLdconfig(cmd: Command): boolean {
  return program(cmd)?.name === 'ldconfig';
}

export function libraries(model: Model, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let pending: Install[] = [];
  for (const stage of model.finalChain) {
    for (const step of stage.steps) {
      if (step.kind === 'run') {
        for (const cmd of step.commands) {
          if (isLdconfig(cmd)) pending = [];
          const inst = installOf(cmd);
          if (inst) pending.push({ step, ...inst });
        }
      } else if (step.kind === 'copy' && step.destination) {
        const dest = step.destination.value;
        if (INTO_LIB.test(dest) || (step.from !== undefined && PREFIX.test(dest))) pending.push({ step, start: step.destination.start, end: step.destination.end, what: `${step.keyword} into ${dest}` });
      }
    }
  }
  const seen = new Set<Step>();
  for (const p of pending) {
    const first = !seen.has(p.step);
    seen.add(p.step);
    const edits = first ? (p.step.kind === 'run' ? appendToRun(model, p.step, '/sbin/ldconfig') : [insertAt(model, model.doc.offsetAt(p.step.instruction.getRange().end), '\nRUN /sbin/ldconfig')]) : undefined;
    out.push(finding(model, file, 'SD002', p.start, p.end, `${p.what} with no /sbin/ldconfig after it: libraries must be in the linker cache for programs in the image to find them under Shifter; run /sbin/ldconfig in the build`, edits ? { title: 'Run /sbin/ldconfig after it', edits } : undefined));
  }
  return out;
}

const NOT_CONFIGURE = new Set(['--build', '--install', '-E', '-P', '--version', '-version', '--help', '-h', '-N', '--system-information', '--find-package', '--workflow']);
const SKIP_RPATH = /^(?:-D)?CMAKE_SKIP(?:_INSTALL)?_RPATH(?::BOOL)?=(?:ON|TRUE|YES|Y|1)$/i;

export function cmakeRpath(model: Model, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const stage of model.stages) {
    if (!model.reachable.has(stage) || !installsSomething(stage)) continue;
    for (const step of stage.steps) {
      if (step.kind !== 'run') continue;
      for (const cmd of step.commands) {
        const p = program(cmd);
        if (!p || (p.name !== 'cmake' && p.name !== 'cmake3')) continue;
        if (p.args.length === 0 || p.args.some((w) => NOT_CONFIGURE.has(w.value))) continue;
        if (p.args.some((w) => SKIP_RPATH.test(w.value))) continue;
        const topExec = step.form === 'exec' && cmd === step.commands[0];
        const fix = topExec ? ', "-DCMAKE_SKIP_RPATH=ON"' : exact(p.word) ? ' -DCMAKE_SKIP_RPATH=ON' : undefined;
        out.push(
          finding(model, file, 'SD003', p.word.start, p.word.end, `${p.word.value} without -DCMAKE_SKIP_RPATH=ON in a stage that installs libraries: an rpath can override LD_LIBRARY_PATH, so the system MPI Shifter swaps in may not be used`, fix ? { title: 'Add -DCMAKE_SKIP_RPATH=ON', edits: [insertAt(model, p.word.end, fix)] } : undefined),
        );
      }
    }
  }
  return out;
}

function installsSomething(stage: Stage): boolean {
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const step of s.steps) if (step.kind === 'run' && step.commands.some((c) => installOf(c) !== undefined)) return true;
  }
  return false;
}

/** Whether a word's characters map one to one onto the document (not inside an escaped JSON string). */
export function exact(w: Word): boolean {
  for (let k = 1; k < w.offsets.length; k++) if (w.offsets[k] <= w.offsets[k - 1]) return false;
  return w.offsets.length > 1;
}
