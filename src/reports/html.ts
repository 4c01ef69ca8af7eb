/**
 * The HTML report: one self-contained file (inline CSS and SVG; no script, no font, no image, no
 * link to load), to open from a mail or a share. Summary, timeline chart, top ports with what they
 * are, how much they are scanned in general and the classifier's verdict on this log, top sources
 * with their classes and severity, the scans found, other traffic and the parse summary. Every text
 * from a log is escaped. Deterministic: no generation date.
 */
import type { PortRow, Report, TimelineReport } from '../report.js';
import { num, portLabel, wallTime } from './format.js';
import { classSentence, scanLine } from './meaning.js';
import { portNote } from './port-notes.js';

export interface HtmlOptions {
  top: number;
  timeZone: string;
}

const COLORS = ['#d9480f', '#1971c2', '#2f9e44', '#ae3ec9', '#f08c00'];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa; --accent: #0b4f9c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0 0 18px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.card { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card b { display: block; font-size: 24px; font-variant-numeric: tabular-nums; }
.card span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.port { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: nowrap; }
td.why { color: #33383f; max-width: 460px; }
.tag { display: inline-block; font-size: 11px; padding: 1px 6px; margin: 1px 2px 1px 0; border-radius: 10px; background: #eef1f4; color: #444c56; }
.verdict, .scanned { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px; white-space: nowrap; }
.v-targeted, .sev-4, .sev-5 { background: #ffe3e3; color: #a61e1e; } .v-mixed, .sev-3 { background: #fff3bf; color: #8a5a00; }
.v-background, .sev-2 { background: #e7f5ff; color: #1c5d99; } .v-too-little-data, .sev-1 { background: #f1f3f5; color: #656d76; }
.s-top { background: #fff0f6; color: #a61e4d; } .s-campaign { background: #fff9db; color: #8a5a00; }
.s-background { background: #e6fcf5; color: #087f5b; } .s-none { background: #f1f3f5; color: #656d76; }
.log { color: var(--muted); font-size: 12px; margin-top: 3px; }
.chart { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
.legend { margin: 6px 0 0; color: var(--muted); font-size: 12px; }
.legend i { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin: 0 4px 0 12px; }
.empty { color: var(--muted); }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
`;

function td(text: string, cls = ''): string {
  return `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;
}

function th(text: string, numeric = false): string {
  return `<th${numeric ? ' class="n"' : ''}>${escapeHtml(text)}</th>`;
}

function table(head: string[], numeric: boolean[], rows: string[]): string {
  return `<table><thead><tr>${head.map((h, i) => th(h, numeric[i])).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function byProbes(a: PortRow, b: PortRow): number {
  return b.probes - a.probes || b.probeSources - a.probeSources || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : (a.port ?? -1) - (b.port ?? -1));
}

/** Bars for all events per bucket, a line per busiest port; axis labels in the report zone. */
export function timelineSvg(t: TimelineReport, tz: string): string {
  const W = 1040;
  const H = 240;
  const L = 56;
  const R = 12;
  const T = 14;
  const B = 36;
  const n = t.buckets.length;
  const max = Math.max(1, ...t.events);
  const step = (W - L - R) / n;
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Events per ${t.unit}" xmlns="http://www.w3.org/2000/svg">`);
  for (const f of [0, 0.5, 1]) {
    const v = Math.round(max * f);
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e8eb"/>`);
    parts.push(`<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#656d76">${num(v)}</text>`);
  }
  t.events.forEach((v, i) => {
    if (v === 0) return;
    const x = L + i * step;
    const title = `${wallTime(t.buckets[i], tz).slice(0, t.unit === 'hour' ? 16 : 10)}: ${num(v)} events, ${num(t.probes[i])} probes`;
    parts.push(
      `<rect x="${(x + step * 0.1).toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, step * 0.8).toFixed(1)}" height="${(H - B - y(v)).toFixed(1)}" fill="#a5c8ec"><title>${escapeHtml(title)}</title></rect>`,
    );
  });
  t.ports.slice(0, COLORS.length).forEach((p, j) => {
    const pts = p.events.map((v, i) => `${(L + (i + 0.5) * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${COLORS[j]}" stroke-width="2" stroke-linejoin="round"/>`);
    // Few buckets: mark the points, or a line between two of them reads as a trend.
    if (n <= 48) {
      p.events.forEach((v, i) => parts.push(`<circle cx="${(L + (i + 0.5) * step).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${COLORS[j]}"/>`));
    }
  });
  const label = (i: number) => wallTime(t.buckets[i], tz).slice(0, t.unit === 'hour' ? 16 : 10);
  const ticks = n <= 1 ? [0] : [0, Math.floor((n - 1) / 2), n - 1];
  for (const i of [...new Set(ticks)]) {
    const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
    const x = i === 0 ? L : i === n - 1 ? W - R : L + (i + 0.5) * step;
    parts.push(`<text x="${x.toFixed(1)}" y="${H - 12}" font-size="11" text-anchor="${anchor}" fill="#656d76">${escapeHtml(label(i))}</text>`);
  }
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#8c959f"/>`);
  parts.push('</svg>');
  const legend = t.ports
    .slice(0, COLORS.length)
    .map((p, j) => `<i style="background:${COLORS[j]}"></i>${escapeHtml(portLabel(p.proto, p.port))}`)
    .join('');
  return `${parts.join('\n')}\n<p class="legend"><i style="background:#a5c8ec;height:10px"></i>all events per ${t.unit}${legend}${t.portsPartial ? ' (per-port lines partial: quiet ports were pruned to bound memory)' : ''}</p>`;
}

function scannedBadge(scanned: string, port: number | null): string {
  if (port === null) return '-';
  const cls = scanned === '' ? 's-none' : `s-${scanned}`;
  const text = scanned === '' ? 'no data' : scanned === 'top' ? 'top scanned' : scanned === 'campaign' ? 'campaigns' : 'background';
  return `<span class="scanned ${cls}">${escapeHtml(text)}</span>`;
}

function verdictBadge(p: PortRow): string {
  const v = p.verdict.verdict;
  return `<span class="verdict v-${v}" title="${escapeHtml(p.verdict.summary)}">${escapeHtml(v === 'too-little-data' ? 'too little data' : v)}</span>`;
}

export function renderHtml(report: Report, o: HtmlOptions): string {
  const s = report.summary;
  const tz = o.timeZone;
  const body: string[] = [];
  body.push('<h1>portscan-report</h1>');
  const span = s.firstSeen === null ? 'no time stamps' : `${wallTime(s.firstSeen, tz)} to ${wallTime(s.lastSeen, tz)} (${tz})`;
  body.push(`<p class="sub">${escapeHtml(span)}</p>`);
  if (s.window !== null) {
    const b = (x: string | null, open: string) => (x === null ? open : wallTime(x, tz));
    body.push(`<p class="sub">Window ${escapeHtml(`${b(s.window.since, 'start')} to ${b(s.window.until, 'end')}`)}; ${num(s.filteredEvents)} events outside it not counted.</p>`);
  }
  const probed = report.ports.filter((p) => p.probes > 0).sort(byProbes);
  const probers = report.sources.filter((r) => r.probes > 0);
  const cards: [string, string][] = [
    ['events', num(s.events)],
    ['probes', num(s.probes)],
    ['ports probed', num(s.probedPorts)],
    ['other events', num(s.events - s.probes)],
    ['lines read', num(s.lines)],
  ];
  body.push(`<section class="cards">${cards.map(([k, v]) => `<div class="card"><b>${v}</b><span>${escapeHtml(k)}</span></div>`).join('')}</section>`);
  if (s.events > 0) body.push(`<p class="sub" style="margin-top:14px">${escapeHtml(classSentence(s.classes))}</p>`);

  body.push(`<h2>Timeline</h2>`);
  body.push(report.timeline === null ? '<p class="empty">No event with a time.</p>' : timelineSvg(report.timeline, tz));

  body.push(`<h2>Top probed ports</h2>`);
  if (probed.length === 0) body.push('<p class="empty">No probes.</p>');
  else {
    const rows = probed.slice(0, o.top).map((p) => {
      const note = portNote(p.proto, p.port);
      const tags = note.tags.map((t) => `<span class="tag">${escapeHtml(t)}</span>`).join('');
      const why = `${escapeHtml(note.explanation || '-')} ${tags}<div class="log">This log: ${escapeHtml(p.verdict.summary)}</div>`;
      return `<tr>${td(portLabel(p.proto, p.port), 'port')}${td(p.service || '-')}${td(num(p.probes), 'n')}${td(num(p.probeSources), 'n')}${td(num(p.destinations), 'n')}<td>${verdictBadge(p)}</td><td>${scannedBadge(note.scanned, p.port)}</td><td class="why">${why}</td></tr>`;
    });
    body.push(
      table(['port', 'service', 'probes', 'sources', 'targets', 'verdict', 'scanned in general', 'what it is'], [false, false, true, true, true, false, false, false], rows),
    );
    // The report holds only the rows it can show; the summary counts every port.
    const shown = Math.min(o.top, probed.length);
    if (s.probedPorts > shown) body.push(`<p class="empty">… and ${num(s.probedPorts - shown)} more ports.</p>`);
  }

  body.push(`<h2>Top sources</h2>`);
  if (probers.length === 0) body.push('<p class="empty">No probing source.</p>');
  else {
    const rows = probers.slice(0, o.top).map(
      (r) =>
        `<tr>${td(r.address, 'port')}${td(num(r.probes), 'n')}${td(num(r.ports), 'n')}${td(num(r.destinations), 'n')}${td(r.class)}<td><span class="verdict sev-${r.severity}">${r.severity}</span></td>${td(r.topPorts.map((p) => portLabel(p.proto, p.port)).join(' '), 'port')}${td(wallTime(r.lastSeen, tz).slice(0, 16))}</tr>`,
    );
    body.push(table(['source', 'probes', 'ports', 'targets', 'class', 'severity', 'top ports', 'last seen'], [false, true, true, true, false, false, false, false], rows));
  }

  body.push(`<h2>Scans found</h2>`);
  if (report.scans.length === 0) body.push('<p class="empty">No scan found.</p>');
  else {
    const rows = report.scans.map(
      (f) => `<tr>${td(f.kind)}${td(scanLine(f))}${td(num(f.packets), 'n')}${td(`${wallTime(f.firstSeen, tz)} to ${wallTime(f.lastSeen, tz)}`)}</tr>`,
    );
    body.push(table(['kind', 'scan', 'packets', 'when'], [false, false, true, false], rows));
  }

  const other = report.ports.filter((p) => p.events > p.probes).sort((a, b) => b.events - b.probes - (a.events - a.probes));
  if (other.length > 0) {
    body.push(`<h2>Allowed, audited and outbound traffic (not probes)</h2>`);
    const rows = other
      .slice(0, o.top)
      .map((p) => `<tr>${td(portLabel(p.proto, p.port), 'port')}${td(p.service || '-')}${td(num(p.events - p.probes), 'n')}${td(num(p.byAction.allow), 'n')}${td(num(p.byAction.audit), 'n')}${td(num(p.byDirection.out + p.byDirection.fwd), 'n')}</tr>`);
    body.push(table(['port', 'service', 'events', 'allowed', 'audit', 'out/fwd'], [false, false, true, true, true, true], rows));
  }

  body.push(`<h2>Parse summary</h2>`);
  const families = Object.entries(s.eventsByFamily).map(([f, n]) => `${f} ${num(n)}`).join(', ');
  body.push(
    `<p>${num(s.lines)} lines: ${num(s.events)} events${families ? ` (${escapeHtml(families)})` : ''}, ${num(s.unrecognizedLines)} other lines, ${num(s.rejectedLines)} unreadable, ${num(s.ignoredLines)} blank or headers.</p>`,
  );
  const rejected = Object.entries(s.rejected);
  if (rejected.length > 0) body.push(table(['unreadable, reason', 'lines'], [false, true], rejected.map(([r, n]) => `<tr>${td(r)}${td(num(n ?? 0), 'n')}</tr>`)));
  body.push(`<footer>Times in ${escapeHtml(tz)}. Port notes from the IANA registry and the project's port notes.</footer>`);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portscan-report: ${num(s.probes)} probes${s.firstSeen === null ? '' : `, ${escapeHtml(wallTime(s.firstSeen, tz).slice(0, 10))}`}</title>
<style>${CSS}</style>
</head>
<body><main>
${body.join('\n')}
</main></body>
</html>
`;
}
