// A ContainerSpec for argv-builder tests, with whatever a test wants to make hostile.

import type { ContainerSpec } from '../../../runner/local/container-spec';

export function specWith(over: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    image: { ref: 'docker:busybox:1.36', engine: 'podman', id: 'a'.repeat(64), handle: 'a'.repeat(64), config: { env: ['PATH=/bin'], entrypoint: ['/bin/echo', 'EP'], cmd: [], workdir: '/opt/app' } },
    user: { uid: 1000, gid: 1000, name: 'alice', home: '/home/alice', shell: '/bin/bash', substituted: false },
    env: [['PATH', '/bin'], ['SLURM_PROCID', '0']],
    etc: { passwd: '/tmp/etc/passwd', hosts: '/tmp/etc/hosts' },
    mounts: [
      { kind: 'system', source: '/tmp', target: '/tmp', readOnly: false },
      { kind: 'volume', source: '/data/in', target: '/in', readOnly: true },
      { kind: 'volume', source: '/data/out', target: '/out', readOnly: false },
    ],
    workdir: '/out',
    argv: ['sh', '-c', 'echo hi'],
    ...over,
  };
}

/** Values no shell must ever see unquoted. */
export const HOSTILE = ["a b", "$(touch /tmp/pwned)", "`id`", "x'y\"z", "semi;colon&&amp|pipe", "new\nline", "tab\there", "*", "~root", "--rm", "-v"];
