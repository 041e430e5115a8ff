// How a run shows itself: JSON lines for machines (--json, the VS Code extension), plain lines for
// people and CI logs.

import type { RunEvent } from '../run/events';

export function jsonLines(out: NodeJS.WritableStream): (e: RunEvent) => void {
  return (e) => out.write(JSON.stringify(e) + '\n');
}

export function plainLines(out: NodeJS.WritableStream): (e: RunEvent) => void {
  return (e) => {
    const t = e.time.slice(11, 19);
    switch (e.type) {
      case 'run-started':
        out.write(`${t} run ${e.runId}: ${e.workflow} (${e.jobs.length} job${e.jobs.length === 1 ? '' : 's'}) on ${e.executor}, profile ${e.profile}\n`);
        break;
      case 'image':
        out.write(`${t} image ${e.ref}: ${e.status}${e.id ? ` ${e.id.slice(0, 12)}` : ''}${e.message ? ` (${e.message})` : ''}\n`);
        break;
      case 'job-submitted':
        out.write(`${t} ${e.job}: submitted as ${e.externalId}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}\n`);
        break;
      case 'job-state':
        out.write(`${t} ${e.job}${e.arrayIndex !== undefined ? `[${e.arrayIndex}]` : ''}: ${e.state}${e.exitCode !== undefined && e.state !== 'COMPLETED' && e.state !== 'RUNNING' ? ` (exit ${e.exitCode})` : ''}${e.reason && e.state === 'CANCELLED' ? ` ${e.reason}` : ''}\n`);
        break;
      case 'job-cached':
        out.write(`${t} ${e.job}${e.arrayIndex !== undefined ? `[${e.arrayIndex}]` : ''}: CACHED (from run ${e.fromRun})\n`);
        break;
      case 'job-recorded':
        break; // journaled for the report; nothing a person follows
      case 'message':
        out.write(`${t} ${e.level}: ${e.text}\n`);
        break;
      case 'run-finished':
        out.write(`${t} run ${e.status}\n`);
        break;
    }
  };
}

/**
 * For a person at a terminal: notable events as lines (start, warnings, failures, the end) and one
 * status line kept at the bottom, redrawn in place: images ready, tasks per state.
 */
export function liveDisplay(out: NodeJS.WriteStream): (e: RunEvent) => void {
  const plain = plainLines(out);
  const images = new Map<string, string>();
  const tasks = new Map<string, string>();
  let status = '';
  const redraw = () => {
    const counts = new Map<string, number>();
    for (const s of tasks.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    const ready = [...images.values()].filter((s) => s === 'READY' || s === 'SKIPPED').length;
    const parts = [images.size > 0 ? `images ${ready}/${images.size}` : '', ...['PENDING', 'RUNNING', 'COMPLETED'].map((s) => `${s.toLowerCase()} ${counts.get(s) ?? 0}`)];
    if (counts.get('CACHED')) parts.push(`cached ${counts.get('CACHED')}`);
    const bad = [...counts.entries()].filter(([s]) => !['PENDING', 'RUNNING', 'COMPLETED', 'COMPLETING', 'CACHED'].includes(s));
    for (const [s, n] of bad) parts.push(`${s.toLowerCase()} ${n}`);
    status = parts.filter(Boolean).join('  ');
    out.write(`\r\x1b[2K${status}`);
  };
  const line = (e: RunEvent) => {
    out.write('\r\x1b[2K');
    plain(e);
    if (status) out.write(status);
  };
  return (e) => {
    switch (e.type) {
      case 'image':
        images.set(e.ref, e.status);
        if (e.status === 'FAILURE') line(e);
        break;
      case 'job-cached':
        tasks.set(`${e.job}\0${e.arrayIndex ?? ''}`, 'CACHED');
        break;
      case 'job-recorded':
        return;
      case 'job-submitted':
        for (const k of [...tasks.keys()]) if (k.startsWith(`${e.job}\0`)) tasks.delete(k);
        tasks.set(`${e.job}\0`, 'PENDING');
        break;
      case 'job-state':
        tasks.delete(`${e.job}\0`);
        tasks.set(`${e.job}\0${e.arrayIndex ?? ''}`, e.state);
        if (e.state !== 'PENDING' && e.state !== 'RUNNING' && e.state !== 'COMPLETED' && e.state !== 'COMPLETING') line(e);
        break;
      case 'run-finished':
        redraw();
        out.write('\n');
        status = '';
        plain(e);
        return;
      default:
        line(e);
    }
    redraw();
  };
}
