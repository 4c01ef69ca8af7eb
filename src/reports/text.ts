/**
 * The text report: what a sysadmin reads in a terminal or a cron e-mail. 80 columns: what this
 * means first (the ports and sources that deserve attention, in sentences), then probes (towards
 * you, blocked or no action logged), allowed and outbound traffic apart, the parse summary last.
 * Colour is decided once by the CLI; this renderer only gets a boolean.
 */
import type { PortRow, Report, SourceRow, TimelineReport } from '../report.js';
import { cell, num, portLabel, wallTime } from './format.js';
import { caveats, classSentence, portParagraph, rankPortsByAttention, rankSourcesByAttention, scanLine, sourceParagraph } from './meaning.js';

/** Ports and sources told in sentences (the tables below list more). */
const MEANING_PORTS = 5;
const MEANING_SOURCES = 5;
const MEANING_OTHER_SCANS = 10;
/** Sources told alike (same class, same port) before the rest are left to the tables. */
const MEANING_ALIKE = 2;
const WIDTH = 80;

export interface TextOptions {
  /** Rows per section. */
  top: number;
  color: boolean;
  /** Zone to show times in (IANA name). */
  timeZone: string;
  /** Draw the timeline as a chart (only on a terminal: block characters do not belong in mail). */
  chart?: boolean;
}

export function renderText(report: Report, o: TextOptions): string {
  const out: string[] = [];
  const h = (s: string) => (o.color ? `\x1b[1m${s}\x1b[0m` : s);
  const s = report.summary;

  const families = Object.entries(s.eventsByFamily)
    .map(([f, n]) => `${f} ${num(n)}`)
    .join(', ');
  out.push(h(`portscan-report: ${num(s.events)} events in ${num(s.lines)} lines${families ? ` (${families})` : ''}`));
  if (s.firstSeen !== null) {
    out.push(`Time span: ${wallTime(s.firstSeen, o.timeZone)} to ${wallTime(s.lastSeen, o.timeZone)} (${o.timeZone})`);
  }
  const probePorts = report.ports.filter((p) => p.probes > 0);
  const probeSources = report.sources.filter((r) => r.probes > 0);
  out.push(
    `Probes: ${num(s.probes)} (towards you, blocked or no action logged) on ${num(s.probedPorts)} ports`,
  );
  out.push(`Other traffic: ${num(s.events - s.probes)} events allowed, audited or outbound`);
  if (s.window !== null) {
    const bound = (b: string | null, open: string) => (b === null ? open : wallTime(b, o.timeZone));
    out.push(
      `Window: ${bound(s.window.since, 'start')} to ${bound(s.window.until, 'end')} (${o.timeZone}); ${num(s.filteredEvents)} events outside it not counted`,
    );
  }
  if (o.chart === true && report.timeline !== null) out.push('', ...timelineChart(report.timeline, h, o.timeZone));

  if (s.events > 0) out.push('', h('WHAT THIS MEANS'), ...meaningLines(report, o));

  if (probePorts.length > 0) {
    out.push('', h('TOP PROBED PORTS'));
    out.push(`${cell('PORT', 11)} ${cell('SERVICE', 14)} ${cell('PROBES', 7, 'right')} ${cell('SOURCES', 7, 'right')} ${cell('TARGETS', 7, 'right')} ${cell('VERDICT', 10)} LAST SEEN`);
    const ranked = [...probePorts].sort(byProbes).slice(0, o.top);
    for (const p of ranked) {
      out.push(
        `${cell(portLabel(p.proto, p.port), 11)} ${cell(p.service || '-', 14)} ${cell(num(p.probes), 7, 'right')} ${cell(num(p.probeSources), 7, 'right')} ${cell(num(p.destinations), 7, 'right')} ${cell(VERDICT_WORD[p.verdict.verdict], 10)} ${wallTime(p.lastSeen, o.timeZone).slice(0, 16)}`,
      );
    }
    if (s.probedPorts > ranked.length) out.push(`  … and ${num(s.probedPorts - ranked.length)} more ports`);
  }

  if (probeSources.length > 0) {
    out.push('', h('TOP SOURCES'));
    out.push(`${cell('SOURCE', 28)} ${cell('PROBES', 7, 'right')} ${cell('PORTS', 6, 'right')} ${cell('HOSTS', 5, 'right')} SEV ${cell('CLASS', 16)} TOP PORT`);
    for (const r of probeSources.slice(0, o.top)) out.push(...sourceLines(r));
  }

  const other = report.ports.filter((p) => p.events > p.probes).sort(byOther);
  if (other.length > 0) {
    out.push('', h('ALLOWED, AUDITED AND OUTBOUND TRAFFIC (not probes)'));
    out.push(`${cell('PORT', 11)} ${cell('SERVICE', 16)} ${cell('EVENTS', 8, 'right')} ${cell('ALLOWED', 8, 'right')} ${cell('AUDIT', 8, 'right')} ${cell('OUT/FWD', 8, 'right')}`);
    for (const p of other.slice(0, o.top)) {
      out.push(
        `${cell(portLabel(p.proto, p.port), 11)} ${cell(p.service || '-', 16)} ${cell(num(p.events - p.probes), 8, 'right')} ${cell(num(p.byAction.allow), 8, 'right')} ${cell(num(p.byAction.audit), 8, 'right')} ${cell(num(p.byDirection.out + p.byDirection.fwd), 8, 'right')}`,
      );
    }
    if (s.otherPorts > Math.min(other.length, o.top)) out.push(`  … and ${num(s.otherPorts - Math.min(other.length, o.top))} more ports`);
  }

  out.push('', h('PARSE SUMMARY'));
  out.push(
    `${num(s.lines)} lines: ${num(s.events === 0 ? 0 : countRecords(report))} firewall records, ${num(s.unrecognizedLines)} other lines, ${num(s.rejectedLines)} unreadable, ${num(s.ignoredLines)} blank or headers`,
  );
  for (const [reason, n] of Object.entries(s.rejected)) out.push(`  unreadable, ${reason}: ${num(n ?? 0)}`);
  return `${out.join('\n')}\n`;
}

