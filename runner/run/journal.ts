// The run's journal: one JSON event per line, appended and fsync'd before the run goes on, so that
// a runner killed at any point can be resumed from what it had really done.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
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
  const out: RunEvent[] = [];
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as RunEvent);
    } catch {
      // a torn last write
    }
  }
  return out;
}
