// What every Dockerfile rule shares: building a diagnostic (the workflow's Diagnostic type, so the CLI
// and the editor show both alike) from a code and document offsets, reading the program a command
// runs behind sudo/env wrappers, and the edits that append a command to a RUN.

import type { Diagnostic, Fix, Severity, TextEdit } from '../workflow/diagnostic';
import { DOCKERFILE_CODES, type DockerfileCode } from './codes';
import { basename, range, type Model, type RunStep } from './model';
import type { Command, Word } from './shell-words';

export function finding(model: Model, file: string, code: DockerfileCode, start: number, end: number, message: string, fix?: Fix, severity: Severity = DOCKERFILE_CODES[code].severity): Diagnostic {
  return { code, severity, message, file, range: range(model.doc, start, end), path: [], fix };
}

export function insertAt(model: Model, offset: number, newText: string): TextEdit {
  return { range: range(model.doc, offset, offset), newText };
}

const WRAPPERS = new Set(['sudo', 'env', 'time', 'nohup', 'nice', 'exec', 'command', 'stdbuf', 'chroot']);

/** The program a command runs (its basename) and its arguments, past sudo/env/time wrappers. */
export function program(cmd: Command): { name: string; word: Word; args: Word[] } | undefined {
  const argv = cmd.argv;
  let k = 0;
  while (k < argv.length && WRAPPERS.has(basename(argv[k].value))) {
    const wrapper = basename(argv[k].value);
    k++;
    // The wrapper's own options (`sudo -E`, `env -i`, `nice -n 5`) and env's NAME=value.
    while (k < argv.length && (argv[k].value.startsWith('-') || (wrapper === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[k].value)))) {
      const takesValue = (wrapper === 'sudo' && /^-[ugCDhprt]$/.test(argv[k].value)) || (wrapper === 'nice' && argv[k].value === '-n');
      k += takesValue ? 2 : 1;
    }
  }
  if (k >= argv.length) return undefined;
  return { name: basename(argv[k].value), word: argv[k], args: argv.slice(k + 1) };
}

/**
 * Edits that run COMMAND right after the RUN instruction's own commands: ` && COMMAND` after a shell
 * form's last token, or a new `RUN COMMAND` line after an exec form or a here-document.
 */
export function appendToRun(model: Model, step: RunStep, command: string): TextEdit[] | undefined {
  const script = step.script;
  if (step.form === 'shell' && script) {
    if (script.trailingOperator === ';' || script.trailingOperator === '&') return [insertAt(model, script.end, ` ${command}`)];
    // A dangling `&&`/`|` is a script that does not build; leave it to its author.
    if (script.trailingOperator !== undefined) return undefined;
    return [insertAt(model, script.end, ` && ${command}`)];
  }
  const end = model.doc.offsetAt(step.instruction.getRange().end);
  return [insertAt(model, end, `\nRUN ${command}`)];
}

/** Expands $VAR and ${VAR} from a map; undefined when a variable is unknown. */
export function expand(value: string, vars: ReadonlyMap<string, string>): string | undefined {
  let unknown = false;
  const out = value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, dflt: string | undefined, plain: string | undefined) => {
    const name = braced ?? plain!;
    const v = vars.get(name) ?? dflt;
    if (v === undefined) unknown = true;
    return v ?? '';
  });
  return unknown ? undefined : out;
}
