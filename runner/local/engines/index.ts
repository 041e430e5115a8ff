// The local engines by name, in the order the embedded default prefers them.

import type { LocalEngineName } from '../prepared-images';
import { bwrapEngine } from './bwrap';
import { dockerEngine } from './docker';
import { noneEngine } from './none';
import { podmanEngine } from './podman';
import type { LocalEngine } from './types';

export const LOCAL_ENGINES: Record<LocalEngineName, LocalEngine> = { bwrap: bwrapEngine, podman: podmanEngine, docker: dockerEngine, none: noneEngine };

export function isLocalEngineName(s: string): s is LocalEngineName {
  return Object.prototype.hasOwnProperty.call(LOCAL_ENGINES, s);
}

export type { LocalEngine, Launch, ProbeResult } from './types';
export { ContainerSetupError } from './types';
