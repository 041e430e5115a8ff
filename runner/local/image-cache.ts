// bwrap's images: pulled with skopeo and unpacked with `umoci raw unpack --rootless`, once per
// manifest digest, under the cache directory:
//   <cache>/<digest>/rootfs        the image's file system (never written after unpacking)
//   <cache>/<digest>/image.json    its config (ENV, ENTRYPOINT, CMD, WORKDIR)
// The tag is resolved to a digest on every run (Shifter's gateway also checks the registry before it
// reuses an image); an unpacked digest is reused. A digest is unpacked into a temporary directory and
// renamed into place, so concurrent runs never see half an image.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, failureText } from './exec-file';
import { configFromLayout, platformManifestDigest } from './oci-config';
import type { ImageConfig, PreparedImage } from './prepared-images';
import { LocalImageError, registryImage } from './registry-ref';
import type { LocalSettings } from './settings';

export type StatusReporter = (status: string, message?: string) => void;

const INSPECT_TIMEOUT_MS = 60_000;

export async function prepareRootfs(ref: string, settings: LocalSettings, report: StatusReporter): Promise<PreparedImage> {
  const image = registryImage(ref, settings);
  const tls = `--tls-verify=${image.tlsVerify}`;
  report('PENDING', `resolving ${image.reference}`);
  const inspect = await execFile('skopeo', ['inspect', '--raw', tls, `docker://${image.reference}`], { timeoutMs: INSPECT_TIMEOUT_MS });
  if (inspect.code !== 0) throw new LocalImageError(`cannot resolve ${image.reference}: ${failureText(inspect)}`);
  let digest: string;
  try {
    digest = platformManifestDigest(inspect.stdout);
  } catch (e) {
    throw new LocalImageError(`${image.reference}: ${(e as Error).message}`);
  }
  const dir = join(settings.imageCache, digest);
  const cached = readCached(dir);
  if (cached) {
    return { ref, engine: 'bwrap', id: digest, handle: join(dir, 'rootfs'), config: cached };
  }

  mkdirSync(settings.imageCache, { recursive: true, mode: 0o755 });
  const work = mkdtempSync(join(settings.imageCache, `.tmp-${digest.slice(0, 12)}-`));
  try {
    report('PULLING', image.reference);
    // By digest: what is unpacked is exactly what was resolved, even if the tag moves meanwhile.
    const copy = await execFile('skopeo', ['copy', '--quiet', `--src-tls-verify=${image.tlsVerify}`, `docker://${withoutTag(image.reference)}@sha256:${digest}`, `oci:${join(work, 'layout')}:image`]);
    if (copy.code !== 0) throw new LocalImageError(`cannot pull ${image.reference}: ${failureText(copy)}`);
    report('CONVERSION', 'unpacking with umoci');
    const unpack = await execFile('umoci', ['raw', 'unpack', '--rootless', '--image', `${join(work, 'layout')}:image`, join(work, 'rootfs')]);
    if (unpack.code !== 0) throw new LocalImageError(`cannot unpack ${image.reference}: ${failureText(unpack)}`);
    const config = configFromLayout(join(work, 'layout'), 'image');
    // The rootfs is read by the container's user (another uid when the runner is root).
    chmodSync(join(work, 'rootfs'), 0o755);
    writeFileSync(join(work, 'image.json'), JSON.stringify({ reference: image.reference, digest, config }, null, 2) + '\n');
    rmSync(join(work, 'layout'), { recursive: true, force: true });
    chmodSync(work, 0o755);
    try {
      renameSync(work, dir);
    } catch (e) {
      // Another run unpacked the same digest meanwhile: use theirs.
      if (!readCached(dir)) throw e;
    }
  } finally {
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  }
  const config = readCached(dir);
  if (!config) throw new LocalImageError(`image cache ${dir} is incomplete`);
  return { ref, engine: 'bwrap', id: digest, handle: join(dir, 'rootfs'), config };
}

function readCached(dir: string): ImageConfig | undefined {
  try {
    if (!statSync(join(dir, 'rootfs')).isDirectory()) return undefined;
    return (JSON.parse(readFileSync(join(dir, 'image.json'), 'utf8')) as { config: ImageConfig }).config;
  } catch {
    return undefined;
  }
}

function withoutTag(reference: string): string {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}
