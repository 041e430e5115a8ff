// Test images without internet: busybox-static copied into a root file system (applets installed
// with `busybox --install -s` in a chroot when root, as symlinks otherwise), an /etc of the image's
// own (passwd, group, hosts that the container must NOT see), a /var with a marker (Shifter builds
// /var itself), then an OCI layout with umoci (init/new/insert/config: ENV, ENTRYPOINT, WORKDIR) and
// a push with skopeo into the test registry.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './tools';

export interface TestImage {
  /** name:tag in the registry, e.g. `busybox:1.36`. */
  name: string;
  env: string[];
  entrypoint?: string[];
  workdir?: string;
}

/** The image a test can tell it is in: ENV SF_IMAGE_NAME, ENTRYPOINT that announces itself. */
export function testImage(name: string, extraEnv: string[] = []): TestImage {
  return {
    name,
    env: ['PATH=/usr/local/bin:/bin:/image/bin', `SF_IMAGE_NAME=${name.split(':')[0]}`, 'IMAGE_ONLY=from-image', 'OVERRIDDEN=from-image', ...extraEnv],
    entrypoint: ['/bin/echo', 'ENTRYPOINT-RAN'],
    workdir: '/opt/app',
  };
}

function run(program: string, args: string[]): string {
  const r = spawnSync(program, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${r.status ?? r.error?.message}): ${r.stderr}`);
  return r.stdout;
}

function buildRootfs(root: string): void {
  rmSync(root, { recursive: true, force: true });
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'dev', 'sys', 'opt/app', 'data', 'home', 'var/lib', 'usr/local/bin']) mkdirSync(join(root, d), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  copyFileSync(which('busybox') ?? '/bin/busybox', join(root, 'bin', 'busybox'));
  chmodSync(join(root, 'bin', 'busybox'), 0o755);
  if (process.getuid?.() === 0) run('chroot', [root, '/bin/busybox', '--install', '-s', '/bin']);
  else for (const applet of run(join(root, 'bin', 'busybox'), ['--list']).split('\n').filter((a) => a && a !== 'busybox')) symlinkSync('busybox', join(root, 'bin', applet));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nimageuser:x:1234:1234:in the image:/home:/bin/sh\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nimageuser:x:1234:\n');
  writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 image-hosts\n');
  writeFileSync(join(root, 'etc', 'image-release'), 'shifterflow test image\n');
  writeFileSync(join(root, 'var', 'lib', 'image-var-marker'), 'from the image\n');
  writeFileSync(join(root, 'opt', 'app', 'IMAGE_WORKDIR'), 'the image WORKDIR\n');
}

/** Builds every image into `work` and pushes it to `registry` (host:port, plain http). */
export function buildAndPush(work: string, registry: string, images: readonly TestImage[]): void {
  const root = join(work, 'rootfs');
  const layout = join(work, 'oci');
  buildRootfs(root);
  rmSync(layout, { recursive: true, force: true });
  const rootless = process.getuid?.() === 0 ? [] : ['--rootless'];
  run('umoci', ['init', '--layout', layout]);
  run('umoci', ['new', '--image', `${layout}:base`]);
  run('umoci', ['insert', ...rootless, '--image', `${layout}:base`, root, '/']);
  images.forEach((img, i) => {
    const tag = `t${i}`;
    const args = ['config', '--image', `${layout}:base`, '--tag', tag];
    for (const e of img.env) args.push('--config.env', e);
    for (const e of img.entrypoint ?? []) args.push('--config.entrypoint', e);
    if (img.workdir) args.push('--config.workingdir', img.workdir);
    run('umoci', args);
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${tag}`, `docker://${registry}/${img.name}`]);
  });
}
