/**
 * The report model: the aggregate turned into plain, ordered data. It *is* the JSON contract
 * (schemaVersion), and the text and CSV renderers read from it, so the formats never disagree.
 *
 * Ordering is total (ties broken by key), so the same input gives the same bytes.
 */
import { ACTIONS, DIRECTIONS, type Aggregate, keyPort, keyProto, type PortStats, type SourceStats } from './aggregate.js';
import { protoName } from './net/protocols.js';
import { ipv4ToNumber } from './net/ip.js';
import { serviceName } from './services.js';
import type { Action, Direction, Family, RejectReason } from './types.js';
import { HOUR_MS, type Timeline } from './timeline.js';
import { startOfDayIn } from './time/window.js';

export const SCHEMA_VERSION = 1;

export interface ReportSummary {
  lines: number;
  events: number;
  probes: number;
  eventsByFamily: Partial<Record<Family, number>>;
  unrecognizedLines: number;
  ignoredLines: number;
  rejectedLines: number;
  rejected: Partial<Record<RejectReason, number>>;
  firstSeen: string | null;
  lastSeen: string | null;
  /** The zone assumed for stamps that carry no offset. */
  timeZone: string;
  /** Events (packets) outside the time window: read, but in no other figure. */
  filteredEvents: number;
  /** The --since/--until window (ISO, null = open), or null when none was given. */
  window: { since: string | null; until: string | null } | null;
}

/** Counts per hour (or per day, in the report's zone, for spans over a week), oldest first. */
export interface TimelineReport {
  unit: 'hour' | 'day';
  /** Start of each bucket, ISO 8601 UTC; every bucket from the first event to the last. */
  buckets: string[];
  events: number[];
  probes: number[];
  /** The busiest ports (by events), events per bucket. */
  ports: { proto: string; port: number | null; events: number[] }[];
  /** True when per-port cells of quiet ports were dropped to bound memory (totals stay exact). */
  portsPartial: boolean;
}

export interface PortRow {
  proto: string;
  port: number | null;
  service: string;
  events: number;
  probes: number;
  byAction: Record<Action, number>;
  byDirection: Record<Direction, number>;
  sources: number;
  probeSources: number;
  destinations: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface SourcePort {
  proto: string;
  port: number | null;
  events: number;
}

export interface SourceRow {
  address: string;
  events: number;
  probes: number;
  ports: number;
  destinations: number;
  firstSeen: string | null;
  lastSeen: string | null;
  topPorts: SourcePort[];
}

export interface Report {
  schemaVersion: number;
  summary: ReportSummary;
  ports: PortRow[];
  sources: SourceRow[];
  timeline: TimelineReport | null;
}

export interface ReportOptions {
  /** Rows per table; 0 = all. */
  top: number;
  /** Port rows kept: 0 = all (the text report ranks them itself; ports are few). */
  portTop: number;
  /** Which sources come first: by events (the contract) or by probes (the text report). */
  sourceOrder: 'events' | 'probes';
  /** Ports listed per source. */
  sourceTopPorts: number;
  timeZone: string;
  /** The time window given, epoch ms (±Infinity = open); omitted when none. */
  window?: { since: number; until: number };
  /** Ports drawn in the timeline (default TIMELINE_PORTS). */
  timelinePorts?: number;
}

/** Ports with a line of their own in the timeline. */
export const TIMELINE_PORTS = 5;

/** Spans up to this many hours are shown per hour; longer ones per day. */
export const HOURLY_SPAN_LIMIT = 7 * 24;

/**
 * Dense buckets from the first event's to the last's. Days are days of `timeZone` (where a zone's
 * offset is not whole hours, an hour counts on the day its start falls in).
 */
export function buildTimeline(agg: Aggregate, timeZone: string, topPorts: number): TimelineReport | null {
  const tl: Timeline = agg.timeline;
  if (tl.hours.size === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const h of tl.hours.keys()) {
    if (h < first) first = h;
    if (h > last) last = h;
  }
  const unit = last - first < HOURLY_SPAN_LIMIT ? 'hour' : 'day';
  const starts: number[] = [];
  if (unit === 'hour') {
    for (let h = first; h <= last; h++) starts.push(h * HOUR_MS);
  } else {
    const end = startOfDayIn(last * HOUR_MS, 0, timeZone);
    for (let d = startOfDayIn(first * HOUR_MS, 0, timeZone); d <= end; d = startOfDayIn(d, -1, timeZone)) starts.push(d);
  }
  const index = new Map<number, number>();
  const bucketOf = (hour: number): number => {
    if (unit === 'hour') return hour - first;
    let i = index.get(hour);
    if (i === undefined) {
      const t = hour * HOUR_MS;
      // Binary search: the last start <= t.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid] <= t) lo = mid;
        else hi = mid - 1;
      }
      i = lo;
      index.set(hour, i);
    }
    return i;
  };
  const ranked = topBy(agg.ports.values(), (a, b) => b.events - a.events || a.key - b.key, topPorts);
  const portIndex = new Map(ranked.map((p, i) => [p.key, i]));
  const events = new Array<number>(starts.length).fill(0);
  const probes = new Array<number>(starts.length).fill(0);
  const perPort = ranked.map(() => new Array<number>(starts.length).fill(0));
  for (const h of tl.hours.values()) {
    const i = bucketOf(h.hour);
    events[i] += h.events;
    probes[i] += h.probes;
    for (const [key, j] of portIndex) perPort[j][i] += h.ports.get(key) ?? 0;
  }
  return {
    unit,
    buckets: starts.map((t) => new Date(t).toISOString()),
    events,
    probes,
    ports: ranked.map((p, j) => {
      const port = keyPort(p.key);
      return { proto: protoName(keyProto(p.key)), port: port < 0 ? null : port, events: perPort[j] };
    }),
    portsPartial: tl.portsPartial,
  };
}

