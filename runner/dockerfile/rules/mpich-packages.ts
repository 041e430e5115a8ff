// SD001: the distribution's MPICH installed by its package manager, in any stage whose files reach the
// image (a builder stage linking against the distribution's MPICH counts too).

import type { Diagnostic } from '../../workflow/diagnostic';
import { finding, program } from '../finding';
import type { Model } from '../model';

/** apt: mpich, libmpich-dev, libmpich12, mpich2, libmpich2-dev; rpm: mpich, mpich-devel, mpich-3.2(-devel). */
export const MPICH_PACKAGE = /^(?:lib)?mpich(?:[0-9][0-9.]*)?(?:-(?:dev|devel|doc|autoload|[0-9][0-9.]*(?:-devel)?))?(?:[=:][^\s]*)?(?:\.(?:x86_64|i686|noarch))?$/;

const INSTALLERS: Record<string, RegExp> = {
  'apt-get': /^install$/,
  apt: /^install$/,
  aptitude: /^install$/,
  yum: /^(?:install|groupinstall)$/,
  dnf: /^install$/,
  microdnf: /^install$/,
  tdnf: /^install$/,
  zypper: /^(?:install|in)$/,
};

export function mpichPackages(model: Model, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const stage of model.stages) {
    if (!model.reachable.has(stage)) continue;
    for (const step of stage.steps) {
      if (step.kind !== 'run') continue;
      for (const cmd of step.commands) {
        const p = program(cmd);
        if (!p || !(p.name in INSTALLERS)) continue;
        const sub = p.args.findIndex((w) => !w.value.startsWith('-'));
        if (sub < 0 || !INSTALLERS[p.name].test(p.args[sub].value)) continue;
        for (const w of p.args.slice(sub + 1)) {
          if (w.value.startsWith('-') || !MPICH_PACKAGE.test(w.value)) continue;
          out.push(finding(model, file, 'SD001', w.start, w.end, `${p.name} installs the distribution's MPICH (${w.value}): Shifter swaps in the system MPI only for MPICH built in user space; build MPICH from source instead (the guide's recipe)`));
        }
      }
    }
  }
  return out;
}
