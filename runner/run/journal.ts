// The run's journal: one JSON event per line, appended and fsync'd before the run goes on, so that
// a runner killed at any point can be resumed from what it had really done.

import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RunEvent } from './events';

export class Journal {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  append(e: RunEvent): void {
    writeSync(this.fd, JSON.stringify(e) + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Every complete event of a journal; a last line cut short by a crash is ignored. */
export function readJournal(path: string): RunEvent[] {
  const out: RunEvent[] = [];
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
