// The pure half of the image check: facts (from a scan or the cache) and how the workflow uses the
// image -> findings, in code order.

import type { CheckContext } from './check-context';
import type { ImageFinding } from './finding';
import type { ImageFacts } from './image-facts';
import { ImageIndex } from './image-index';
import { IMAGE_RULES } from './rules';

export function checkFacts(facts: ImageFacts, context: CheckContext = {}): ImageFinding[] {
  const image = new ImageIndex(facts);
  return IMAGE_RULES.flatMap((rule) => rule(image, context)).sort((a, b) => a.code.localeCompare(b.code) || (a.job ?? '').localeCompare(b.job ?? ''));
}
