// A workflow text, validated and planned as the CLI does, for engine tests.

import { planWorkflow } from '../../runner/plan';
import type { Plan } from '../../runner/plan/types';
import { validateText } from '../../runner/workflow/validate';

export function planText(text: string): Plan {
  const r = validateText(text, 'test.yaml');
  if (!r.workflow) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return planWorkflow(r.workflow, r.profile);
}

export const HEADER = 'version: 1\nname: t\nprofile: nersc\ndefaults: { qos: regular, account: m1, time: "00:10:00" }\n';
