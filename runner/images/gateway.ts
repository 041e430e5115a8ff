// The image gateway client used before any submission: `shifterimg pull` until the final status word,
// then `shifterimg lookup` for the id that sbatch will pin. argv arrays only (no shell).
//
// Outcomes: a pull that reaches a final status returns a PullResult (ok only for READY: FAILURE and
// EXPIRED are the gateway's verdict on the image, with its message); a pull that cannot get a verdict
// (gateway down, shifterimg missing, killed, no final status) throws.

import { UserError } from '../user-error';
import { ExecFileRunner, describeFailure, mergeEnv, type CommandResult, type CommandRunner } from '../slurm/command-runner';
import { normalizeImageRef } from './image-ref';
import {
  GATEWAY_DOWN_MESSAGE,
  PullOutputReader,
  isContinueStatus,
  parseImagesOutput,
  parseLookupOutput,
  parsePullOutput,
  summarizePull,
  type ImageRecord,
  type PullEvent,
} from './shifterimg-output';

/** `ERROR: failed to contact the image gateway.` (or curl could not connect): nothing was asked. */
export class ImageGatewayUnreachableError extends UserError {
  constructor(
    readonly detail: string,
    readonly ref?: string,
  ) {
    super(`image gateway unreachable${ref ? ` (while asking for ${ref})` : ''}: ${detail}`, 1);
    this.name = 'ImageGatewayUnreachableError';
  }
}

/** shifterimg ran but gave no usable answer (no final status, an HTTP error, a usage error...). */
export class ImageGatewayError extends UserError {
  constructor(
    message: string,
    readonly ref?: string,
    readonly output?: string,
  ) {
    super(output ? `${message}. shifterimg printed:\n${indent(output)}` : message, 1);
    this.name = 'ImageGatewayError';
  }
}

/** Some images did not become READY (thrown by requireReady). */
export class ImagePullError extends UserError {
  constructor(readonly failed: readonly PullResult[]) {
    super(
      failed.length === 1
        ? `image ${failed[0].ref} is not usable (${failed[0].status}): ${failed[0].message ?? 'no message from the gateway'}`
        : `${failed.length} images are not usable:\n${failed.map((f) => `  ${f.ref} (${f.status}): ${f.message ?? 'no message from the gateway'}`).join('\n')}`,
      1,
    );
    this.name = 'ImagePullError';
  }
}

export interface ImageGatewayOptions {
  runner?: CommandRunner;
  /** Program path (default `shifterimg` on PATH). */
  shifterimg?: string;
  /** Added to this process's environment for every shifterimg. */
  env?: Record<string, string>;
  /** Pull with -v (default): each poll's `Message: {json}` carries the gateway's status_message. */
  verbose?: boolean;
  /** A pull is stopped after this long (default 60 min: big images take 10-30 min to convert). */
  pullTimeoutMs?: number;
  /** lookup and images are stopped after this long (default 120 s). */
  commandTimeoutMs?: number;
}

export type AclEntry = string | number;

