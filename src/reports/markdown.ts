/**
 * Markdown for e-mail: GitHub-style pipe tables whose columns are padded to the same width, so the
 * mail reads as well in a plain-text client as rendered. No colour, no block characters; the
 * timeline is a small table of the busiest buckets' counts rather than a chart.
 */
import type { PortRow, Report } from '../report.js';
import { num, portLabel, wallTime } from './format.js';
import { classSentence, scanLine } from './meaning.js';
import { portNote } from './port-notes.js';

export interface MarkdownOptions {
  top: number;
  timeZone: string;
}

/** Ports explained below the ports table. */
const EXPLAINED_PORTS = 10;

/** Buckets listed in the timeline table; longer timelines are summarised by their busiest. */
const TIMELINE_ROWS = 24;

/** A pipe table, every column padded to its widest cell; `right` columns are numbers. */
export function pipeTable(header: string[], rows: string[][], right: boolean[]): string[] {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const cells = [header, ...rows].map((r) => r.map(esc));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)];
}

function byProbes(a: PortRow, b: PortRow): number {
  return b.probes - a.probes || b.probeSources - a.probeSources || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : (a.port ?? -1) - (b.port ?? -1));
}

export function renderMarkdown(report: Report, o: MarkdownOptions): string {
  const s = report.summary;
  const tz = o.timeZone;
  const out: string[] = ['# portscan-report', ''];
  const families = Object.entries(s.eventsByFamily).map(([f, n]) => `${f} ${num(n)}`).join(', ');
  out.push(`- **${num(s.events)} events** in ${num(s.lines)} lines${families ? ` (${families})` : ''}`);
  out.push(`- **${num(s.probes)} probes** (towards you, blocked or no action logged) on ${num(s.probedPorts)} ports; ${num(s.events - s.probes)} other events`);
  if (s.firstSeen !== null) out.push(`- Time span: ${wallTime(s.firstSeen, tz)} to ${wallTime(s.lastSeen, tz)} (${tz})`);
  if (s.window !== null) {
    const b = (x: string | null, open: string) => (x === null ? open : wallTime(x, tz));
    out.push(`- Window: ${b(s.window.since, 'start')} to ${b(s.window.until, 'end')}; ${num(s.filteredEvents)} events outside it not counted`);
  }
  if (s.events > 0) out.push(`- ${classSentence(s.classes)}`);

  const t = report.timeline;
  if (t !== null) {
    out.push('', `## Timeline (events per ${t.unit})`, '');
    let idx = t.buckets.map((_, i) => i);
    if (idx.length > TIMELINE_ROWS) {
      idx = idx.sort((a, b) => t.events[b] - t.events[a] || a - b).slice(0, TIMELINE_ROWS).sort((a, b) => a - b);
      out.push(`The ${TIMELINE_ROWS} busiest of ${num(t.buckets.length)} ${t.unit}s:`, '');
    }
    const ports = t.ports.slice(0, 3);
    out.push(
      ...pipeTable(
        [t.unit === 'hour' ? 'hour' : 'day', 'events', 'probes', ...ports.map((p) => portLabel(p.proto, p.port))],
        idx.map((i) => [
          wallTime(t.buckets[i], tz).slice(0, t.unit === 'hour' ? 16 : 10),
          num(t.events[i]),
          num(t.probes[i]),
          ...ports.map((p) => num(p.events[i])),
        ]),
        [false, true, true, ...ports.map(() => true)],
      ),
    );
  }

  const probed = report.ports.filter((p) => p.probes > 0).sort(byProbes);
  if (probed.length > 0) {
    out.push('', '## Top probed ports', '');
    const shown = probed.slice(0, o.top);
    const notes = shown.map((p) => portNote(p.proto, p.port));
    const rows = shown.map((p, i) => [
      portLabel(p.proto, p.port),
      p.service || '-',
      num(p.probes),
      num(p.probeSources),
      num(p.destinations),
      p.verdict.verdict,
      notes[i].scanned || '-',
    ]);
    out.push(
      ...pipeTable(['port', 'service', 'probes', 'sources', 'targets', 'verdict', 'scanned in general'], rows, [false, false, true, true, true, false, false]),
    );
    // The report holds only the rows it can show; the summary counts every port.
    if (s.probedPorts > shown.length) out.push('', `… and ${num(s.probedPorts - shown.length)} more ports`);
    // Explanations as a list, not a column: a table row of 200 characters does not read in plain text.
    const explained = shown.map((p, i) => [p, notes[i]] as const).filter(([, n]) => n.explanation !== '').slice(0, EXPLAINED_PORTS);
    if (explained.length > 0) {
      out.push('', '### What these ports are', '');
      for (const [p, n] of explained) {
        out.push(`- **${portLabel(p.proto, p.port)}**${p.service ? ` (${p.service})` : ''}: ${n.explanation} This log: ${p.verdict.summary}`);
      }
    }
  }

  const sources = report.sources.filter((r) => r.probes > 0);
  if (sources.length > 0) {
    out.push('', '## Top sources', '');
    const rows = sources.slice(0, o.top).map((r) => [
      r.address,
      num(r.probes),
      num(r.ports),
      num(r.destinations),
      r.class,
      String(r.severity),
      r.topPorts.map((p) => portLabel(p.proto, p.port)).join(' '),
    ]);
    out.push(...pipeTable(['source', 'probes', 'ports', 'targets', 'class', 'severity', 'top ports'], rows, [false, true, true, true, false, true, false]));
  }

  if (report.scans.length > 0) {
    out.push('', '## Scans found', '');
    for (const f of report.scans) out.push(`- ${scanLine(f)} (${num(f.packets)} packets, ${wallTime(f.firstSeen, tz).slice(0, 16)} to ${wallTime(f.lastSeen, tz).slice(0, 16)})`);
  }

  const other = report.ports.filter((p) => p.events > p.probes).sort((a, b) => b.events - b.probes - (a.events - a.probes));
  if (other.length > 0) {
    out.push('', '## Allowed, audited and outbound traffic (not probes)', '');
    const rows = other.slice(0, o.top).map((p) => [
      portLabel(p.proto, p.port),
      p.service || '-',
      num(p.events - p.probes),
      num(p.byAction.allow),
      num(p.byDirection.out + p.byDirection.fwd),
    ]);
    out.push(...pipeTable(['port', 'service', 'events', 'allowed', 'out/fwd'], rows, [false, false, true, true, true]));
  }

  out.push('', '## Parse summary', '');
  out.push(
    `${num(s.lines)} lines: ${num(s.unrecognizedLines)} other lines, ${num(s.rejectedLines)} unreadable, ${num(s.ignoredLines)} blank or headers.`,
  );
  const rejected = Object.entries(s.rejected);
  if (rejected.length > 0) {
    out.push('', ...pipeTable(['unreadable, reason', 'lines'], rejected.map(([r, n]) => [r, num(n ?? 0)]), [false, true]));
  }
  return `${out.join('\n')}\n`;
}
