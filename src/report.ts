/**
 * The report model: the aggregate turned into plain, ordered data. It *is* the JSON contract
 * (schemaVersion), and the text and CSV renderers read from it, so the formats never disagree.
 *
 * Ordering is total (ties broken by key), so the same input gives the same bytes.
 */
import { ACTIONS, DIRECTIONS, type Aggregate, keyPort, keyProto, type PortStats, type SourceStats } from './aggregate.js';
import {
  classify,
  SOURCE_CLASSES,
  type Classification,
  type FieldPresence,
  type HomeInfo,
  type PortVerdict,
  type Reason,
  type ScanFinding,
  type SourceClass,
} from './classify/classify.js';
import type { ClassifierOptions } from './classify/options.js';
import { B_HAS_FLAGS, B_STEALTH, B_SYN, B_TCP } from './classify/packet.js';
import { ipv4ToNumber } from './net/ip.js';
import { protoName, protoNumber } from './net/protocols.js';
import { entryLabel, lookupPortBrief, TRANSPORTS, type Transport } from './registry/registry.js';
import type { Activity, Confidence, IanaStatus, RangeClass, ScanVolume, Tag } from './registry/types.js';
import { serviceName } from './services.js';
import type { Action, Direction, Family, RejectReason } from './types.js';
import { HOUR_MS, type Timeline } from './timeline.js';
import { startOfDayIn } from './time/window.js';

/** 2: ports gained `registry` and `verdict`, sources `class`, `severity`, `reasons`; `scans` was added. */
export const SCHEMA_VERSION = 2;

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
  /** Packets dropped before aggregation by `--ignore-src` / `--ignore-dst`. */
  ignored: { bySource: number; byDestination: number };
  /** What "you" is, and whether sweeps across hosts can be seen in this log. */
  home: HomeInfo;
  /** Fields the log carries; rules that need a missing one were skipped. */
  fields: FieldPresence;
  /** Sources per class, every class listed. */
  classes: Record<SourceClass, number>;
  /** Ports with probes, and ports with other traffic (allowed, audited, outbound). */
  probedPorts: number;
  otherPorts: number;
  /** Events (packets) outside the time window: read, but in no other figure. */
  filteredEvents: number;
  /** The --since/--until window (ISO, null = open), or null when none was given. */
  window: { since: string | null; until: string | null } | null;
}

/** What the registry knows about a port, without the log (`portscan-report explain` has it all). */
export interface PortRegistry {
  /** IANA primary service name, '' when none. */
  name: string;
  description: string;
  status: IanaStatus;
  /** RFC 6335 range: system, user, dynamic. */
  range: RangeClass;
  activity: Activity;
  tags: Tag[];
  uses: { label: string; kind: string; confidence: Confidence }[];
  scanVolume: ScanVolume | null;
  /** Named ranges around the port (a game range), including those for another transport only. */
  ranges: { label: string; from: number; to: number; protocols: string[]; applies: boolean; uses: { label: string; confidence: Confidence }[] }[];
}

export interface PortVerdictRow {
  verdict: PortVerdict;
  /** One sentence: the verdict and why. */
  summary: string;
  /** Packets and sources towards you on this port (outbound sources left out). */
  packets: number;
  sources: number;
  maxPerSource: number;
  singlePortSources: number;
  targetedPackets: number;
  targetedSources: number;
  /** Every packet a plain SYN (true), some not (false), or not TCP / no flags in the log (null). */
  allSyn: boolean | null;
  /** Some packet had stealth flags (NULL, FIN, Xmas, SYN+FIN). */
  stealth: boolean;
  /** Sources per class. */
  classes: Partial<Record<SourceClass, number>>;
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
  /** Null for protocols without IANA ports (ICMP …). */
  registry: PortRegistry | null;
  verdict: PortVerdictRow;
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
  class: SourceClass;
  /** 1-5, in psad's spirit (src/classify/options.ts). */
  severity: number;
  /** The rule that classed the source and the figures that fired it, then any marks. */
  reasons: Reason[];
}

