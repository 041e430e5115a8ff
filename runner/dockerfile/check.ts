// The Dockerfile rules over one Dockerfile's text: findings with SD codes, exact ranges and quick
// fixes, sorted by position. Pure: no file, no process, nothing evaluated.

import { compareDiagnostics, type Diagnostic } from '../workflow/diagnostic';
import { buildModel } from './model';
import { archives } from './rules/archives';
import { baseImage } from './rules/base-image';
import { cmakeRpath, libraries } from './rules/libraries';
import { modes } from './rules/modes';
import { mpichPackages } from './rules/mpich-packages';
import { systemPaths } from './rules/paths';

const RULES = [mpichPackages, libraries, cmakeRpath, systemPaths, modes, baseImage, archives];

export function checkDockerfile(text: string, file = 'Dockerfile'): Diagnostic[] {
  const model = buildModel(text);
  return RULES.flatMap((rule) => rule(model, file)).sort(compareDiagnostics);
}
