// A layer blob's compression, from its media type: gzip (node:zlib), zstd (fzstd: Node 20's zlib
// has none) or none. Each is a Transform, so the tar reader's backpressure reaches the network.

import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { RegistryError } from './errors';

export type Compression = 'gzip' | 'zstd' | 'none';

const BY_MEDIA_TYPE: Record<string, Compression> = {
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
};

export function layerCompression(mediaType: string, what: string): Compression {
  const c = BY_MEDIA_TYPE[mediaType];
  if (!c) throw new RegistryError(`${what} has media type ${mediaType || '(none)'}, which is not a layer shifterflow can read (tar, tar+gzip or tar+zstd)`, 'unsupported');
  return c;
}

export function decompressor(compression: Compression): Transform {
  if (compression === 'gzip') return createGunzip({ chunkSize: 64 * 1024 });
  if (compression === 'zstd') return new ZstdTransform();
  return new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });
}

class ZstdTransform extends Transform {
  private readonly zstd: Decompress;

  constructor() {
    super();
    // fzstd may hand out views of its window, which it reuses: copy before passing on.
    this.zstd = new Decompress((chunk) => {
      if (chunk.length) this.push(Buffer.from(chunk));
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.zstd.push(chunk);
      cb();
    } catch (e) {
      cb(new Error(`zstd: ${(e as Error).message}`));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.zstd.push(new Uint8Array(0), true);
      cb();
    } catch (e) {
      cb(new Error(`zstd: ${(e as Error).message}`));
    }
  }
}
