// Every image rule, in the order their findings are listed.

import { entrypoint } from './entrypoint';
import { jobPaths } from './job-paths';
import { ldCache } from './ld-cache';
import { libc } from './libc';
import { mpi } from './mpi';
import { platformAndSize } from './platform-size';
import { readable } from './readable';
import type { ImageRule } from './rule';
import { setuid } from './setuid';
import { shell } from './shell';
import { systemDirs } from './system-dirs';
import { volumes } from './volumes';

export const IMAGE_RULES: ImageRule[] = [platformAndSize, jobPaths, readable, systemDirs, ldCache, libc, mpi, entrypoint, setuid, volumes, shell];
export { detectLibc } from './libc';
