// bwrap's images: read straight from their registry and unpacked by runner/registry/unpack.ts (no
// skopeo, no umoci, no daemon), once per manifest digest, under the cache directory:
//   <cache>/<digest>/rootfs        the image's file system (never written after unpacking)
//   <cache>/<digest>/image.json    its config (ENV, ENTRYPOINT, CMD, WORKDIR)
// The tag is resolved to a digest on every run (Shifter's gateway also checks the registry before it
// reuses an image); an unpacked digest is reused. A digest is unpacked into a temporary directory and
// renamed into place, so concurrent runs never see half an image.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openImage, RegistryError } from '../registry';
import { unpackImage } from '../registry/unpack';
import { execFile } from './exec-file';
import { HOST_ARCHITECTURE, imageConfigOf } from './oci-config';
import type { ImageConfig, PreparedImage } from './prepared-images';
import { LocalImageError, registryImage } from './registry-ref';
import type { LocalSettings } from './settings';

export type StatusReporter = (status: string, message?: string) => void;

export async function prepareRootfs(ref: string, settings: LocalSettings, report: StatusReporter): Promise<PreparedImage> {
  const image = registryImage(ref, settings);
  report('PENDING', `resolving ${image.reference}`);
  const remote = await openImage(ref, { settings: { registry: settings.registry, tlsVerify: image.tlsVerify }, platform: { os: 'linux', architecture: HOST_ARCHITECTURE } }).catch(localError(`cannot resolve ${image.reference}`));
  const digest = remote.digest.replace(/^sha256:/, '');
  const dir = join(settings.imageCache, digest);
  const cached = readCached(dir);
  if (cached) {
    return { ref, engine: 'bwrap', id: digest, handle: join(dir, 'rootfs'), config: cached };
  }

  mkdirSync(settings.imageCache, { recursive: true, mode: 0o755 });
  const work = mkdtempSync(join(settings.imageCache, `.tmp-${digest.slice(0, 12)}-`));
  try {
    report('PULLING', image.reference);
    // By digest: what is unpacked is exactly the manifest resolved above, even if the tag moves meanwhile.
    const remoteConfig = await remote.config().catch(localError(`cannot pull ${image.reference}`));
    report('CONVERSION', `unpacking ${remote.layers.length} layers`);
    await unpackImage(remote, join(work, 'rootfs')).catch(localError(`cannot unpack ${image.reference}`));
    const config = imageConfigOf({ Env: remoteConfig.env, Entrypoint: remoteConfig.entrypoint, Cmd: remoteConfig.cmd, WorkingDir: remoteConfig.workdir });
    // The rootfs is read by the container's user (another uid when the runner is root).
    chmodSync(join(work, 'rootfs'), 0o755);
    writeFileSync(join(work, 'image.json'), JSON.stringify({ reference: image.reference, digest, config }, null, 2) + '\n');
    chmodSync(work, 0o755);
    try {
      renameSync(work, dir);
    } catch (e) {
      // Another run unpacked the same digest meanwhile: use theirs.
      if (!readCached(dir)) throw e;
    }
  } finally {
    if (existsSync(work)) await removeTree(work);
  }
  const config = readCached(dir);
  if (!config) throw new LocalImageError(`image cache ${dir} is incomplete`);
  return { ref, engine: 'bwrap', id: digest, handle: join(dir, 'rootfs'), config };
}

/** A registry failure as the local executor reports an image it cannot prepare. */
function localError(what: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof RegistryError) throw new LocalImageError(`${what}: ${e.message}`);
    throw e;
  };
}

/** A half-unpacked tree may hold read-only directories (an image's own modes): open them to remove it. */
async function removeTree(dir: string): Promise<void> {
  await execFile('chmod', ['-R', 'u+rwX', dir]);
  rmSync(dir, { recursive: true, force: true });
}

function readCached(dir: string): ImageConfig | undefined {
  try {
    if (!statSync(join(dir, 'rootfs')).isDirectory()) return undefined;
    return (JSON.parse(readFileSync(join(dir, 'image.json'), 'utf8')) as { config: ImageConfig }).config;
  } catch {
    return undefined;
  }
}
