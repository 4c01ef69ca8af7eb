/**
 * The aggregate: per (protocol, destination port), per source, per source × port, and totals.
 *
 * Memory grows with what is distinct, never with lines:
 * - ports are keyed by a number (`proto * 65537 + port + 1`), not a template string;
 * - a source that touched one port and one destination (most of the Internet's background noise)
 *   keeps them inline and only grows a Map/Set when it touches a second one;
 * - destinations are interned to small integers, so per-port and per-source destination sets hold
 *   numbers;
 * - every long-lived string key is a fresh copy (`ownAddress`), never a slice of a log line, which
 *   would keep the whole line alive behind it.
 *
 * A source × port count is stored signed: positive once that source has sent a probe (inbound,
 * blocked or unknown action) to that port, negative while it has only sent other traffic. That
 * gives distinct probing sources per port without a second table.
 */
import { ownAddress } from './net/ip.js';
import { Timeline } from './timeline.js';
import type { Action, Direction, Family, PacketEvent, RejectReason } from './types.js';

export const ACTIONS: readonly Action[] = ['block', 'allow', 'audit', 'unknown'];
export const DIRECTIONS: readonly Direction[] = ['in', 'out', 'fwd', 'unknown'];

const ACTION_INDEX: Record<Action, number> = { block: 0, allow: 1, audit: 2, unknown: 3 };
const DIRECTION_INDEX: Record<Direction, number> = { in: 0, out: 1, fwd: 2, unknown: 3 };

/** Numeric key of a (protocol, port) pair; port -1 (no ports) has its own key. */
export function portKey(proto: number, port: number): number {
  return proto * 65537 + port + 1;
}

export function keyProto(key: number): number {
  return Math.floor(key / 65537);
}

export function keyPort(key: number): number {
  return (key % 65537) - 1;
}

/**
 * A probe is what the text report is about: inbound (or of unknown direction), and blocked or of
 * unknown action. Allowed, audited, outbound and forwarded traffic is counted apart.
 */
export function isProbe(ev: PacketEvent): boolean {
  return (ev.direction === 'in' || ev.direction === 'unknown') && (ev.action === 'block' || ev.action === 'unknown');
}

export class PortStats {
  events = 0;
  probes = 0;
  /** Inbound (or direction unknown) events the firewall allowed: probes let through. */
  allowedIn = 0;
  readonly byAction = [0, 0, 0, 0];
  readonly byDirection = [0, 0, 0, 0];
  /** Distinct sources (all events), and distinct sources that sent at least one probe. */
  sources = 0;
  probeSources = 0;
  firstSeen = NaN;
  lastSeen = NaN;
  /** Interned destination ids. */
  readonly destinations = new Set<number>();
  constructor(readonly key: number) {}
}

export class SourceStats {
  events = 0;
  probes = 0;
  firstSeen = NaN;
  lastSeen = NaN;
  /** The one port this source touched, until it touches a second (then `ports` holds them all). */
  onePort = -1;
  onePortCount = 0;
  ports: Map<number, number> | null = null;
  /** The one destination id, until a second (then `destinations`). */
  oneDestination = -1;
  destinations: Set<number> | null = null;
  constructor(readonly address: string) {}

  get portCount(): number {
    return this.ports === null ? (this.onePort < 0 ? 0 : 1) : this.ports.size;
  }

  get destinationCount(): number {
    return this.destinations === null ? (this.oneDestination < 0 ? 0 : 1) : this.destinations.size;
  }

  /** Every (port key, signed count) pair of this source. */
  *portEntries(): IterableIterator<[number, number]> {
    if (this.ports !== null) yield* this.ports;
    else if (this.onePort >= 0) yield [this.onePort, this.onePortCount];
  }
}

export interface RejectSample {
  input: string;
  lineNumber: number;
  reason: RejectReason;
  text: string;
}

export const MAX_REJECT_SAMPLES = 20;
const MAX_SAMPLE_TEXT = 300;

export class Aggregate {
  lines = 0;
  /** Packets: a record that stands for N packets (`last message repeated`) counts N. */
  events = 0;
  probes = 0;
  readonly eventsByFamily: Partial<Record<Family, number>> = {};
  unrecognizedLines = 0;
  ignoredLines = 0;
  readonly rejected = new Map<RejectReason, number>();
  readonly rejectSamples: RejectSample[] = [];
  firstSeen = NaN;
  lastSeen = NaN;
  /** Packets read but outside the --since/--until window (not in any other figure). */
  filteredEvents = 0;
  readonly timeline = new Timeline();
  readonly ports = new Map<number, PortStats>();
  readonly sources = new Map<string, SourceStats>();
  /** Interned destination addresses: id → address. */
  readonly destinationNames: string[] = [];
  private readonly destinationIds = new Map<string, number>();

