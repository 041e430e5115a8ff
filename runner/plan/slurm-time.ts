// Slurm's time limits (`--time`), read and written: a group asks for the sum of its jobs' limits, and
// the local executor enforces them.

/** Seconds of a Slurm time: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S; undefined for anything else. */
export function parseSlurmTime(spec: string): number | undefined {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(spec.trim());
  if (!m) return undefined;
  const [days, a, b, c] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  if (days !== undefined) return days * 86400 + (a ?? 0) * 3600 + (b ?? 0) * 60 + (c ?? 0);
  if (c !== undefined) return a! * 3600 + b! * 60 + c;
  if (b !== undefined) return a! * 60 + b;
  return a! * 60;
}

/** D-HH:MM:SS (HH:MM:SS under a day), as Slurm prints limits. */
export function formatSlurmTime(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  const hms = `${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** The sum of time limits (a group asks for its jobs' together); undefined when one of them has none. */
export function sumSlurmTimes(times: readonly (string | undefined)[]): string | undefined {
  const seconds = times.map((t) => (t === undefined ? undefined : parseSlurmTime(t)));
  return seconds.every((x): x is number => x !== undefined) ? formatSlurmTime(seconds.reduce((a, b) => a + b, 0)) : undefined;
}
