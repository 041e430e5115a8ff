// What shifterimg prints, read without guessing (docs/shifter.md, "`shifterimg` and the image gateway"):
//   pull, each poll:  `<YYYY-MM-DDTHH:MM:SS> Pulling Image: TYPE:TAG, status: WORD`
//                     preceded by `\r\x1b[2K` (redrawn in place) without -v; with -v a line of its own,
//                     after a `Message: {json}` line holding the gateway's record (status_message...)
//   HTTP error (-v):  `Got response: 404` then `Message: ...`
//   gateway down:     `ERROR: failed to contact the image gateway.`; other curl errors `err N`
//   images:           printf("%-10s %-10s %-8s %-.10s   %s %-30s\n", system, type, status, id, time, tag)
//   lookup:           the id alone
// The exit status of a pull is 0 even when it ends in FAILURE: only the final status word counts.

export const PULL_CONTINUE_STATUSES = ['MISSING', 'INIT', 'PENDING', 'PULLING', 'EXAMINATION', 'CONVERSION', 'TRANSFER'] as const;
export const PULL_FINAL_STATUSES = ['READY', 'FAILURE', 'EXPIRED'] as const;
export type ImageStatus = (typeof PULL_CONTINUE_STATUSES)[number] | (typeof PULL_FINAL_STATUSES)[number];

export const GATEWAY_DOWN_MESSAGE = 'ERROR: failed to contact the image gateway.';

export function isContinueStatus(status: string): boolean {
  return (PULL_CONTINUE_STATUSES as readonly string[]).includes(status);
}

export function isKnownStatus(status: string): status is ImageStatus {
  return isContinueStatus(status) || (PULL_FINAL_STATUSES as readonly string[]).includes(status);
}

export type PullEvent =
  | { kind: 'status'; time: string; ref: string; status: string; line: string }
  | { kind: 'message'; text: string; json?: Record<string, unknown> }
  | { kind: 'http-error'; code: number; line: string }
  | { kind: 'gateway-down'; line: string }
  | { kind: 'curl-error'; code: number; line: string }
  | { kind: 'other'; line: string };

const STATUS_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d) Pulling Image: (\S+), status: (\S+)\s*$/;

/** One line of shifterimg's output (separators already removed) -> what it says. */
export function parsePullLine(line: string): PullEvent | undefined {
  const text = line.replace(/\s+$/, '');
  if (!text.trim()) return undefined;
  const s = STATUS_LINE.exec(text);
  if (s) return { kind: 'status', time: s[1], ref: s[2], status: s[3], line: text };
  if (text.startsWith('Message: ')) {
    const body = text.slice('Message: '.length);
    try {
      const json: unknown = JSON.parse(body);
      if (json && typeof json === 'object' && !Array.isArray(json)) return { kind: 'message', text: body, json: json as Record<string, unknown> };
    } catch {
      /* not JSON: keep the text */
    }
    return { kind: 'message', text: body };
  }
  const http = /^Got response: (\d+)$/.exec(text);
  if (http) return { kind: 'http-error', code: Number(http[1]), line: text };
  if (text.includes(GATEWAY_DOWN_MESSAGE)) return { kind: 'gateway-down', line: text };
  const curl = /^err (\d+)$/.exec(text);
  if (curl) return { kind: 'curl-error', code: Number(curl[1]), line: text };
  return { kind: 'other', line: text };
}