export interface PullOptions {
  /** `--user=a,b`: only these users (names or uids) may use the image. */
  users?: readonly AclEntry[];
  /** `--group=g`: only these groups. */
  groups?: readonly AclEntry[];
  /** Called when the status word changes (first status included), with the line that said so. */
  onStatus?: (status: string, line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface PullResult {
  /** The normalized reference that was pulled (`docker:ubuntu:22.04`). */
  ref: string;
  /** The final status word: READY, FAILURE, EXPIRED (or another word the gateway ended on). */
  status: string;
  /** True only for READY with an id from lookup. */
  ok: boolean;
  /** The image id sbatch will pin (from `shifterimg lookup`). */
  id?: string;
  /** The gateway's message (its status_message), or ours when it gave none. */
  message?: string;
}

export interface ImageRequest {
  ref: string;
  users?: readonly AclEntry[];
  groups?: readonly AclEntry[];
}

export interface PullAllOptions {
  onStatus?: (ref: string, status: string, line: string) => void;
  /** How many shifterimg pulls run at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type ShifterimgCalls = { pull: number; lookup: number; images: number; total: number };

export class ImageGateway {
  private readonly runner: CommandRunner;
  private readonly counts: ShifterimgCalls = { pull: 0, lookup: 0, images: 0, total: 0 };

  constructor(private readonly opts: ImageGatewayOptions = {}) {
    this.runner = opts.runner ?? new ExecFileRunner();
  }

  callCounts(): ShifterimgCalls {
    return { ...this.counts };
  }

  async pullImage(ref: string, opts: PullOptions = {}): Promise<PullResult> {
    const normalized = normalizeImageRef(ref);
    const users = aclList(opts.users, 'user');
    const groups = aclList(opts.groups, 'group');
    const verbose = this.opts.verbose ?? true;
    const argv = [this.bin(), ...(verbose ? ['-v'] : []), ...(users ? [`--user=${users}`] : []), ...(groups ? [`--group=${groups}`] : []), 'pull', normalized];
    const reader = new PullOutputReader();
    const events: PullEvent[] = [];
    let lastStatus: string | undefined;
    const take = (es: PullEvent[]) => {
      for (const e of es) {
        events.push(e);
        if (e.kind === 'status' && e.status !== lastStatus) {
          lastStatus = e.status;
          opts.onStatus?.(e.status, e.line);
        }
      }
    };
    const r = await this.exec('pull', argv, {
      timeoutMs: opts.timeoutMs ?? this.opts.pullTimeoutMs ?? 60 * 60_000,
      signal: opts.signal,
      onStdout: (chunk) => take(reader.push(chunk)),
    });
    take(reader.end());
    // A runner that does not stream (recorded output) still gets read.
    if (!events.length && r.stdout) take(parsePullOutput(r.stdout));
    const s = summarizePull(events);
    this.throwIfUnreachable(r, s.gatewayDown, s.curlError, normalized);
    const output = shownOutput(r);
    if (r.timedOut) throw new ImageGatewayError(`shifterimg pull ${normalized} did not finish within ${Math.round((opts.timeoutMs ?? this.opts.pullTimeoutMs ?? 3_600_000) / 60_000)} min (last status: ${s.status ?? 'none'})`, normalized);
    if (r.aborted) throw new ImageGatewayError(`pull of ${normalized} cancelled (last status: ${s.status ?? 'none'})`, normalized);
    if (r.spawnError) throw new ImageGatewayError(`could not run shifterimg: ${describeFailure(argv, r)}`, normalized);
    if (s.status === undefined || isContinueStatus(s.status)) {
      const why = s.httpError ? `the gateway answered HTTP ${s.httpError}` : s.curlError ? `curl error ${s.curlError}` : describeFailure(argv, r);
      throw new ImageGatewayError(`shifterimg pull ${normalized} ended without a final status (${s.status ? `last: ${s.status}; ` : ''}${why})`, normalized, output);
    }
    if (s.status !== 'READY') {
      return { ref: normalized, status: s.status, ok: false, message: s.statusMessage ?? `the image gateway reported ${s.status} for ${normalized}` };
    }
    const id = await this.lookupImage(normalized);
    if (!id) return { ref: normalized, status: s.status, ok: false, message: `the gateway reported READY but shifterimg lookup ${normalized} found no image` };
    return { ref: normalized, status: s.status, ok: true, id };
  }

  /** Each distinct image once (ACLs of the same reference merged), in parallel; results in first-use order. */
  async pullAll(images: readonly (string | ImageRequest)[], opts: PullAllOptions = {}): Promise<PullResult[]> {
    const distinct = new Map<string, { users: AclEntry[]; groups: AclEntry[] }>();
    for (const image of images) {
      const req: ImageRequest = typeof image === 'string' ? { ref: image } : image;
      const ref = normalizeImageRef(req.ref);
      const seen = distinct.get(ref) ?? { users: [], groups: [] };
      for (const u of req.users ?? []) if (!seen.users.includes(u)) seen.users.push(u);
      for (const g of req.groups ?? []) if (!seen.groups.includes(g)) seen.groups.push(g);
      distinct.set(ref, seen);
    }
    const work = [...distinct.entries()];
    const results: PullResult[] = new Array(work.length);
    const errors: unknown[] = [];
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const i = next++;
        const [ref, acl] = work[i];
        try {
          results[i] = await this.pullImage(ref, {
            users: acl.users,
            groups: acl.groups,
            signal: opts.signal,
            timeoutMs: opts.timeoutMs,
            onStatus: opts.onStatus && ((status, line) => opts.onStatus?.(ref, status, line)),
          });
        } catch (e) {
          errors.push(e);
        }
      }
    };
    const n = Math.max(1, Math.min(opts.concurrency ?? 8, work.length));
    await Promise.all(Array.from({ length: n }, worker));
    // Every pull has ended (no shifterimg left behind) before an infrastructure error is reported.
    if (errors.length) throw errors[0];
    return results;
  }

  /** The id of a READY image the gateway knows (and lets this user see); undefined when it does not. */
  async lookupImage(ref: string): Promise<string | undefined> {
    const normalized = normalizeImageRef(ref);
    const argv = [this.bin(), '-v', 'lookup', normalized];
    const r = await this.exec('lookup', argv, { timeoutMs: this.opts.commandTimeoutMs ?? 120_000 });
    const events = parsePullOutput(r.stdout);
    const s = summarizePull(events);
    this.throwIfUnreachable(r, s.gatewayDown, s.curlError, normalized);
    if (r.spawnError || r.timedOut) throw new ImageGatewayError(`shifterimg lookup ${normalized} failed: ${describeFailure(argv, r)}`, normalized);
    if (s.httpError === 404) return undefined;
    if (s.httpError !== undefined) throw new ImageGatewayError(`shifterimg lookup ${normalized}: the gateway answered HTTP ${s.httpError}${s.statusMessage ? `: ${s.statusMessage}` : ''}`, normalized);
    if (r.code === 0) return parseLookupOutput(r.stdout);
    if (/FAILED to parse image descriptor|Usage:/i.test(r.stdout + r.stderr)) throw new ImageGatewayError(`shifterimg lookup ${normalized} refused the reference`, normalized, shownOutput(r));
    return undefined;
  }

