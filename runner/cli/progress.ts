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
      case 'message':
        out.write(`${t} ${e.level}: ${e.text}\n`);
        break;
      case 'run-finished':
        out.write(`${t} run ${e.status}\n`);
        break;
    }
  };
}
