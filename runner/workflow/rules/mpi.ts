// SF040: MPI and Shifter modules. On a site with an MPI module (mpich at NERSC) an MPI step gets it
// from the plan (which also lets it replace `none`), and the site's Cray MPICH replaces the image's
// plain MPICH at run time. The plan leaves the module out for an image with its own MPI; listing it
// by hand there swaps it in anyway. Only contradictions written in the file are reported.

import type { Finding, JsonPath } from '../finding';
import type { Profile } from '../../profiles/profile';
import { resolveImage } from './image-lookup';
import { asArray, asRecord, asString, effective, oncePerPath, type JobEntry, type JobRule } from './rule';

interface Setting {
  value: unknown;
  path: JsonPath;
}

export const mpi: JobRule = ({ value, profile }, entry) => {
  const jobMpi: Setting | undefined = entry.job.mpi !== undefined ? { value: entry.job.mpi, path: [...entry.path, 'mpi'] } : undefined;
  const image = effective(value, entry, 'image');
  const modules = effective(value, entry, 'modules');
  const steps = asArray(entry.job.steps);
  if (steps.length === 0) return check(value, profile, entry, jobMpi, image, modules);
  const findings = steps.flatMap((s, i) => {
    const step = asRecord(s);
    if (!step) return [];
    const own = (key: string): Setting | undefined => (step[key] !== undefined ? { value: step[key], path: [...entry.path, 'steps', i, key] } : undefined);
    return check(value, profile, entry, own('mpi') ?? jobMpi, own('image') ?? image, own('modules') ?? modules);
  });
  // Steps that inherit the same module list share one finding.
  return oncePerPath(findings);
};

function check(value: Record<string, unknown>, profile: Profile, entry: JobEntry, mpiSetting: Setting | undefined, image: Setting | undefined, modules: Setting | undefined): Finding[] {
  const on = mpiSetting?.value === true || mpiSetting?.value === 'pmi2' || mpiSetting?.value === 'pmix';
  if (!on || !mpiSetting) return [];
  const imageName = asString(image?.value);
  const resolved = imageName !== undefined ? resolveImage(value, imageName) : undefined;
  const imageMpi = asString(resolved?.spec?.mpi);
  const list = asArray(modules?.value).filter((m): m is string => typeof m === 'string');
  // A fix that edits defaults would change every job that inherits them: offer it on the job only.
  const fixable = modules !== undefined && modules.path[0] !== 'defaults';
  const flow = (items: string[]) => `[${items.join(', ')}]`;

  if (imageMpi === 'none') {
    return [
      {
        code: 'SF040',
        message: `Job "${entry.name}" runs as MPI (mpi: ${String(mpiSetting.value)}), but its image "${imageName}" says mpi: none. Build the image on plain MPICH (glibc >= 2.17) and set mpi: mpich on it, or remove mpi: here.`,
        path: mpiSetting.path,
      },
    ];
  }
  const swapped = profile.mpiModule ?? 'mpich';
  if (imageMpi === 'own' && modules && list.includes(swapped)) {
    const rest = list.filter((m) => m !== swapped);
    const f: Finding = {
      code: 'SF040',
      message: `Image "${imageName}" of job "${entry.name}" brings its own MPI (mpi: own), but modules lists ${swapped}, which swaps the site's MPICH libraries in over it. Remove ${swapped} from modules.`,
      path: modules.path,
    };
    if (fixable) f.fix = { title: `Remove ${swapped}`, kind: 'replaceValue', yaml: flow(rest) };
    return [f];
  }
  return [];
}
