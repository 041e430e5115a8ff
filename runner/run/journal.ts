// The run's journal: one JSON event per line, appended and fsync'd before the run goes on, so that
// a runner killed at any point can be resumed from what it had really done.

import { closeSync, existsSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { RunEvent } from './events';

export class Journal {
  private fd: number;
  private dirty = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  /** Appends and makes it durable, unless `batch`: then `sync()` does, once for many (a poll's states). */
  append(e: RunEvent, batch = false): void {
    writeSync(this.fd, JSON.stringify(e) + '\n');
    this.dirty = true;
    if (!batch) this.sync();
  }

  sync(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    if (this.fd >= 0) {
      this.sync();
      closeSync(this.fd);
    }
    this.fd = -1;
  }
}

/** Every complete event of a journal; a last line cut short by a crash is ignored. */
export function readJournal(path: string): RunEvent[] {
  return [...journalEvents(path)];
}

/**
 * The journal's events one at a time, read in chunks: a run of 10,000 array tasks is summed up without
 * holding its journal (megabytes of text and tens of thousands of objects) in memory at once.
 */
export function* journalEvents(path: string): Generator<RunEvent> {
  if (!existsSync(path)) return;
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let rest = '';
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      const text = rest + (n > 0 ? decoder.write(chunk.subarray(0, n)) : decoder.end());
      const lines = text.split('\n');
      rest = n > 0 ? lines.pop()! : '';
      for (const line of lines) {
        const e = parseLine(line);
        if (e) yield e;
      }
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

function parseLine(line: string): RunEvent | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as RunEvent;
  } catch {
    return undefined; // a torn last write
  }
}
