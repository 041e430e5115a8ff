// Every Shifter rule, in one list. Each rule lives in its own file beside this one.

import type { Rule } from './rule';

export const RULES: Rule[] = [];
