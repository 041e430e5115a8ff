// report.html: one self-contained page (no script, no network) with the run's jobs, a timeline of
// every attempt and array task, and the DAG. Everything from the journal is escaped.

import type { RunEvent } from './events';
import { taskAttempts, type RunSummary } from './run-summary';

const COLORS: Record<string, string> = { COMPLETED: '#2e7d32', RUNNING: '#1565c0', PENDING: '#9e9e9e', CACHED: '#00838f', FAILED: '#c62828', CANCELLED: '#6d4c41', TIMEOUT: '#ef6c00', NODE_FAIL: '#ad1457', OUT_OF_MEMORY: '#6a1b9a' };
const color = (state: string) => COLORS[state] ?? '#c62828';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Bar {
  label: string;
  state: string;
  start: number;
  end: number;
  /** Hover text when it is not just "label: state, duration". */
  title?: string;
}

/** An array attempt with more tasks than this is one bar (its span, counts by state), not one row per task. */
export const TIMELINE_TASK_ROWS = 200;

interface TaskBar extends Bar {
  group: string;
}

function bars(events: Iterable<RunEvent>, now: number, also: (e: RunEvent) => void = () => undefined): Bar[] {
  const latest = new Map<string, TaskBar>();
  for (const e of events) {
    also(e);
    if (e.type !== 'job-state' || !e.start) continue;
    const label = `${e.job}${e.arrayIndex !== undefined ? `[${e.arrayIndex}]` : ''}${e.attempt > 1 ? ` #${e.attempt}` : ''}`;
    const start = Date.parse(e.start);
    const end = e.end ? Date.parse(e.end) : now;
    if (Number.isFinite(start)) latest.set(label, { label, state: e.state, start, end: Math.max(end, start), group: `${e.job}${e.attempt > 1 ? ` #${e.attempt}` : ''}` });
  }
  const groups = new Map<string, TaskBar[]>();
  for (const b of latest.values()) {
    const g = groups.get(b.group);
    if (g) g.push(b);
    else groups.set(b.group, [b]);
  }
  const out: Bar[] = [];
  for (const [group, tasks] of groups) {
    if (tasks.length <= TIMELINE_TASK_ROWS) {
      out.push(...tasks.map(({ label, state, start, end }) => ({ label, state, start, end })));
      continue;
    }
    const counts = new Map<string, number>();
    for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
    const start = tasks.reduce((m, t) => Math.min(m, t.start), Infinity);
    const end = tasks.reduce((m, t) => Math.max(m, t.end), -Infinity);
    const state = [...counts.keys()].find((k) => k !== 'COMPLETED') ?? 'COMPLETED';
    const label = `${group} (${tasks.length} tasks)`;
    out.push({ label, state, start, end, title: `${label}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}, ${((end - start) / 1000).toFixed(1)} s from the first start to the last end` });
  }
  return out.sort((a, b) => a.start - b.start || a.label.localeCompare(b.label));
}

function timeline(items: Bar[]): string {
  if (items.length === 0) return '<p>No job has started.</p>';
  const t0 = items.reduce((m, b) => Math.min(m, b.start), Infinity);
  const span = Math.max(1, items.reduce((m, b) => Math.max(m, b.end), -Infinity) - t0);
  const row = 18;
  const left = 180;
  const width = 900;
  const rows = items.map((b, i) => {
    const x = left + ((b.start - t0) / span) * (width - left - 10);
    const w = Math.max(2, ((b.end - b.start) / span) * (width - left - 10));
    const y = 20 + i * row;
    return `<text x="4" y="${y + 12}">${escapeHtml(b.label)}</text><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${row - 4}" fill="${color(b.state)}"><title>${escapeHtml(b.title ?? `${b.label}: ${b.state}, ${((b.end - b.start) / 1000).toFixed(1)} s`)}</title></rect>`;
  });
  const height = 30 + items.length * row;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="11" font-family="sans-serif"><text x="${left}" y="12">0 s</text><text x="${width - 60}" y="12">${(span / 1000).toFixed(1)} s</text>${rows.join('')}</svg>`;
}

function dag(summary: RunSummary): string {
  const depth = new Map<string, number>();
  const jobs = new Map(summary.jobs.map((j) => [j.key, j]));
  const depthOf = (k: string, seen = new Set<string>()): number => {
    if (depth.has(k)) return depth.get(k)!;
    if (seen.has(k)) return 0;
    seen.add(k);
    const d = Math.max(-1, ...(jobs.get(k)?.needs ?? []).map((n) => depthOf(n, seen))) + 1;
    depth.set(k, d);
    return d;
  };
  summary.jobs.forEach((j) => depthOf(j.key));
  const columns = new Map<number, string[]>();
  for (const j of summary.jobs) columns.set(depth.get(j.key)!, [...(columns.get(depth.get(j.key)!) ?? []), j.key]);
  const pos = new Map<string, { x: number; y: number }>();
  const colW = 170;
  const rowH = 40;
  for (const [d, keys] of columns) keys.forEach((k, i) => pos.set(k, { x: 10 + d * colW, y: 10 + i * rowH }));
  const edges = summary.jobs.flatMap((j) => j.needs.filter((n) => pos.has(n)).map((n) => {
    const a = pos.get(n)!;
    const b = pos.get(j.key)!;
    return `<line x1="${a.x + 140}" y1="${a.y + 14}" x2="${b.x}" y2="${b.y + 14}" stroke="#777" marker-end="url(#arrow)"/>`;
  }));
  const nodes = summary.jobs.map((j) => {
    const p = pos.get(j.key)!;
    return `<rect x="${p.x}" y="${p.y}" width="140" height="28" rx="4" fill="${color(j.state)}"/><text x="${p.x + 6}" y="${p.y + 18}" fill="#fff">${escapeHtml(j.key.length > 20 ? j.key.slice(0, 19) + '…' : j.key)}</text>`;
  });
  const w = 20 + (Math.max(0, ...columns.keys()) + 1) * colW;
  const h = 20 + Math.max(1, ...[...columns.values()].map((c) => c.length)) * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-size="12" font-family="sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#777"/></marker></defs>${edges.join('')}${nodes.join('')}</svg>`;
}

/** Provenance rows shown at most (a 10,000-task array would make the page unreadable and large). */
export const PROVENANCE_ROWS = 1000;

/** Each task's inputs (with their digests) and the outputs it wrote, from the cache's events. */
type FileEvent = Extract<RunEvent, { type: 'job-cached' | 'job-recorded' }>;

/** Collects the cache's events as the journal streams by (the report reads it once). */
function provenanceCollector(): { add: (e: RunEvent) => void; latest: Map<string, FileEvent> } {
  const latest = new Map<string, FileEvent>();
  return { latest, add: (e) => void ((e.type === 'job-cached' || e.type === 'job-recorded') && latest.set(`${e.job}[${e.arrayIndex ?? ''}]`, e)) };
}

function provenance(latest: Map<string, FileEvent>): string {
  if (latest.size === 0) return '<p>No job declared outputs that were recorded.</p>';
  const digest = (d: string) => `<code title="${escapeHtml(d)}">${escapeHtml(d.replace(/^(sha256|tree):/, '$1:').slice(0, 19))}</code>`;
  const files = (sets: Record<string, { path: string; digest: string }[]>) =>
    Object.entries(sets).flatMap(([name, list]) => list.map((f) => `${escapeHtml(name)}: ${escapeHtml(f.path)} ${digest(f.digest)}`)).join('<br>');
  const rows = [...latest.values()].slice(0, PROVENANCE_ROWS).map((e) => {
    const label = `${e.job}${e.arrayIndex !== undefined ? `[${e.arrayIndex}]` : ''}`;
    const how = e.type === 'job-cached' ? `CACHED from ${e.fromRun}` : 'ran';
    return `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(how)}</td><td><code title="${escapeHtml(e.key)}">${escapeHtml(e.key.slice(0, 12))}</code></td><td>${files(e.inputs)}</td><td>${files(e.outputs)}</td></tr>`;
  });
  const more = latest.size > PROVENANCE_ROWS ? `<p>${latest.size - PROVENANCE_ROWS} more tasks are in the journal.</p>` : '';
  return `<table><tr><th>job</th><th></th><th>key</th><th>inputs (digest)</th><th>outputs written (digest)</th></tr>${rows.join('')}</table>${more}`;
}

export function renderReport(summary: RunSummary, events: Iterable<RunEvent>, now = Date.now()): string {
  const files = provenanceCollector();
  const rows = summary.jobs.map((j) => {
    const fromCache = j.cached?.filter((c) => c.index !== undefined && !j.tasks.some((t) => t.index === c.index)).length ?? 0;
    const done = j.tasks.filter((t) => t.state === 'COMPLETED').length + fromCache;
    return `<tr><td>${escapeHtml(j.key)}</td><td>${escapeHtml(j.externalId ?? '-')}</td><td style="color:${color(j.state)}">${escapeHtml(j.state)}</td><td>${escapeHtml(taskAttempts(j))}</td><td>${j.exitCode ?? ''}</td><td>${j.arraySize ? `${done}/${j.arraySize}` : ''}</td><td>${escapeHtml([...new Set(j.tasks.map((t) => t.nodes).filter(Boolean))].join(', '))}</td></tr>`;
  });
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${summary.workflow} ${summary.runId}`)}</title>
<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}h2{margin-top:1.5em}</style></head>
<body><h1>${escapeHtml(summary.workflow)}: <span style="color:${color(summary.status)}">${escapeHtml(summary.status)}</span></h1>
<p>Run ${escapeHtml(summary.runId)} of ${escapeHtml(summary.file)} on ${escapeHtml(summary.executor)} (profile ${escapeHtml(summary.profile)}), started ${escapeHtml(summary.startedAt)}${summary.finishedAt ? `, ended ${escapeHtml(summary.finishedAt)}` : ''}.</p>
<h2>Jobs</h2><table><tr><th>job</th><th>id</th><th>state</th><th>attempt</th><th>exit</th><th>tasks</th><th>nodes</th></tr>${rows.join('')}</table>
<h2>Timeline</h2>${timeline(bars(events, now, files.add))}
<h2>Provenance</h2>${provenance(files.latest)}
<h2>DAG</h2>${dag(summary)}
</body></html>
`;
}