function isoBound(t: number): string | null {
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

function iso(t: number): string | null {
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function byKey<K extends string>(keys: readonly K[], counts: readonly number[]): Record<K, number> {
  const out = {} as Record<K, number>;
  keys.forEach((k, i) => (out[k] = counts[i]));
  return out;
}

function portRow(p: PortStats): PortRow {
  const proto = keyProto(p.key);
  const port = keyPort(p.key);
  return {
    proto: protoName(proto),
    port: port < 0 ? null : port,
    service: port < 0 ? '' : serviceName(proto, port),
    events: p.events,
    probes: p.probes,
    byAction: byKey(ACTIONS, p.byAction),
    byDirection: byKey(DIRECTIONS, p.byDirection),
    sources: p.sources,
    probeSources: p.probeSources,
    destinations: p.destinations.size,
    firstSeen: iso(p.firstSeen),
    lastSeen: iso(p.lastSeen),
  };
}

function sourceRow(s: SourceStats, topN: number): SourceRow {
  const ports = [...s.portEntries()].map(([key, signed]) => ({ key, events: Math.abs(signed) }));
  ports.sort((a, b) => b.events - a.events || a.key - b.key);
  return {
    address: s.address,
    events: s.events,
    probes: s.probes,
    ports: s.portCount,
    destinations: s.destinationCount,
    firstSeen: iso(s.firstSeen),
    lastSeen: iso(s.lastSeen),
    topPorts: ports.slice(0, topN).map(({ key, events }) => {
      const port = keyPort(key);
      return { proto: protoName(keyProto(key)), port: port < 0 ? null : port, events };
    }),
  };
}

/** IPv4 before IPv6; IPv4 in numeric order, IPv6 by text: stable and readable. */
export function compareAddress(a: string, b: string): number {
  const a6 = a.indexOf(':') >= 0;
  const b6 = b.indexOf(':') >= 0;
  if (a6 !== b6) return a6 ? 1 : -1;
  if (!a6) return ipv4ToNumber(a) - ipv4ToNumber(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first `top` items in `cmp` order (all when top is 0), without sorting a million sources to
 * show twenty: a sorted window of `top`, entered by binary search.
 */
export function topBy<T>(items: Iterable<T>, cmp: (a: T, b: T) => number, top: number): T[] {
  if (top <= 0) return [...items].sort(cmp);
  const win: T[] = [];
  for (const it of items) {
    if (win.length === top && cmp(it, win[top - 1]) >= 0) continue;
    let lo = 0;
    let hi = win.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(win[mid], it) <= 0) lo = mid + 1;
      else hi = mid;
    }
    win.splice(lo, 0, it);
    if (win.length > top) win.pop();
  }
  return win;
}

export function buildReport(agg: Aggregate, o: ReportOptions): Report {
  const rejected: Partial<Record<RejectReason, number>> = {};
  for (const [reason, n] of [...agg.rejected].sort((a, b) => (a[0] < b[0] ? -1 : 1))) rejected[reason] = n;
  const families: Partial<Record<Family, number>> = {};
  for (const f of Object.keys(agg.eventsByFamily).sort() as Family[]) families[f] = agg.eventsByFamily[f];

  const ports = topBy(
    agg.ports.values(),
    (a, b) => b.events - a.events || keyProto(a.key) - keyProto(b.key) || keyPort(a.key) - keyPort(b.key),
    o.portTop,
  ).map(portRow);
  const sources = topBy(
    agg.sources.values(),
    o.sourceOrder === 'probes'
      ? (a, b) => b.probes - a.probes || b.events - a.events || compareAddress(a.address, b.address)
      : (a, b) => b.events - a.events || compareAddress(a.address, b.address),
    o.top,
  ).map((s) => sourceRow(s, o.sourceTopPorts));

  return {
    schemaVersion: SCHEMA_VERSION,
    summary: {
      lines: agg.lines,
      events: agg.events,
      probes: agg.probes,
      eventsByFamily: families,
      unrecognizedLines: agg.unrecognizedLines,
      ignoredLines: agg.ignoredLines,
      rejectedLines: agg.rejectedLines,
      rejected,
      firstSeen: iso(agg.firstSeen),
      lastSeen: iso(agg.lastSeen),
      timeZone: o.timeZone,
      filteredEvents: agg.filteredEvents,
      window: o.window === undefined ? null : { since: isoBound(o.window.since), until: isoBound(o.window.until) },
    },
    ports,
    sources,
    timeline: buildTimeline(agg, o.timeZone, o.timelinePorts ?? TIMELINE_PORTS),
  };
}
