// A blob's bytes checked as they pass: sha256 and size against its descriptor. A blob longer than
// declared fails as soon as it is (a hostile or broken registry cannot stream forever); a wrong
// digest fails at the end, before the layer counts as read.

import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { RegistryError } from './errors';
import type { Descriptor } from './manifest';

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class DigestCheck extends Transform {
  private readonly hash = createHash('sha256');
  private seen = 0;

  constructor(
    private readonly descriptor: Descriptor,
    private readonly what: string,
  ) {
    super();
  }

  get bytes(): number {
    return this.seen;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.descriptor.size >= 0 && this.seen > this.descriptor.size) {
      cb(new RegistryError(`${this.what} is broken: the registry sent more than the ${this.descriptor.size} bytes its manifest declares`, 'broken-layer'));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.hash.digest('hex')}`;
    if (got !== this.descriptor.digest) {
      cb(new RegistryError(`${this.what} is broken: its content has digest ${got}, not ${this.descriptor.digest} as the manifest says (${this.seen} of ${this.descriptor.size} bytes); push the image again`, 'broken-layer'));
      return;
    }
    cb();
  }
}
