// Every Shifter rule, in one list. Each rule lives in its own file beside this one.

import { cycles } from './cycles';
import { imageRefs } from './image-refs';
import { jobImage } from './job-image';
import { jobVolumesRule } from './job-volumes';
import { matrix } from './matrix';
import { mpi } from './mpi';
import { perNodeCache } from './per-node-cache';
import { qos } from './qos';
import { references } from './references';
import type { Rule } from './rule';
import { steps } from './steps';
import { taskCounts } from './task-counts';
import { unsafeValues } from './unsafe-values';
import { volumePaths } from './volume-paths';
import { volumeTargets } from './volume-targets';
import { workdir } from './workdir';

export const RULES: Rule[] = [
  imageRefs,
  references,
  volumePaths,
  volumeTargets,
  perNodeCache,
  jobVolumesRule,
  jobImage,
  steps,
  cycles,
  matrix,
  taskCounts,
  mpi,
  qos,
  workdir,
  unsafeValues,
];