  addEvent(ev: PacketEvent): void {
    const n = ev.count;
    const probe = isProbe(ev);
    const t = ev.time;
    this.events += n;
    this.eventsByFamily[ev.family] = (this.eventsByFamily[ev.family] ?? 0) + n;
    if (probe) this.probes += n;
    if (t === t) {
      if (!(t >= this.firstSeen)) this.firstSeen = t;
      if (!(t <= this.lastSeen)) this.lastSeen = t;
    }

    const dstId = this.internDestination(ev.dst);
    const key = portKey(ev.proto, ev.dstPort);
    if (t === t) this.timeline.add(t, key, n, probe);
    let port = this.ports.get(key);
    if (port === undefined) {
      port = new PortStats(key);
      this.ports.set(key, port);
    }
    port.events += n;
    if (probe) port.probes += n;
    port.byAction[ACTION_INDEX[ev.action]] += n;
    if (ev.action === 'allow' && (ev.direction === 'in' || ev.direction === 'unknown')) port.allowedIn += n;
    port.byDirection[DIRECTION_INDEX[ev.direction]] += n;
    port.destinations.add(dstId);
    if (t === t) {
      if (!(t >= port.firstSeen)) port.firstSeen = t;
      if (!(t <= port.lastSeen)) port.lastSeen = t;
    }

    let src = this.sources.get(ev.src);
    if (src === undefined) {
      src = new SourceStats(ownAddress(ev.src));
      this.sources.set(src.address, src);
    }
    src.events += n;
    if (probe) src.probes += n;
    if (t === t) {
      if (!(t >= src.firstSeen)) src.firstSeen = t;
      if (!(t <= src.lastSeen)) src.lastSeen = t;
    }
    this.countPair(src, port, key, n, probe);
    if (src.destinations !== null) src.destinations.add(dstId);
    else if (src.oneDestination < 0) src.oneDestination = dstId;
    else if (src.oneDestination !== dstId) src.destinations = new Set([src.oneDestination, dstId]);
  }

  /** Source × port: update the signed count, and the port's distinct-source figures. */
  private countPair(src: SourceStats, port: PortStats, key: number, n: number, probe: boolean): void {
    let prev: number;
    if (src.ports === null && (src.onePort < 0 || src.onePort === key)) {
      prev = src.onePort < 0 ? 0 : src.onePortCount;
      src.onePort = key;
      src.onePortCount = bump(prev, n, probe);
    } else {
      if (src.ports === null) {
        src.ports = new Map([[src.onePort, src.onePortCount]]);
        src.onePort = -1;
      }
      prev = src.ports.get(key) ?? 0;
      src.ports.set(key, bump(prev, n, probe));
    }
    if (prev === 0) {
      port.sources++;
      if (probe) port.probeSources++;
    } else if (prev < 0 && probe) {
      port.probeSources++;
    }
  }

  private internDestination(address: string): number {
    let id = this.destinationIds.get(address);
    if (id === undefined) {
      id = this.destinationNames.length;
      const own = ownAddress(address);
      this.destinationNames.push(own);
      this.destinationIds.set(own, id);
    }
    return id;
  }

  addReject(reason: RejectReason, input: string, lineNumber: number, text: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    if (this.rejectSamples.length < MAX_REJECT_SAMPLES) {
      const cut = text.length > MAX_SAMPLE_TEXT ? `${text.slice(0, MAX_SAMPLE_TEXT)}…` : text;
      // Copy: a sample must not keep a (possibly huge) chunk alive.
      this.rejectSamples.push({ input, lineNumber, reason, text: Buffer.from(cut).toString() });
    }
  }

  get rejectedLines(): number {
    let n = 0;
    for (const v of this.rejected.values()) n += v;
    return n;
  }
}

/** New signed count: positive once a probe was seen, negative while none was. */
function bump(prev: number, n: number, probe: boolean): number {
  const count = Math.abs(prev) + n;
  return probe || prev > 0 ? count : -count;
}
