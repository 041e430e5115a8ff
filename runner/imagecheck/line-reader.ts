// Splits a stream of chunks into lines for the small parsers of captured files, holding at most one
// line (cut at MAX_LINE characters): a huge or binary file costs time, never memory.

import { StringDecoder } from 'node:string_decoder';

const MAX_LINE = 4096;

export class LineReader {
  private partial = '';
  private overlong = false;
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      this.take(text.slice(start, i));
      this.flush();
      start = i + 1;
    }
    this.take(text.slice(start));
  }

  end(): void {
    this.take(this.decoder.end());
    if (this.partial !== '' || this.overlong) this.flush();
  }

  private take(piece: string): void {
    if (this.overlong) return;
    if (this.partial.length + piece.length > MAX_LINE) {
      this.partial = (this.partial + piece).slice(0, MAX_LINE);
      this.overlong = true;
    } else {
      this.partial += piece;
    }
  }

  private flush(): void {
    const line = this.partial;
    this.partial = '';
    this.overlong = false;
    this.onLine(line);
  }
}
