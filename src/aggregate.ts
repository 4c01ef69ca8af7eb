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
 *
 * For the classifier (src/classify), run once at report time, the aggregate also keeps:
 * - per source and per port, the OR and the AND of each packet's bits (`packetBits`: stealth flags,
 *   stale return, backscatter …), two small integers;
 * - per source × destination × port, the packet count and first and last time. A source with one
 *   such pair keeps it inline (its own count and times are the pair's); only a source that touches
 *   a second pair gets a Map from a numeric pair key (`dstId * PAIR_STRIDE + portKey`) to a row of
 *   three shared Float64Array columns;
 * - per destination, the directions it was seen in (the default "home" addresses).
 */
import { isPrivateAddress } from './classify/addresses.js';
import { ALL_BITS, B_INBOUND, B_OUTBOUND, packetBits } from './classify/packet.js';
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
 * Traffic towards you: inbound, of unknown direction, or forwarded, except forwarded from a private
 * address to a public one (a LAN host going out through the firewall). The address test runs for
 * forwarded packets only.
 */
export function isInbound(ev: PacketEvent): boolean {
  const d = ev.direction;
  if (d === 'in' || d === 'unknown') return true;
  if (d === 'out') return false;
  return !(isPrivateAddress(ev.src) && !isPrivateAddress(ev.dst));
}

/**
 * A probe is what the text report is about: traffic towards you (`isInbound`), blocked or of
 * unknown action. Allowed, audited and outbound traffic is counted apart.
 */
export function isProbe(ev: PacketEvent): boolean {
  return isInbound(ev) && (ev.action === 'block' || ev.action === 'unknown');
}

/** Directions a destination was seen in (`Aggregate.destinationFlags`). */
export const DST_INBOUND = 1;
export const DST_OUTBOUND = 2;
/** Directions seen on a source × destination × port pair (`PairTable.dirs`). */
export const PAIR_INBOUND = 1;
export const PAIR_OUTBOUND = 2;

export class PortStats {
  events = 0;
  probes = 0;
  /** Events towards you (`isInbound`) that the firewall allowed: probes let through. */
  allowedIn = 0;
  readonly byAction = [0, 0, 0, 0];
  readonly byDirection = [0, 0, 0, 0];
  /** Distinct sources (all events), and distinct sources that sent at least one probe: `Aggregate.derive()`. */
  sources = 0;
  probeSources = 0;
  firstSeen = NaN;
  lastSeen = NaN;
  /** OR and AND of the packets' `packetBits`. */
  anyBits = 0;
  allBits = ALL_BITS;
  /** Interned destination ids. */
  readonly destinations = new Set<number>();
  /** The destination added last, to skip the Set for runs of packets to one host. */
  lastDestination = -1;
  constructor(
    readonly key: number,
    /** Order of first appearance: an index for per-port arrays built at report time. */
    readonly index: number,
  ) {}
}

export class SourceStats {
  events = 0;
  probes = 0;
  firstSeen = NaN;
  lastSeen = NaN;
  /**
   * The first destination × port pair this source touched. While it is the only one (`pairHead`
   * is -1), its count and times are the source's own: most of the Internet's background noise
   * costs no pair row.
   */
  onePort = -1;
  oneDestination = -1;
  /** The newest of this source's rows in the aggregate's pair table (linked by `next`), or -1. */
  pairHead = -1;
  /** OR and AND of the packets' `packetBits`. */
  anyBits = 0;
  allBits = ALL_BITS;
  constructor(
    readonly address: string,
    /** Order of first appearance: an index for per-source arrays built at report time. */
    readonly id: number,
  ) {}
}

/**
 * Source × destination × port rows in typed arrays: no object, Map or boxed number per pair, and
 * nothing at all for a source with one pair. An open-addressing index (load ≤ 1/2) finds a row by
 * (source id, destination id, port key); each source's rows are a linked list through `next`.
 * About 44 bytes a pair, index included.
 *
 * `count` is signed like the per-port counts of the report: positive once a probe was seen on the
 * pair, negative while only other traffic was.
 */
export class PairTable {
  size = 0;
  src = new Int32Array(1024);
  dst = new Int32Array(1024);
  key = new Int32Array(1024);
  count = new Int32Array(1024);
  next = new Int32Array(1024);
  first = new Float64Array(1024);
  last = new Float64Array(1024);
  /** PAIR_INBOUND | PAIR_OUTBOUND: the directions seen on the pair. */
  dirs = new Uint8Array(1024);
  /** Row + 1 per slot; 0 is empty. */
  private index = new Int32Array(4096);
  private mask = 4095;

  find(srcId: number, dstId: number, key: number): number {
    let i = hash3(srcId, dstId, key) & this.mask;
    for (;;) {
      const r = this.index[i] - 1;
      if (r < 0) return -1;
      if (this.src[r] === srcId && this.dst[r] === dstId && this.key[r] === key) return r;
      i = (i + 1) & this.mask;
    }
  }

  add(srcId: number, dstId: number, key: number, count: number, first: number, last: number, next: number, dirs: number): number {
    if (this.size === this.src.length) this.growRows();
    if ((this.size + 1) * 2 > this.index.length) this.growIndex();
    const r = this.size++;
    this.src[r] = srcId;
    this.dst[r] = dstId;
    this.key[r] = key;
    this.count[r] = count;
    this.first[r] = first;
    this.last[r] = last;
    this.next[r] = next;
    this.dirs[r] = dirs;
    this.place(r);
    return r;
  }

  /** Add n packets at time t (NaN: unknown) to row r. */
  bump(r: number, n: number, t: number, probe: boolean, dir: number): void {
    this.dirs[r] |= dir;
    const prev = this.count[r];
    // Saturate rather than wrap: 2^31 packets on one pair is beyond any log, but never negative.
    const c = Math.min(0x7fffffff, Math.abs(prev) + n);
    this.count[r] = probe || prev > 0 ? c : -c;
    if (t === t) {
      if (!(t >= this.first[r])) this.first[r] = t;
      if (!(t <= this.last[r])) this.last[r] = t;
    }
  }

  private place(r: number): void {
    let i = hash3(this.src[r], this.dst[r], this.key[r]) & this.mask;
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = r + 1;
  }

  private growRows(): void {
    const n = this.src.length * 2;
    for (const k of ['src', 'dst', 'key', 'count', 'next'] as const) {
      const a = new Int32Array(n);
      a.set(this[k]);
      this[k] = a;
    }
    for (const k of ['first', 'last'] as const) {
      const a = new Float64Array(n);
      a.set(this[k]);
      this[k] = a;
    }
    const d = new Uint8Array(n);
    d.set(this.dirs);
    this.dirs = d;
  }

  private growIndex(): void {
    this.index = new Int32Array(this.index.length * 2);
    this.mask = this.index.length - 1;
    for (let r = 0; r < this.size; r++) this.place(r);
  }
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ 0x5bd1e995, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h;
}

/** Per-source figures gathered from the pair table at report time (`Aggregate.derive`). */
export interface Derived {
  /** Per source id: where its ports start in `port`/`count`, how many, and its destinations. */
  start: Int32Array;
  portCount: Int32Array;
  destinationCount: Int32Array;
  /** Source × port rows: the port's index, the signed packet count, and the packets of pairs that saw traffic towards you. */
  port: Int32Array;
  count: Int32Array;
  inbound: Int32Array;
  /** PortStats by index. */
  portList: PortStats[];
}

/**
 * The first m numbers of `a`, sorted in place (and returned): insertion sort for the few pairs
 * most sources have (no view object, no call into the engine's sort), the typed-array sort beyond.
 */
function sortPrefix(a: Float64Array, m: number): Float64Array {
  if (m > 32) {
    a.subarray(0, m).sort();
    return a;
  }
  for (let i = 1; i < m; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

/** The directions of a source's one inline pair, from its packet bits. */
function inlineDirs(src: SourceStats): number {
  return ((src.anyBits & B_INBOUND) !== 0 ? PAIR_INBOUND : 0) | ((src.anyBits & B_OUTBOUND) !== 0 ? PAIR_OUTBOUND : 0);
}

/** Port keys may be negative (protocol unknown); sorted as (key + offset) * ROW_SPACE + row. */
const KEY_OFFSET = 65537;
const ROW_SPACE = 2 ** 28;

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
  /** Packets dropped before aggregation by `--ignore-src` and `--ignore-dst`. */
  ignoredBySource = 0;
  ignoredByDestination = 0;
  /** Packets read but outside the --since/--until window (not in any other figure). */
  filteredEvents = 0;
  readonly timeline = new Timeline();
  readonly ports = new Map<number, PortStats>();
  readonly sources = new Map<string, SourceStats>();
  /** Interned destination addresses: id → address. */
  readonly destinationNames: string[] = [];
  /** id → DST_INBOUND | DST_OUTBOUND: the directions the destination was seen in. */
  readonly destinationFlags: number[] = [];
  private readonly destinationIds = new Map<string, number>();
  readonly pairs = new PairTable();
  /** Per-source port and destination counts, and per-port source counts, as of `derive()`. */
  private derivedAt = -1;
  private derived: Derived | null = null;

  addEvent(ev: PacketEvent): void {
    const n = ev.count;
    const inbound = isInbound(ev);
    const probe = inbound && (ev.action === 'block' || ev.action === 'unknown');
    const bits = packetBits(ev, inbound);
    const t = ev.time;
    this.events += n;
    this.eventsByFamily[ev.family] = (this.eventsByFamily[ev.family] ?? 0) + n;
    if (probe) this.probes += n;
    if (t === t) {
      if (!(t >= this.firstSeen)) this.firstSeen = t;
      if (!(t <= this.lastSeen)) this.lastSeen = t;
    }

    const dstId = this.internDestination(ev.dst);
    this.destinationFlags[dstId] |= inbound ? DST_INBOUND : DST_OUTBOUND;
    const key = portKey(ev.proto, ev.dstPort);
    if (t === t) this.timeline.add(t, key, n, probe);
    let port = this.ports.get(key);
    if (port === undefined) {
      port = new PortStats(key, this.ports.size);
      this.ports.set(key, port);
    }
    port.events += n;
    if (probe) port.probes += n;
    port.byAction[ACTION_INDEX[ev.action]] += n;
    if (inbound && ev.action === 'allow') port.allowedIn += n;
    port.byDirection[DIRECTION_INDEX[ev.direction]] += n;
    if (dstId !== port.lastDestination) {
      port.destinations.add(dstId);
      port.lastDestination = dstId;
    }
    port.anyBits |= bits;
    port.allBits &= bits;
    if (t === t) {
      if (!(t >= port.firstSeen)) port.firstSeen = t;
      if (!(t <= port.lastSeen)) port.lastSeen = t;
    }

    let src = this.sources.get(ev.src);
    if (src === undefined) {
      src = new SourceStats(ownAddress(ev.src), this.sources.size);
      this.sources.set(src.address, src);
    }
    // Before the source's own figures move: while it has one pair, they are that pair's.
    if (src.events === 0) {
      src.onePort = key;
      src.oneDestination = dstId;
    } else if (src.pairHead >= 0) {
      const dir = inbound ? PAIR_INBOUND : PAIR_OUTBOUND;
      const r = this.pairs.find(src.id, dstId, key);
      if (r >= 0) this.pairs.bump(r, n, t, probe, dir);
      else src.pairHead = this.pairs.add(src.id, dstId, key, probe ? n : -n, t, t, src.pairHead, dir);
    } else if (src.onePort !== key || src.oneDestination !== dstId) {
      const inline = this.pairs.add(src.id, src.oneDestination, src.onePort, src.probes > 0 ? src.events : -src.events, src.firstSeen, src.lastSeen, -1, inlineDirs(src));
      src.pairHead = this.pairs.add(src.id, dstId, key, probe ? n : -n, t, t, inline, inbound ? PAIR_INBOUND : PAIR_OUTBOUND);
    }
    src.anyBits |= bits;
    src.allBits &= bits;
    src.events += n;
    if (probe) src.probes += n;
    if (t === t) {
      if (!(t >= src.firstSeen)) src.firstSeen = t;
      if (!(t <= src.lastSeen)) src.lastSeen = t;
    }
  }

  /**
   * Every pair of a source: (destination id, port key, signed count, first, last). A callback, not
   * an iterator, so the classifier's passes over a million sources allocate nothing per pair.
   */
  eachPair(src: SourceStats, fn: (dstId: number, key: number, count: number, first: number, last: number) => void): void {
    if (src.pairHead < 0) {
      if (src.events > 0) fn(src.oneDestination, src.onePort, src.probes > 0 ? src.events : -src.events, src.firstSeen, src.lastSeen);
      return;
    }
    const p = this.pairs;
    for (let r = src.pairHead; r >= 0; r = p.next[r]) fn(p.dst[r], p.key[r], p.count[r], p.first[r], p.last[r]);
  }

  /**
   * Every distinct port of a source with its signed count summed over its destinations (positive
   * once a probe was seen on it), and the port's `PortStats.index`.
   */
  eachPort(src: SourceStats, fn: (key: number, signed: number, portIndex: number, inbound: number) => void): void {
    if (src.events === 0) return;
    if (src.pairHead < 0) {
      const inbound = (src.anyBits & B_INBOUND) !== 0 ? src.events : 0;
      fn(src.onePort, src.probes > 0 ? src.events : -src.events, this.ports.get(src.onePort)!.index, inbound);
      return;
    }
    const d = this.derive();
    const from = d.start[src.id];
    const to = from + d.portCount[src.id];
    for (let i = from; i < to; i++) fn(d.portList[d.port[i]].key, d.count[i], d.port[i], d.inbound[i]);
  }

  /** Distinct ports a source touched. */
  portCount(src: SourceStats): number {
    if (src.pairHead < 0) return src.events > 0 ? 1 : 0;
    return this.derive().portCount[src.id];
  }

  /** Distinct destinations a source touched. */
  destinationCount(src: SourceStats): number {
    if (src.pairHead < 0) return src.events > 0 ? 1 : 0;
    return this.derive().destinationCount[src.id];
  }

  /**
   * The figures kept per pair rather than per event, gathered once for the report (again only if
   * events were added since): per source with more than one pair, its distinct ports with their
   * summed counts (a source × port table) and its distinct destinations; per port, the distinct
   * sources and probing sources.
   */
  derive(): Derived {
    if (this.derived !== null && this.derivedAt === this.events) return this.derived;
    const n = this.sources.size;
    const portList: PortStats[] = new Array(this.ports.size);
    for (const port of this.ports.values()) {
      port.sources = 0;
      port.probeSources = 0;
      portList[port.index] = port;
    }
    // A source's distinct ports are at most its pairs: the table never outgrows the pair table.
    const d: Derived = {
      start: new Int32Array(n),
      portCount: new Int32Array(n),
      destinationCount: new Int32Array(n),
      port: new Int32Array(this.pairs.size),
      count: new Int32Array(this.pairs.size),
      inbound: new Int32Array(this.pairs.size),
      portList,
    };
    const p = this.pairs;
    let at = 0;
    let keys = new Float64Array(64);
    let dsts = new Float64Array(64);
    for (const src of this.sources.values()) {
      if (src.events === 0) continue;
      if (src.pairHead < 0) {
        const port = this.ports.get(src.onePort)!;
        port.sources++;
        if (src.probes > 0) port.probeSources++;
        continue;
      }
      // Sort the source's (port key, row) and destination ids, then read runs: no Map per source.
      let m = 0;
      for (let r = src.pairHead; r >= 0; r = p.next[r]) m++;
      if (m > keys.length) {
        keys = new Float64Array(m * 2);
        dsts = new Float64Array(m * 2);
      }
      let i = 0;
      for (let r = src.pairHead; r >= 0; r = p.next[r], i++) {
        keys[i] = (p.key[r] + KEY_OFFSET) * ROW_SPACE + r;
        dsts[i] = p.dst[r];
      }
      const ks = sortPrefix(keys, m);
      const ds = sortPrefix(dsts, m);
      let distinct = 0;
      for (let j = 0; j < m; j++) if (j === 0 || ds[j] !== ds[j - 1]) distinct++;
      d.destinationCount[src.id] = distinct;
      d.start[src.id] = at;
      let j = 0;
      while (j < m) {
        const key = Math.floor(ks[j] / ROW_SPACE);
        let sum = 0;
        let inSum = 0;
        let probed = false;
        for (; j < m && Math.floor(ks[j] / ROW_SPACE) === key; j++) {
          const r = ks[j] - key * ROW_SPACE;
          const c = Math.abs(p.count[r]);
          sum += c;
          if (p.count[r] > 0) probed = true;
          if ((p.dirs[r] & PAIR_INBOUND) !== 0) inSum += c;
        }
        const port = this.ports.get(key - KEY_OFFSET)!;
        port.sources++;
        if (probed) port.probeSources++;
        d.port[at] = port.index;
        d.count[at] = Math.min(0x7fffffff, sum) * (probed ? 1 : -1);
        d.inbound[at] = Math.min(0x7fffffff, inSum);
        at++;
      }
      d.portCount[src.id] = at - d.start[src.id];
    }
    this.derived = d;
    this.derivedAt = this.events;
    return d;
  }

  /** DST_INBOUND / DST_OUTBOUND: how an address was seen as a destination (0: never). */
  destinationFlagsOf(address: string): number {
    const id = this.destinationIds.get(address);
    return id === undefined ? 0 : this.destinationFlags[id];
  }

  /** The last destination looked up: most logs watch a handful of addresses, so it often repeats. */
  private lastDestination = '';
  private lastDestinationId = -1;

  private internDestination(address: string): number {
    if (address === this.lastDestination) return this.lastDestinationId;
    let id = this.destinationIds.get(address);
    if (id === undefined) {
      id = this.destinationNames.length;
      const own = ownAddress(address);
      this.destinationNames.push(own);
      this.destinationFlags.push(0);
      this.destinationIds.set(own, id);
    }
    this.lastDestination = this.destinationNames[id];
    this.lastDestinationId = id;
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


