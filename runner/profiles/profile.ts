// Profiles say where a workflow runs: which executor submits jobs, which container engine wraps each
// command, and the site facts the validator checks against. A workflow names a built-in profile or
// refines one; the CLI's --profile overrides the file.

import type { ProfileSpec, Workflow } from '../workflow/generated/schema-types';

export type Engine = NonNullable<ProfileSpec['engine']> | 'auto';
export type ExecutorName = 'slurm' | 'local';

export interface Profile {
  name: string;
  executor: ExecutorName;
  engine: Engine;
  /** Roots of the file systems visible on compute nodes and inside containers. */
  siteFileSystems: string[];
  /** Shifter module that swaps in the site's MPI, or null. */
  mpiModule: string | null;
  mpiPlugin: 'pmi2' | 'pmix';
  /** Qos names whose serial jobs run without srun. */
  sharedQos: string[];
}

export const BUILTIN_PROFILES: Record<'nersc' | 'local' | 'slurm', Profile> = {
  nersc: {
    name: 'nersc',
    executor: 'slurm',
    engine: 'shifter',
    siteFileSystems: ['/global', '/pscratch', '/dvs_ro'],
    mpiModule: 'mpich',
    mpiPlugin: 'pmi2',
    sharedQos: ['shared'],
  },
  slurm: {
    name: 'slurm',
    executor: 'slurm',
    engine: 'shifter',
    siteFileSystems: ['/'],
    mpiModule: null,
    mpiPlugin: 'pmi2',
    sharedQos: ['shared'],
  },
  local: {
    name: 'local',
    executor: 'local',
    engine: 'auto',
    siteFileSystems: ['/'],
    mpiModule: null,
    mpiPlugin: 'pmi2',
    sharedQos: ['shared'],
  },
};

export type ProfileName = keyof typeof BUILTIN_PROFILES;

export function isProfileName(s: string): s is ProfileName {
  return Object.prototype.hasOwnProperty.call(BUILTIN_PROFILES, s);
}

/** The profile a workflow runs with; `override` (the CLI's --profile) replaces the file's base. */
export function resolveProfile(spec: Workflow['profile'] | unknown, override?: ProfileName): Profile {
  const refined: ProfileSpec = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as ProfileSpec) : {};
  const named = typeof spec === 'string' && isProfileName(spec) ? spec : refined.base && isProfileName(refined.base) ? refined.base : 'local';
  const base = BUILTIN_PROFILES[override ?? named];
  if (override && override !== named) return { ...base };
  return {
    name: base.name,
    executor: refined.executor ?? base.executor,
    engine: refined.engine ?? base.engine,
    siteFileSystems: Array.isArray(refined.siteFileSystems) ? refined.siteFileSystems.filter((s) => typeof s === 'string') : base.siteFileSystems,
    mpiModule: refined.mpiModule !== undefined ? refined.mpiModule : base.mpiModule,
    mpiPlugin: refined.mpiPlugin ?? base.mpiPlugin,
    sharedQos: Array.isArray(refined.sharedQos) ? refined.sharedQos : base.sharedQos,
  };
}