/** A scan as the classifier found it, with its times as ISO strings (null when unknown). */
export type ScanRow = Omit<ScanFinding, 'windowMs' | 'firstSeen' | 'lastSeen'> & {
  windowMs: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
};

export interface Report {
  schemaVersion: number;
  summary: ReportSummary;
  ports: PortRow[];
  sources: SourceRow[];
  scans: ScanRow[];
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
  /** Classifier settings (home net, thresholds); defaults when left out. */
  classifier?: Partial<ClassifierOptions>;
  /**
   * Which port rows: 'ranked' (the first `portTop` by events; 0 = all), or 'text': only those the
   * text report can show (the first `top` by probes, by other traffic, and by attention), so a log
   * with 60,000 ports does not build 60,000 rows to print twenty. `summary.probedPorts` and
   * `summary.otherPorts` still count them all.
   */
  portSelection?: 'ranked' | 'text';
  /**
   * Fill `registry` on every port row (the JSON and CSV contract). The text report turns it off and
   * asks `rowRegistry` for the few ports it tells about. Rows use lookupPortBrief, not lookupPort
   * (~48 µs and ~2.8 KB kept per port: seconds and hundreds of MB for a log with 88k ports).
   */
  portRegistry?: boolean;
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
  const ports = agg.ports;
  const ranked = topBy(ports.size, identity, (a, b) => ports.eventsAt(b) - ports.eventsAt(a) || ports.keyAt(a) - ports.keyAt(b), topPorts).map((i) => ports.at(i));
  // Once, and with the charted ports' cells only.
  const hours = tl.hourCounts(new Set(ranked.map((p) => p.key)));
  if (hours.size === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const h of hours.keys()) {
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
  const portIndex = new Map(ranked.map((p, i) => [p.key, i]));
  const events = new Array<number>(starts.length).fill(0);
  const probes = new Array<number>(starts.length).fill(0);
  const perPort = ranked.map(() => new Array<number>(starts.length).fill(0));
  for (const h of hours.values()) {
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

const IP_TRANSPORT: Record<number, Transport> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 33: 'dccp' };

/** The registry's view of a port, for the report (null for protocols without IANA ports). */
export function portRegistry(proto: number, port: number): PortRegistry | null {
  const t = IP_TRANSPORT[proto];
  if (t === undefined || port < 0 || !TRANSPORTS.includes(t)) return null;
  // The brief lookup, not lookupPort: every port of a JSON/CSV report comes here once (see lookupPortBrief).
  const info = lookupPortBrief(t, port);
  return {
    name: info.iana.name,
    description: info.iana.description,
    status: info.iana.status,
    range: info.rangeClass,
    activity: info.activity,
    tags: [...info.tags],
    uses: info.uses.map((u) => ({ label: u.label, kind: u.kind, confidence: u.confidence })),
    scanVolume: info.scanVolume === null ? null : { ...info.scanVolume },
    ranges: info.entries
      .filter((e) => e.scope === 'service-range' && e.range !== null)
      .map((e) => ({
        label: entryLabel(e),
        from: e.range!.from,
        to: e.range!.to,
        protocols: [...e.protocols],
        applies: e.protocols.includes(t),
        uses: e.uses.map((u) => ({ label: u.label, confidence: u.confidence })),
      })),
  };
}

/** The registry block of a row, whether or not the report filled it. */
export function rowRegistry(row: PortRow): PortRegistry | null {
  return row.registry ?? (row.port === null ? null : portRegistry(protoNumber(row.proto), row.port));
}

function portRow(p: PortStats, c: Classification, withRegistry: boolean): PortRow {
  const proto = keyProto(p.key);
  const port = keyPort(p.key);
  const v = c.portVerdict(p);
  const tcpFlags = (p.anyBits & B_TCP) !== 0 && (p.allBits & B_HAS_FLAGS) !== 0;
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
    destinations: p.destinations,
    firstSeen: iso(p.firstSeen),
    lastSeen: iso(p.lastSeen),
    registry: withRegistry ? portRegistry(proto, port) : null,
    verdict: {
      verdict: v.verdict,
      summary: v.summary,
      packets: v.packets,
      sources: v.sources,
      maxPerSource: v.maxPerSource,
      singlePortSources: v.singlePortSources,
      targetedPackets: v.targetedPackets,
      targetedSources: v.targetedSources,
      allSyn: tcpFlags ? (p.allBits & B_SYN) !== 0 : null,
      stealth: (p.anyBits & B_STEALTH) !== 0,
      classes: v.classes,
    },
  };
}

function sourceRow(agg: Aggregate, s: SourceStats, topN: number, c: Classification): SourceRow {
  const ports: { key: number; events: number }[] = [];
  agg.eachPort(s, (key, signed) => ports.push({ key, events: Math.abs(signed) }));
  ports.sort((a, b) => b.events - a.events || a.key - b.key);
  return {
    address: s.address,
    events: s.events,
    probes: s.probes,
    ports: ports.length,
    destinations: agg.destinationCount(s),
    firstSeen: iso(s.firstSeen),
    lastSeen: iso(s.lastSeen),
    topPorts: ports.slice(0, topN).map(({ key, events }) => {
      const port = keyPort(key);
      return { proto: protoName(keyProto(key)), port: port < 0 ? null : port, events };
    }),
    class: c.classOf(s),
    severity: c.severity(s),
    reasons: c.reasons(s),
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
 * The first `top` of `count` items (item i is `at(i)`) that `keep` lets through, in `cmp` order (all
 * when top is 0), without sorting a million sources to show twenty: a sorted window of `top`,
 * entered by binary search. Items by index, not through an iterator: no generator step and result
 * object per item (the sources table and the text report's three port lists walk 150k-400k items).
 */
export function topBy<T>(count: number, at: (i: number) => T, cmp: (a: T, b: T) => number, top: number, keep?: (item: T) => boolean): T[] {
  const win: T[] = [];
  for (let i = 0; i < count; i++) {
    const it = at(i);
    if (keep !== undefined && !keep(it)) continue;
    if (top <= 0) {
      win.push(it);
      continue;
    }
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
  return top <= 0 ? win.sort(cmp) : win;
}

/** Ports the text report can show: the first `top` by probes, by other traffic, and by attention. */
function textPorts(agg: Aggregate, c: Classification, want: number): PortStats[] {
  // `--top 0` asks for every row: sort all rather than keep a window as long as the list.
  const top = want >= agg.ports.size ? 0 : want;
  // By record index, not view: a view per port (88,671 on the 1 M-line bench) is made only for
  // the ports shown.
  const ports = agg.ports;
  const order = (a: number, b: number) => {
    const ka = ports.keyAt(a);
    const kb = ports.keyAt(b);
    return keyProto(ka) - keyProto(kb) || keyPort(ka) - keyPort(kb);
  };
  const probes = (i: number) => ports.probesAt(i);
  const others = (i: number) => ports.eventsAt(i) - ports.probesAt(i);
  const packets = c.tallies!.packets;
  const probed = topBy(ports.size, identity, (a, b) => probes(b) - probes(a) || ports.probeSourcesAt(b) - ports.probeSourcesAt(a) || order(a, b), top, (i) => probes(i) > 0);
  const other = topBy(ports.size, identity, (a, b) => others(b) - others(a) || order(a, b), top, (i) => others(i) > 0);
  const attention = topBy(
    ports.size,
    identity,
    (a, b) => c.portAttentionAt(a) - c.portAttentionAt(b) || packets[b] - packets[a] || order(a, b),
    top,
    (i) => c.portAttentionAt(i) >= 0,
  );
  return [...new Set([...probed, ...other, ...attention])].map((i) => ports.at(i));
}

/** topBy over record indices. */
function identity(i: number): number {
  return i;
}

/** The zone the classifier is given for a report zone ('' for UTC), so every caller classifies alike. */
export function classifierZone(timeZone: string): string {
  return timeZone === 'UTC' ? '' : timeZone;
}

/**
 * The report with its rows made on demand: `ports` and `sources` are re-iterable views over the
 * sorted aggregate that build one row at a time, so a renderer that streams holds one row's
 * objects, not 240k rows with their registry blocks and reasons (1.9 GB for a 1M-line log).
 * Same order of keys and rows as `Report`; `collectReport` turns it into one.
 */
export interface LazyReport {
  schemaVersion: number;
  summary: ReportSummary;
  ports: Iterable<PortRow>;
  sources: Iterable<SourceRow>;
  scans: ScanRow[];
  timeline: TimelineReport | null;
}

function lazyMap<T, R>(items: readonly T[], fn: (item: T) => R): Iterable<R> {
  return {
    *[Symbol.iterator]() {
      for (const it of items) yield fn(it);
    },
  };
}

export function buildLazyReport(agg: Aggregate, o: ReportOptions): LazyReport {
  const c = classify(agg, { timeZone: classifierZone(o.timeZone), ...o.classifier });
  const rejected: Partial<Record<RejectReason, number>> = {};
  for (const [reason, n] of [...agg.rejected].sort((a, b) => (a[0] < b[0] ? -1 : 1))) rejected[reason] = n;
  const families: Partial<Record<Family, number>> = {};
  for (const f of Object.keys(agg.eventsByFamily).sort() as Family[]) families[f] = agg.eventsByFamily[f];

  const byEvents = (a: PortStats, b: PortStats) => b.events - a.events || keyProto(a.key) - keyProto(b.key) || keyPort(a.key) - keyPort(b.key);
  const selected = o.portSelection === 'text' ? textPorts(agg, c, o.top).sort(byEvents) : topBy(agg.ports.size, agg.ports.at.bind(agg.ports), byEvents, o.portTop);
  const withRegistry = o.portRegistry ?? true;
  let probedPorts = 0;
  let otherPorts = 0;
  for (let i = 0; i < agg.ports.size; i++) {
    const probes = agg.ports.probesAt(i);
    if (probes > 0) probedPorts++;
    if (agg.ports.eventsAt(i) > probes) otherPorts++;
  }
  const sources = topBy(
    agg.sources.size,
    agg.sources.at.bind(agg.sources),
    o.sourceOrder === 'probes'
      ? (a, b) => b.probes - a.probes || b.events - a.events || compareAddress(a.address, b.address)
      : (a, b) => b.events - a.events || compareAddress(a.address, b.address),
    o.top,
  );
  const scans = (o.top > 0 ? c.scans.slice(0, o.top) : c.scans).map(
    (f): ScanRow => ({ ...f, windowMs: f.windowMs === f.windowMs ? f.windowMs : null, firstSeen: iso(f.firstSeen), lastSeen: iso(f.lastSeen) }),
  );
  const classes = {} as Record<SourceClass, number>;
  for (const cls of SOURCE_CLASSES) classes[cls] = c.classCounts[cls];

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
      ignored: { bySource: agg.ignoredBySource, byDestination: agg.ignoredByDestination },
      home: { ...c.home },
      fields: { ...c.fields },
      classes,
      probedPorts,
      otherPorts,
      filteredEvents: agg.filteredEvents,
      window: o.window === undefined ? null : { since: isoBound(o.window.since), until: isoBound(o.window.until) },
    },
    ports: lazyMap(selected, (p) => portRow(p, c, withRegistry)),
    sources: lazyMap(sources, (s) => sourceRow(agg, s, o.sourceTopPorts, c)),
    scans,
    timeline: buildTimeline(agg, o.timeZone, o.timelinePorts ?? TIMELINE_PORTS),
  };
}

/** Every row built: the report as one value. */
export function collectReport(r: LazyReport): Report {
  return { schemaVersion: r.schemaVersion, summary: r.summary, ports: [...r.ports], sources: [...r.sources], scans: r.scans, timeline: r.timeline };
}

/** The whole report in memory, for library users and the text report (which shows few rows). */
export function buildReport(agg: Aggregate, o: ReportOptions): Report {
  return collectReport(buildLazyReport(agg, o));
}
