// `shifterflow dockerfile check PATH... [--json] [--strict]`: the Dockerfile rules (runner/dockerfile, SD0xx)
// outside the editor, e.g. in CI before an image is built. One line per finding as `validate`
// prints them (FILE:LINE:COL: SEVERITY CODE MESSAGE), or validate's JSON; exit 1 on an error.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkDockerfile, isDockerfileName } from '../dockerfile';
import { hasErrors, type Diagnostic } from '../workflow/diagnostic';
import { parse } from './args';
import { writeDiagnosticReport } from './diagnostic-report';
import { UserError } from '../user-error';

export const DOCKERFILE_USAGE = `Usage: shifterflow dockerfile check PATH... [--json] [--strict]

Checks Dockerfiles against Shifter's rules (SD001-SD009: the distribution's MPICH, libraries
without ldconfig, cmake's rpath, files in /etc or /var, software in /root, closed modes, old
glibc base images, source archives left in the image). A PATH that is a directory is searched
for files named like Dockerfiles (Dockerfile, Containerfile, Dockerfile.NAME, NAME.Dockerfile),
skipping .git and node_modules. Prints FILE:LINE:COL: SEVERITY CODE MESSAGE per finding and
exits 1 when any error is found, 0 otherwise.

Options:
  --json    print {"files":[{"file","diagnostics":[...]}],"errors":N,"warnings":N} instead
  --strict  exit 1 on warnings too (the rules warn: each is a risk under Shifter, not a sure failure)
  -h, --help`;

const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.shifterflow']);

export function dockerfileCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, strict: { type: 'boolean' } }, DOCKERFILE_USAGE);
  const [verb, ...paths] = positionals;
  if (values.help || verb === undefined) {
    process.stdout.write(DOCKERFILE_USAGE + '\n');
    return values.help ? 0 : 2;
  }
  if (verb !== 'check') throw new UserError(`unknown dockerfile command "${verb}"\n\n${DOCKERFILE_USAGE}`);
  if (paths.length === 0) throw new UserError(`give at least one Dockerfile or directory\n\n${DOCKERFILE_USAGE}`);
  const files = paths.flatMap(dockerfilesAt);
  const all: { file: string; diagnostics: Diagnostic[] }[] = files.map((file) => ({ file, diagnostics: checkDockerfile(read(file), file) }));
  const { flat, warnings } = writeDiagnosticReport(all, values.json === true, (counts) => `${files.length} Dockerfile${files.length === 1 ? '' : 's'}: ${counts}`);
  return hasErrors(flat) || (values.strict === true && warnings > 0) ? 1 : 0;
}

/** A file as given (whatever its name), or the Dockerfiles under a directory, sorted. */
function dockerfilesAt(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  if (!isDir) return [path];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(p);
      } else if (e.isFile() && isDockerfileName(e.name)) found.push(p);
    }
  };
  walk(path);
  if (found.length === 0) throw new UserError(`no Dockerfile under ${path} (looked for Dockerfile, Containerfile, Dockerfile.NAME, NAME.Dockerfile)`);
  return found;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`cannot read ${file}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
}
