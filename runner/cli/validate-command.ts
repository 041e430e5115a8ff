import { formatDiagnostic, hasErrors, type Diagnostic } from '../workflow/diagnostic';
import { validateText } from '../workflow/validate';
import { parse } from './args';
import { readWorkflowFile } from './read-workflow';
import { UserError } from './user-error';

export const VALIDATE_USAGE = `Usage: shifterflow validate FILE... [--json]

Checks workflow files against the schema and Shifter's rules. Prints one line per problem,
FILE:LINE:COL: SEVERITY CODE MESSAGE, and exits 1 when any error is found, 0 otherwise.

Options:
  --json   print {"files":[{"file","diagnostics":[...]}],"errors":N,"warnings":N} instead
  -h, --help`;

export function validateCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, VALIDATE_USAGE);
  if (values.help) {
    process.stdout.write(VALIDATE_USAGE + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new UserError(`no file given\n\n${VALIDATE_USAGE}`);
  const all: { file: string; diagnostics: Diagnostic[] }[] = [];
  for (const file of positionals) {
    const result = validateText(readWorkflowFile(file), file);
    all.push({ file, diagnostics: result.diagnostics });
  }
  const flat = all.flatMap((f) => f.diagnostics);
  const errors = flat.filter((d) => d.severity === 'error').length;
  const warnings = flat.filter((d) => d.severity === 'warning').length;
  if (values.json) {
    process.stdout.write(JSON.stringify({ files: all, errors, warnings }, null, 2) + '\n');
  } else {
    for (const d of flat) process.stdout.write(formatDiagnostic(d) + '\n');
    if (flat.length > 0) process.stderr.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return hasErrors(flat) ? 1 : 0;
}