/** Wrap a paragraph to the report width, continuation lines indented by two. */
function paragraph(text: string, first = '', rest = '  '): string[] {
  const words = text.split(' ').filter((w) => w !== '');
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words) {
    if (!empty && line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = rest + w;
    } else {
      line += (empty ? '' : ' ') + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** The first `n` sources, at most MEANING_ALIKE of one class on one port: eight mail servers retrying port 25 are one story. */
function pickNotable(ranked: SourceRow[], n: number): SourceRow[] {
  const seen = new Map<string, number>();
  const out: SourceRow[] = [];
  for (const r of ranked) {
    const top = r.topPorts[0];
    const key = `${r.class} ${top === undefined ? '' : portLabel(top.proto, top.port)}`;
    const k = seen.get(key) ?? 0;
    if (k >= MEANING_ALIKE) continue;
    seen.set(key, k + 1);
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

/** The ports and sources that deserve attention first, in sentences; what the log cannot show. */
function meaningLines(report: Report, o: TextOptions): string[] {
  const out: string[] = [...paragraph(classSentence(report.summary.classes))];
  const ports = rankPortsByAttention(report.ports).slice(0, Math.min(o.top, MEANING_PORTS));
  for (const p of ports) out.push('', ...paragraph(portParagraph(p, o.timeZone)));
  if (ports.length === 0 && report.summary.probedPorts > 0) {
    out.push('', ...paragraph('No port had enough traffic for a verdict of its own: what matters here is who sent it, below.'));
  }
  const sources = pickNotable(rankSourcesByAttention(report.sources), Math.min(o.top, MEANING_SOURCES));
  for (const r of sources) out.push('', ...paragraph(sourceParagraph(r, o.timeZone)));
  const shown = new Set(sources.map((r) => r.address));
  const more = report.scans.filter((sc) => !sc.sources.some((a) => shown.has(a)));
  if (more.length > 0) {
    out.push('', `Other scans (${num(more.length)}):`);
    const n = Math.min(o.top, MEANING_OTHER_SCANS);
    for (const sc of more.slice(0, n)) out.push(...paragraph(scanLine(sc), '  ', '    '));
    if (more.length > n) out.push(`  … and ${num(more.length - n)} more (see --format json)`);
  }
  for (const c of caveats(report)) out.push('', ...paragraph(c));
  return out;
}

/** Records (lines that were events) = lines − other − unreadable − ignored. */
function countRecords(r: Report): number {
  const s = r.summary;
  return s.lines - s.unrecognizedLines - s.rejectedLines - s.ignoredLines;
}

function byProbes(a: PortRow, b: PortRow): number {
  return b.probes - a.probes || b.probeSources - a.probeSources || compareLabel(a, b);
}

function byOther(a: PortRow, b: PortRow): number {
  return b.events - b.probes - (a.events - a.probes) || compareLabel(a, b);
}

function compareLabel(a: PortRow, b: PortRow): number {
  return a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : (a.port ?? -1) - (b.port ?? -1);
}

const VERDICT_WORD = { background: 'background', targeted: 'TARGETED', mixed: 'mixed', 'too-little-data': 'few data' } as const;

function sourceLines(r: SourceRow): string[] {
  const top = r.topPorts.length === 0 ? '' : portLabel(r.topPorts[0].proto, r.topPorts[0].port);
  const figures = `${cell(num(r.probes), 7, 'right')} ${cell(num(r.ports), 6, 'right')} ${cell(num(r.destinations), 5, 'right')} ${cell(String(r.severity), 3, 'right')} ${cell(r.class, 16)} ${cell(top, 9)}`.trimEnd();
  // A long IPv6 address gets a line of its own rather than being cut.
  if (r.address.length > 28) return [r.address, `${' '.repeat(29)}${figures}`];
  return [`${cell(r.address, 28)} ${figures}`];
}

const BARS = '▁▂▃▄▅▆▇█';
/** Columns of the chart; longer timelines are merged into this many. */
const CHART_WIDTH = 56;

/** Sum `values` into at most `width` columns of (nearly) equal runs. */
export function squeeze(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out = new Array<number>(width).fill(0);
  values.forEach((v, i) => (out[Math.floor((i * width) / values.length)] += v));
  return out;
}

/** One character per bucket: a space for none, else a bar scaled to the row's busiest bucket. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (v === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))])).join('');
}

function timelineChart(t: TimelineReport, h: (s: string) => string, tz: string): string[] {
  const from = wallTime(t.buckets[0], tz).slice(0, t.unit === 'hour' ? 16 : 10);
  const to = wallTime(t.buckets[t.buckets.length - 1], tz).slice(0, t.unit === 'hour' ? 16 : 10);
  const merged = t.buckets.length > CHART_WIDTH ? `; ${t.buckets.length} ${t.unit}s in ${CHART_WIDTH} columns` : '';
  const lines = [h(`TIMELINE (events per ${t.unit}, ${from} to ${to}${merged})`)];
  // Bars are column sums; the peak is of the buckets themselves (per hour or day, as the heading says).
  const row = (label: string, values: readonly number[]) => {
    const v = squeeze(values, CHART_WIDTH);
    lines.push(`${cell(label, 11)} ${sparkline(v).padEnd(Math.min(CHART_WIDTH, t.buckets.length))} peak ${num(Math.max(0, ...values))}`);
  };
  row('all', t.events);
  for (const p of t.ports.slice(0, 3)) row(portLabel(p.proto, p.port), p.events);
  return lines;
}
