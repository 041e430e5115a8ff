// The image check for a workflow (`validate --images`, `run` on Slurm): each planned image checked
// once with how the plan's jobs use it, each finding a diagnostic at the line that names the image.

import { checkImage, type ImageCheckOptions } from '../imagecheck/check-image';
import { imageSite } from '../imagecheck/image-sites';
import { planImageUses } from '../imagecheck/plan-uses';
import { listPaths } from '../imagecheck/finding';
import type { Plan } from '../plan/types';
import type { Diagnostic } from '../workflow/diagnostic';
import type { Workflow } from '../workflow/generated/schema-types';
import type { WorkflowSource } from '../workflow/source/workflow-source';
import { UserError } from '../user-error';

export interface WorkflowImageCheck {
  file: string;
  source: WorkflowSource;
  workflow: Workflow;
  plan: Plan;
}

/**
 * `unreadable`: what to do with an image the registry cannot give (unknown, refused, broken). Without
 * it that is a positioned error; `run` passes a callback instead, and the pull decides.
 */
export async function checkWorkflowImages(w: WorkflowImageCheck, options: ImageCheckOptions, unreadable?: (message: string) => void): Promise<Diagnostic[]> {
  const uses = planImageUses(w.plan, w.workflow);
  const diagnostics: Diagnostic[] = [];
  for (const image of w.plan.images) {
    const site = imageSite(w.workflow, image);
    const range = w.source.locate(site.path, site.anchor);
    let result;
    try {
      result = await checkImage(image.ref, { uses: uses.get(image.ref) ?? [] }, options);
    } catch (e) {
      // An image the registry cannot give (unknown, refused, broken) is reported where the file names it.
      if (!(e instanceof UserError)) throw e;
      const message = `${w.file}:${range.start.line + 1}:${range.start.character + 1}: ${e.message}`;
      if (!unreadable) throw new UserError(message, 1);
      unreadable(message);
      continue;
    }
    for (const f of result.findings) {
      const paths = f.count > 0 ? ` (${listPaths(f)})` : '';
      // A finding about one job's command (SI019) belongs at that command; the rest at the image's line.
      diagnostics.push({
        code: f.code,
        severity: f.severity,
        message: `image ${image.ref}: ${f.message}${paths}; ${f.fix}`,
        file: w.file,
        range: f.at ? w.source.locate(f.at, 'value') : range,
        path: f.at ?? site.path,
      });
    }
  }
  return diagnostics;
}
