// The examples/ workflows, validated and planned, for the golden and script tests.

import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import type { Plan } from '../../runner/plan/types';
import { validateText } from '../../runner/spec/validate';

export const ROOT = join(__dirname, '..', '..', '..');
export const EXAMPLES = join(ROOT, 'examples');
export const GOLDEN = join(ROOT, 'test', 'golden');

export interface Example {
  name: string;
  file: string;
  plan: Plan;
}

export function loadExamples(): Example[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(EXAMPLES, f);
      const result = validateText(readFileSync(file, 'utf8'), file);
      if (!result.workflow) throw new Error(`${f} does not validate: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
      return { name: basename(f, '.yaml'), file, plan: planWorkflow(result.workflow, result.profile) };
    });
}
