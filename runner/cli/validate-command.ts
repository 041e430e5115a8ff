import { registryOpener } from '../imagecheck/registry-open';
import { planWorkflow } from '../plan';
import { PlanError } from '../plan/plan-error';
import { compareDiagnostics, hasErrors, type Diagnostic } from '../workflow/diagnostic';
import { validateText } from '../workflow/validate';
import { parse } from './args';
import { writeDiagnosticReport } from './diagnostic-report';
import { readWorkflowFile } from './read-workflow';
import { UserError } from '../user-error';
import { checkWorkflowImages } from './workflow-image-check';

export const VALIDATE_USAGE = `Usage: shifterflow validate FILE... [--images] [--json]

Checks workflow files against the schema and Shifter's rules. Prints one line per problem,
FILE:LINE:COL: SEVERITY CODE MESSAGE, and exits 1 when any error is found, 0 otherwise.

Options:
  --images check each image of a valid file from its registry against Shifter's rules (as
           'shifterflow images check', cached per digest); findings at the line naming the image
  --json   print {"files":[{"file","diagnostics":[...]}],"errors":N,"warnings":N} instead
  -h, --help`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, images: { type: 'boolean' } }, VALIDATE_USAGE);
  if (values.help) {
    process.stdout.write(VALIDATE_USAGE + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new UserError(`no file given\n\n${VALIDATE_USAGE}`);
  const all: { file: string; diagnostics: Diagnostic[] }[] = [];
  for (const file of positionals) {
    const result = validateText(readWorkflowFile(file), file);
    const diagnostics = [...result.diagnostics];
    // Images are checked only in a file without errors: its plan says which images and how they are used.
    if (values.images && result.workflow) {
      let plan;
      try {
        plan = planWorkflow(result.workflow, result.profile);
      } catch (e) {
        if (e instanceof PlanError) throw new UserError(`${file}: ${e.message}`, 1);
        throw e;
      }
      diagnostics.push(...(await checkWorkflowImages({ file, source: result.source, workflow: result.workflow, plan }, registryOpener())));
      diagnostics.sort(compareDiagnostics);
    }
    all.push({ file, diagnostics });
  }
  const { flat } = writeDiagnosticReport(all, values.json === true, (counts) => (all.some((f) => f.diagnostics.length > 0) ? counts : undefined));
  return hasErrors(flat) ? 1 : 0;
}
