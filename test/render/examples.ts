// The examples/ workflows, validated and planned, for the golden and script tests.

import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import type { Plan } from '../../runner/plan/types';
import { validateText } from '../../runner/workflow/validate';

export const ROOT = join(__dirname, '..', '..', '..');
export const EXAMPLES = join(ROOT, 'examples');
export const GOLDEN = join(ROOT, 'test', 'golden');
/** Where the examples are taken to be when they are planned for golden scripts (relative inputs:/outputs:). */
export const EXAMPLES_DIR = '/home/alice/shifterflow/examples';

export interface Example {
  name: string;
  file: string;
  plan: Plan;
}

export interface BrokenExample {
  name: string;
  file: string;
  error: Error;
}

/**
 * Every example, validated and planned as the CLI does. One that cannot be loaded comes back as a
 * BrokenExample (the tests turn it into one failing test) rather than an exception that would stop
 * mocha from loading every other test file.
 */
export function loadExamples(): (Example | BrokenExample)[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(EXAMPLES, f);
      const name = basename(f, '.yaml');
      try {
        const result = validateText(readFileSync(file, 'utf8'), file);
        if (!result.workflow) throw new Error(`${f} does not validate: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
        // A fixed directory: the golden scripts must not depend on where the checkout is.
        return { name, file, plan: planWorkflow(result.workflow, result.profile, { workflowDir: EXAMPLES_DIR }) };
      } catch (err) {
        return { name, file, error: err instanceof Error ? err : new Error(String(err)) };
      }
    });
}

export function isBroken(e: Example | BrokenExample): e is BrokenExample {
  return 'error' in e;
}