  /** Every image the gateway lists for this system (one record per tag). */
  async listImages(): Promise<ImageRecord[]> {
    const argv = [this.bin(), 'images'];
    const r = await this.exec('images', argv, { timeoutMs: this.opts.commandTimeoutMs ?? 120_000 });
    const s = summarizePull(parsePullOutput(r.stdout));
    this.throwIfUnreachable(r, s.gatewayDown, s.curlError);
    if (r.spawnError || r.timedOut) throw new ImageGatewayError(`shifterimg images failed: ${describeFailure(argv, r)}`);
    const records = parseImagesOutput(r.stdout);
    if (r.code === 0 || records.length) return records;
    // Exit 1 and nothing printed is both "no images" and "HTTP error" without -v: ask again, verbosely.
    const v = await this.exec('images', [this.bin(), '-v', 'images'], { timeoutMs: this.opts.commandTimeoutMs ?? 120_000 });
    const vs = summarizePull(parsePullOutput(v.stdout));
    this.throwIfUnreachable(v, vs.gatewayDown, vs.curlError);
    if (vs.httpError !== undefined) throw new ImageGatewayError(`shifterimg images: the gateway answered HTTP ${vs.httpError}`, undefined, shownOutput(v));
    if (/Usage:|FAILED/i.test(v.stdout + v.stderr)) throw new ImageGatewayError('shifterimg images failed', undefined, shownOutput(v));
    return parseImagesOutput(v.stdout);
  }

  private bin(): string {
    return this.opts.shifterimg ?? 'shifterimg';
  }

  private exec(kind: 'pull' | 'lookup' | 'images', argv: string[], extra: { timeoutMs: number; signal?: AbortSignal; onStdout?: (c: string) => void }): Promise<CommandResult> {
    this.counts[kind]++;
    this.counts.total++;
    return this.runner.run(argv, { env: mergeEnv(this.opts.env), ...extra });
  }

  private throwIfUnreachable(r: CommandResult, gatewayDown: boolean, curlError: number | undefined, ref?: string): void {
    if (gatewayDown || r.stderr.includes(GATEWAY_DOWN_MESSAGE)) throw new ImageGatewayUnreachableError(GATEWAY_DOWN_MESSAGE, ref);
    // curl: 6 could not resolve host, 7 could not connect, 28 timed out.
    if (curlError === 6 || curlError === 7 || curlError === 28) {
      const what = curlError === 6 ? 'its host name does not resolve' : curlError === 7 ? 'could not connect' : 'it did not answer in time';
      throw new ImageGatewayUnreachableError(`${what} (shifterimg: err ${curlError})`, ref);
    }
    if (curlError !== undefined) throw new ImageGatewayError(`shifterimg could not talk to the image gateway (curl error ${curlError})`, ref, shownOutput(r));
  }
}

/** Throws ImagePullError naming every image that is not READY. */
export function requireReady(results: readonly PullResult[]): void {
  const failed = results.filter((r) => !r.ok);
  if (failed.length) throw new ImagePullError(failed);
}

// ------------------------------------------------------------------ one-call helpers

export function pullImage(ref: string, opts: PullOptions & ImageGatewayOptions = {}): Promise<PullResult> {
  return new ImageGateway(opts).pullImage(ref, opts);
}

export function pullAll(images: readonly (string | ImageRequest)[], opts: PullAllOptions & ImageGatewayOptions = {}): Promise<PullResult[]> {
  return new ImageGateway(opts).pullAll(images, opts);
}

export function lookupImage(ref: string, opts: ImageGatewayOptions = {}): Promise<string | undefined> {
  return new ImageGateway(opts).lookupImage(ref);
}

export function listImages(opts: ImageGatewayOptions = {}): Promise<ImageRecord[]> {
  return new ImageGateway(opts).listImages();
}

// ------------------------------------------------------------------ helpers

/** `a,b` for --user=/--group=, or undefined; refuses what shifterimg would misread. */
function aclList(entries: readonly AclEntry[] | undefined, kind: 'user' | 'group'): string | undefined {
  if (!entries || entries.length === 0) return undefined;
  const out: string[] = [];
  for (const e of entries) {
    const text = String(e).trim();
    const ok = typeof e === 'number' ? Number.isInteger(e) && e >= 0 : /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(text);
    if (!ok) throw new UserError(`not a ${kind} name or id for an image ACL: ${JSON.stringify(e)}`, 1);
    if (!out.includes(text)) out.push(text);
  }
  return out.join(',');
}

function shownOutput(r: CommandResult): string {
  const text = `${r.stdout}\n${r.stderr}`
    .replace(/\r\x1b\[2K/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l && !l.startsWith('Message: {'))
    .slice(-15)
    .join('\n');
  return text;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n');
}
