/**
 * The text report: what a sysadmin reads in a terminal or a cron e-mail. 80 columns, probes first
 * (inbound, blocked or no action logged), allowed and outbound traffic apart, the parse summary
 * last. Colour is decided once by the CLI; this renderer only gets a boolean.
 */
import type { PortRow, Report, SourceRow, TimelineReport } from '../report.js';
import { cell, num, portLabel, wallTime } from './format.js';

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
    `Probes: ${num(s.probes)} (inbound, blocked or no action logged) on ${num(probePorts.length)} ports`,
  );
  out.push(`Other traffic: ${num(s.events - s.probes)} events allowed, audited, outbound or forwarded`);
  if (s.window !== null) {
    const bound = (b: string | null, open: string) => (b === null ? open : wallTime(b, o.timeZone));
    out.push(
      `Window: ${bound(s.window.since, 'start')} to ${bound(s.window.until, 'end')} (${o.timeZone}); ${num(s.filteredEvents)} events outside it not counted`,
    );
  }
  if (o.chart === true && report.timeline !== null) out.push('', ...timelineChart(report.timeline, h, o.timeZone));

  if (probePorts.length > 0) {
    out.push('', h('TOP PROBED PORTS'));
    out.push(`${cell('PORT', 11)} ${cell('SERVICE', 16)} ${cell('PROBES', 8, 'right')} ${cell('SOURCES', 8, 'right')} ${cell('TARGETS', 8, 'right')}  LAST SEEN`);
    const ranked = [...probePorts].sort(byProbes).slice(0, o.top);
    for (const p of ranked) {
      out.push(
        `${cell(portLabel(p.proto, p.port), 11)} ${cell(p.service || '-', 16)} ${cell(num(p.probes), 8, 'right')} ${cell(num(p.probeSources), 8, 'right')} ${cell(num(p.destinations), 8, 'right')}  ${wallTime(p.lastSeen, o.timeZone).slice(0, 16)}`,
      );
    }
    if (probePorts.length > ranked.length) out.push(`  … and ${num(probePorts.length - ranked.length)} more ports`);
  }

  if (probeSources.length > 0) {
    out.push('', h('TOP SOURCES'));
    out.push(`${cell('SOURCE', 28)} ${cell('PROBES', 8, 'right')} ${cell('PORTS', 6, 'right')} ${cell('TARGETS', 7, 'right')}  TOP PORTS`);
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
    if (other.length > o.top) out.push(`  … and ${num(other.length - o.top)} more ports`);
  }

  out.push('', h('PARSE SUMMARY'));
  out.push(
    `${num(s.lines)} lines: ${num(s.events === 0 ? 0 : countRecords(report))} firewall records, ${num(s.unrecognizedLines)} other lines, ${num(s.rejectedLines)} unreadable, ${num(s.ignoredLines)} blank or headers`,
  );
  for (const [reason, n] of Object.entries(s.rejected)) out.push(`  unreadable, ${reason}: ${num(n ?? 0)}`);
  return `${out.join('\n')}\n`;
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

function sourceLines(r: SourceRow): string[] {
  const ports = r.topPorts.map((p) => portLabel(p.proto, p.port)).join(' ');
  const figures = `${cell(num(r.probes), 8, 'right')} ${cell(num(r.ports), 6, 'right')} ${cell(num(r.destinations), 7, 'right')}  ${cell(ports, 24)}`.trimEnd();
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
