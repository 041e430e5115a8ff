// One layer blob, streamed: bytes -> digest check -> decompression -> tar reader -> the visitor, one
// entry at a time. Nothing is buffered beyond the streams' own chunks: the reader waits for the
// visitor before it reads the next header, and the network waits for the reader (backpressure end to
// end), so memory stays bounded whatever the layer's size. The visitor sees each entry's header and
// may take its content; what it leaves is skipped.

import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { posix } from 'node:path';
import { extract as tarExtract, type Header as Headers } from 'tar-stream';
import { decompressor, layerCompression } from './decompress';
import { DigestCheck } from './digest-check';
import { RegistryError } from './errors';
import type { Descriptor } from './manifest';
import { whiteoutOf, type Whiteout } from './whiteouts';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo' | 'other';

export interface LayerEntry {
  /** Absolute and normalized: `/usr/bin/env`, `/` for the root. */
  path: string;
  type: EntryType;
  /** Permission bits with setuid/setgid/sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Content bytes (0 but for files). */
  size: number;
  /** symlink: the target as written (relative or absolute); hardlink: the linked entry's absolute path. */
  linkTarget?: string;
  mtime?: Date;
  /** Set when the entry is a whiteout (whiteouts.ts): a deletion, not a file. */
  whiteout?: Whiteout;
}

export interface EntryContent {
  /** The entry's bytes as they stream; stopping early is fine (the rest is skipped). */
  chunks(): AsyncIterable<Buffer>;
  /** The first `limit` bytes (default 1 MiB); the rest is skipped. */
  read(limit?: number): Promise<Buffer>;
}

export type EntryVisitor = (entry: LayerEntry, content: EntryContent) => void | Promise<void>;

export interface LayerStats {
  /** Bytes of the blob as stored (compressed). */
  compressedBytes: number;
  /** Bytes of the tar stream. */
  uncompressedBytes: number;
  entries: number;
}

const TYPES: Record<string, EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'character-device',
  'block-device': 'block-device',
  fifo: 'fifo',
};

/** `./usr//bin/` -> `/usr/bin`; a `..` component is refused (it would point outside the image). */
export function entryPath(name: string, what: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new RegistryError(`${what} is broken or hostile: the entry "${name}" points outside the image root (".." in its path)`, 'broken-layer');
  return posix.join('/', ...parts);
}

function toEntry(h: Headers, what: string): LayerEntry {
  const path = entryPath(h.name, what);
  const type = TYPES[h.type ?? 'file'] ?? 'other';
  const entry: LayerEntry = { path, type, mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, size: type === 'file' ? (h.size ?? 0) : 0, mtime: h.mtime };
  if (type === 'symlink') entry.linkTarget = h.linkname ?? '';
  if (type === 'hardlink') entry.linkTarget = entryPath(h.linkname ?? '', what);
  const whiteout = whiteoutOf(path);
  if (whiteout) entry.whiteout = whiteout;
  return entry;
}

/** Walks one layer blob, streamed from `source`, checking it against its descriptor. */
export async function walkLayerStream(source: Readable, layer: Descriptor, what: string, visitor: EntryVisitor): Promise<LayerStats> {
  const check = new DigestCheck(layer, what);
  const unzip = decompressor(layerCompression(layer.mediaType, what));
  let tarBytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      tarBytes += chunk.length;
      cb(null, chunk);
    },
    // Some writers (umoci among them) end a layer right after the last file's bytes, without the
    // padding and end-of-archive blocks; docker and GNU tar's readers accept that, so do we: zeros
    // complete the last block, and trailing zeros after a proper end are ignored.
    flush(cb) {
      cb(null, Buffer.alloc(((512 - (tarBytes % 512)) % 512) + 1024));
    },
  });
  const reader = tarExtract();
  let entries = 0;
  let visitorError: unknown;
  reader.on('entry', (header, stream, next) => {
    entries++;
    visit(header, stream as unknown as AsyncIterable<Buffer>, what, visitor).then(
      () => next(),
      (e: unknown) => {
        visitorError = e;
        next(e as Error);
      },
    );
  });
  try {
    await pipeline(source, check, unzip, count, reader);
  } catch (e) {
    if (visitorError !== undefined) throw visitorError;
    if (e instanceof RegistryError) throw e;
    throw new RegistryError(`${what} is broken: ${(e as Error).message}`, 'broken-layer');
  }
  return { compressedBytes: check.bytes, uncompressedBytes: tarBytes, entries };
}

async function visit(header: Headers, stream: AsyncIterable<Buffer>, what: string, visitor: EntryVisitor): Promise<void> {
  // One iterator for the entry: a visitor that stops early must not end the tar stream (ending
  // an entry's stream destroys the whole archive), so its loop gets a generator over this one.
  const it = stream[Symbol.asyncIterator]();
  const chunks = async function* (): AsyncGenerator<Buffer> {
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  const content: EntryContent = {
    chunks,
    async read(limit = 1024 * 1024) {
      const parts: Buffer[] = [];
      let size = 0;
      for await (const c of chunks()) {
        parts.push(c);
        size += c.length;
        if (size >= limit) break;
      }
      return Buffer.concat(parts).subarray(0, limit);
    },
  };
  await visitor(toEntry(header, what), content);
  for (;;) if ((await it.next()).done) break;
}