// `\r\x1b[2K` (erase line) before each redraw, `\n` after lines; either may come alone.
const SEPARATOR = /\r\x1b\[2K|\x1b\[2K|\r?\n|\r/;
const PARTIAL_SEPARATOR = /(?:\r|\r?\x1b|\r?\x1b\[|\r?\x1b\[2)$/;

/**
 * Streaming reader of shifterimg's stdout: `push()` chunks as they arrive, `end()` at exit. A status
 * line is reported as soon as it is complete, even before the `\r\x1b[2K` of the next poll arrives.
 */
export class PullOutputReader {
  private buffer = '';
  private emittedPartial: string | undefined;

  push(chunk: string): PullEvent[] {
    this.buffer += chunk;
    const hold = PARTIAL_SEPARATOR.exec(this.buffer)?.[0] ?? '';
    const body = this.buffer.slice(0, this.buffer.length - hold.length);
    const parts = body.split(SEPARATOR);
    const rest = parts.pop() ?? '';
    this.buffer = rest + hold;
    const events: PullEvent[] = [];
    for (const p of parts) {
      if (this.emittedPartial !== undefined && p === this.emittedPartial) {
        this.emittedPartial = undefined;
        continue;
      }
      this.emittedPartial = undefined;
      const e = parsePullLine(p);
      if (e) events.push(e);
    }
    // A redrawn status line has no terminator until the next poll, 0.5 s later: report it now if it
    // is whole (a known status word at its end; printf + fflush write it in one piece).
    if (rest && rest !== this.emittedPartial) {
      const e = parsePullLine(rest);
      if (e?.kind === 'status' && isKnownStatus(e.status)) {
        this.emittedPartial = rest;
        events.push(e);
      }
    }
    return events;
  }

  end(): PullEvent[] {
    const parts = this.buffer.replace(PARTIAL_SEPARATOR, '').split(SEPARATOR);
    this.buffer = '';
    const events: PullEvent[] = [];
    for (const p of parts) {
      if (this.emittedPartial !== undefined && p === this.emittedPartial) {
        this.emittedPartial = undefined;
        continue;
      }
      const e = parsePullLine(p);
      if (e) events.push(e);
    }
    this.emittedPartial = undefined;
    return events;
  }
}

/** Every event of a whole output (for recorded output and tests). */
export function parsePullOutput(text: string): PullEvent[] {
  const reader = new PullOutputReader();
  return [...reader.push(text), ...reader.end()];
}

export interface PullSummary {
  /** The last status word seen, if any. */
  status?: string;
  /** The line that carried it. */
  statusLine?: string;
  /** The gateway's `status_message` (from -v output), the last non-empty one. */
  statusMessage?: string;
  /** The image id from the gateway's record when it is a real one (not `MISSING`). */
  id?: string;
  gatewayDown: boolean;
  httpError?: number;
  curlError?: number;
  /** Lines that were none of the above (usage text, parse errors). */
  other: string[];
}

export function summarizePull(events: readonly PullEvent[]): PullSummary {
  const s: PullSummary = { gatewayDown: false, other: [] };
  for (const e of events) {
    switch (e.kind) {
      case 'status':
        s.status = e.status;
        s.statusLine = e.line;
        break;
      case 'message': {
        const msg = e.json?.status_message;
        if (typeof msg === 'string' && msg.trim()) s.statusMessage = msg.trim();
        else if (!e.json && e.text.trim()) s.statusMessage = e.text.trim();
        const id = e.json?.id;
        if (typeof id === 'string' && id && id !== 'MISSING') s.id = id;
        break;
      }
      case 'http-error':
        s.httpError = e.code;
        break;
      case 'gateway-down':
        s.gatewayDown = true;
        break;
      case 'curl-error':
        s.curlError = e.code;
        break;
      case 'other':
        s.other.push(e.line);
        break;
    }
  }
  return s;
}

export interface ImageRecord {
  system: string;
  type: string;
  status: string;
  /** The image id as listed: its first 10 characters only. */
  idPrefix?: string;
  /** Local time of the last pull, `YYYY-MM-DDTHH:MM:SS`. */
  lastPull: string;
  tag: string;
  /** `TYPE:TAG`. */
  ref: string;
}

const IMAGES_LINE = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S{0,10})\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d) (\S.*?)\s*$/;

/** `shifterimg images` -> one record per tag; other lines (`Message: ...` from -v) are skipped. */
export function parseImagesOutput(text: string): ImageRecord[] {
  const out: ImageRecord[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('Message: ') || line.startsWith('Got response: ')) continue;
    const m = IMAGES_LINE.exec(line);
    if (!m) continue;
    const [, system, type, status, id, lastPull, tag] = m;
    const rec: ImageRecord = { system, type, status, lastPull, tag, ref: `${type}:${tag}` };
    if (id && id !== '(null)' && id !== 'MISSING') rec.idPrefix = id;
    out.push(rec);
  }
  return out;
}

/** `shifterimg [-v] lookup REF` stdout -> the id, if one was printed. */
export function parseLookupOutput(text: string): string | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, '').trim())
    .filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (l.startsWith('Message: ') || l.startsWith('Got response: ') || l.includes(GATEWAY_DOWN_MESSAGE) || /^err \d+$/.test(l)) continue;
    if (/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(l)) return l;
  }
  return undefined;
}
