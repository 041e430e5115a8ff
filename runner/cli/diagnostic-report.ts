// How `validate` and `dockerfile check` print what they found: one FILE:LINE:COL line per diagnostic
// on stdout and a count on stderr, or with --json one document of every file's diagnostics.

import { formatDiagnostic, type Diagnostic } from '../workflow/diagnostic';

export interface FileDiagnostics {
  file: string;
  diagnostics: Diagnostic[];
}

export interface DiagnosticCounts {
  flat: Diagnostic[];
  errors: number;
  warnings: number;
}

/** `summary` gives the stderr line from the counts (undefined: none), in the text form only. */
export function writeDiagnosticReport(all: FileDiagnostics[], json: boolean, summary: (counts: string) => string | undefined): DiagnosticCounts {
  const flat = all.flatMap((f) => f.diagnostics);
  const errors = flat.filter((d) => d.severity === 'error').length;
  const warnings = flat.filter((d) => d.severity === 'warning').length;
  if (json) {
    process.stdout.write(JSON.stringify({ files: all, errors, warnings }, null, 2) + '\n');
  } else {
    for (const d of flat) process.stdout.write(formatDiagnostic(d) + '\n');
    const line = summary(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
    if (line !== undefined) process.stderr.write(line + '\n');
  }
  return { flat, errors, warnings };
}
