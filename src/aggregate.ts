/**
 * The aggregate: per (protocol, destination port), per source, per source × port, and totals.
 *
 * Memory grows with what is distinct, never with lines, and a packet touches few cache lines:
 * - ports are keyed by a number (`proto * 65537 + port + 1`), not a template string, found
 *   through a flat table for TCP and UDP, and kept as 128-byte records (`PortTable`);
 * - addresses are interned to dense ids (src/net/address-index.ts: IPv4 as numbers, no string per
 *   lookup); every long-lived string is a fresh copy, never a slice of a log line, which would keep
 *   the whole line alive behind it;
 * - per-source figures are 48-byte records in paged typed arrays (`SourceTable`), not objects: a
 *   source costs about 70 bytes, its address index included;
 * - a source that touched one port and one destination (most of the Internet's background noise)
 *   keeps that pair inline in its record and only grows pair rows when it touches a second one.
 *
 * A source × port count is stored signed: positive once that source has sent a probe (inbound,
 * blocked or unknown action) to that port, negative while it has only sent other traffic. That
 * gives distinct probing sources per port without a second table.
 *
 * For the classifier (src/classify), run once at report time, the aggregate also keeps:
 * - per source and per port, the OR and the AND of each packet's bits (`packetBits`: stealth flags,
 *   stale return, backscatter …), two small integers;
 * - per source × destination × port, the packet count and first and last time, in the 28-byte
 *   rows of `PairTable` (a source with one pair keeps it inline: its own count and times are the
 *   pair's);
 * - per destination, the directions it was seen in (the default "home" addresses).
 */
import { isPrivateAddress } from './classify/addresses.js';
import { ALL_BITS, B_INBOUND, B_OUTBOUND, packetBits } from './classify/packet.js';
import { AddressIndex } from './net/address-index.js';
import { Timeline } from './timeline.js';
import { actionIndex, directionIndex, FAMILIES, familyIndex, type Action, type Direction, type Family, type PacketEvent, type RejectReason } from './types.js';

export { ACTIONS, DIRECTIONS } from './types.js';


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

/** The largest Int32: counts saturate at it; marks and stamps stay below it. */
export const INT32_MAX = 0x7fffffff;

/** Port records: 13 Float64 then 6 Int32 slots (128 bytes), in pages. */
const PORT_PAGE_SHIFT = 12;
const PORT_PAGE_ROWS = 1 << PORT_PAGE_SHIFT;
const PORT_PAGE_MASK = PORT_PAGE_ROWS - 1;
const PORT_F64 = 16;
const PORT_I32 = 32;
const T_EVENTS = 0;
const T_PROBES = 1;
const T_ALLOWED_IN = 2;
/** Events by action (4 slots from here, in the order of ACTIONS) and by direction (DIRECTIONS). */
const T_ACTION = 3;
const T_DIRECTION = 7;
const T_FIRST = 11;
const T_LAST = 12;
const T_ANY_BITS = 26;
const T_ALL_BITS = 27;
const T_KEY = 28;
const T_SOURCES = 29;
const T_PROBE_SOURCES = 30;
const T_DESTINATIONS = 31;

/**
 * One (protocol, destination port), as the classifier and the reports see it: a view of record
 * `index` of the aggregate's `PortTable`.
 */
export class PortStats {
  constructor(
    private readonly table: PortTable,
    /** Order of first appearance: an index for per-port arrays built at report time. */
    readonly index: number,
  ) {}

  /** `portKey(proto, port)`. */
  get key(): number {
    return this.table.keyAt(this.index);
  }

  get events(): number {
    return this.table.eventsAt(this.index);
  }

  get probes(): number {
    return this.table.probesAt(this.index);
  }

  /** Events towards you (`isInbound`) that the firewall allowed: probes let through. */
  get allowedIn(): number {
    return this.table.num(this.index, T_ALLOWED_IN);
  }

  /** Events by action, in the order of ACTIONS. */
  get byAction(): readonly number[] {
    const t = this.table;
    const i = this.index;
    return [t.actionAt(i, 0), t.actionAt(i, 1), t.actionAt(i, 2), t.actionAt(i, 3)];
  }

  /** Events by direction, in the order of DIRECTIONS. */
  get byDirection(): readonly number[] {
    const t = this.table;
    const i = this.index;
    return [t.num(i, T_DIRECTION), t.num(i, T_DIRECTION + 1), t.num(i, T_DIRECTION + 2), t.num(i, T_DIRECTION + 3)];
  }

  get firstSeen(): number {
    return this.table.num(this.index, T_FIRST);
  }

  get lastSeen(): number {
    return this.table.num(this.index, T_LAST);
  }

  /** OR and AND of the packets' `packetBits`. */
  get anyBits(): number {
    return this.table.anyBitsAt(this.index);
  }

  get allBits(): number {
    return this.table.int(this.index, T_ALL_BITS);
  }

  /**
   * Distinct sources (all events), distinct sources that sent at least one probe, and distinct
   * destinations: counted from the pairs by `Aggregate.derive()` (0 before it).
   */
  get sources(): number {
    return this.table.int(this.index, T_SOURCES);
  }

  get probeSources(): number {
    return this.table.probeSourcesAt(this.index);
  }

  get destinations(): number {
    return this.table.int(this.index, T_DESTINATIONS);
  }
}

/**
 * Per-port figures as fixed-size records in pages (no object per port: a log that touches every
 * TCP and UDP port has 131,072 of them), found by port key: TCP and UDP through flat tables, other
 * protocols through a Map. `get`, `values()`, `keys()` and `size` give the Map-like view.
 */
export class PortTable {
  size = 0;
  /** @internal Pages of records, as Float64 and as Int32 views of the same buffer. */
  readonly f64: Float64Array[] = [];
  readonly i32: Int32Array[] = [];
  /** Record index + 1 by port number + 1 (port -1: none), for TCP and UDP; 0 is not seen. */
  private readonly tcp = new Int32Array(65537);
  private readonly udp = new Int32Array(65537);
  private readonly others = new Map<number, number>();
  /**
   * One view per port (32 bytes each), so a port is always the same object; each made when first
   * asked for (at report time), not while reading, where every object that lives on is promoted
   * memory. A report that ranks every port reads the records by index (`keyAt`, `eventsAt` …) and
   * makes views only for the ports it shows.
   */
  private readonly views: (PortStats | undefined)[] = [];

  /** The record of (proto, port), made when new. */
  intern(proto: number, port: number): number {
    const table = proto === 6 ? this.tcp : proto === 17 ? this.udp : null;
    if (table !== null) {
      const k = table[port + 1];
      if (k > 0) return k - 1;
    }
    const key = portKey(proto, port);
    if (table === null) {
      const known = this.others.get(key);
      if (known !== undefined) return known;
    }
    const index = this.size++;
    if (table !== null) table[port + 1] = index + 1;
    else this.others.set(key, index);
    const page = index >>> PORT_PAGE_SHIFT;
    if (page === this.f64.length) {
      const buf = new ArrayBuffer(PORT_PAGE_ROWS * PORT_F64 * 8);
      this.f64.push(new Float64Array(buf));
      this.i32.push(new Int32Array(buf));
    }
    const o = index & PORT_PAGE_MASK;
    this.f64[page][o * PORT_F64 + T_FIRST] = NaN;
    this.f64[page][o * PORT_F64 + T_LAST] = NaN;
    this.i32[page][o * PORT_I32 + T_ALL_BITS] = ALL_BITS;
    this.i32[page][o * PORT_I32 + T_KEY] = key;
    return index;
  }

  /** The record index of a port key, or -1. */
  indexOf(key: number): number {
    const proto = keyProto(key);
    if (proto === 6) return this.tcp[keyPort(key) + 1] - 1;
    if (proto === 17) return this.udp[keyPort(key) + 1] - 1;
    return this.others.get(key) ?? -1;
  }

  get(key: number): PortStats | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.at(i);
  }

  has(key: number): boolean {
    return this.indexOf(key) >= 0;
  }

  /** The view of record `index`. */
  at(index: number): PortStats {
    const views = this.views;
    while (views.length < this.size) views.push(undefined);
    let v = views[index];
    if (v === undefined) {
      v = new PortStats(this, index);
      views[index] = v;
    }
    return v;
  }

  /** Ports in order of first appearance. */
  values(): IterableIterator<PortStats> {
    for (let i = 0; i < this.size; i++) this.at(i);
    return (this.views as PortStats[]).values();
  }

  *keys(): IterableIterator<number> {
    for (let i = 0; i < this.size; i++) yield this.int(i, T_KEY);
  }

  *entries(): IterableIterator<[number, PortStats]> {
    for (const p of this.values()) yield [p.key, p];
  }

  [Symbol.iterator](): IterableIterator<[number, PortStats]> {
    return this.entries();
  }

  /** PortStats.key of record `index`, without its view. */
  keyAt(index: number): number {
    return this.int(index, T_KEY);
  }

  /** PortStats.events of record `index`, without its view. */
  eventsAt(index: number): number {
    return this.num(index, T_EVENTS);
  }

  /** PortStats.probes of record `index`, without its view. */
  probesAt(index: number): number {
    return this.num(index, T_PROBES);
  }

  /** PortStats.probeSources of record `index`, without its view. */
  probeSourcesAt(index: number): number {
    return this.int(index, T_PROBE_SOURCES);
  }

  /** PortStats.anyBits of record `index`, without its view. */
  anyBitsAt(index: number): number {
    return this.int(index, T_ANY_BITS);
  }

  /** PortStats.byAction[actionIndex] of record `index`, without its view. */
  actionAt(index: number, actionIndex: number): number {
    return this.num(index, T_ACTION + actionIndex);
  }

  /** @internal */
  num(index: number, slot: number): number {
    return this.f64[index >>> PORT_PAGE_SHIFT][(index & PORT_PAGE_MASK) * PORT_F64 + slot];
  }

  /** @internal */
  int(index: number, slot: number): number {
    return this.i32[index >>> PORT_PAGE_SHIFT][(index & PORT_PAGE_MASK) * PORT_I32 + slot];
  }

  /** @internal Set the counts derive() makes. */
  setDerived(index: number, sources: number, probeSources: number, destinations: number): void {
    const i = this.i32[index >>> PORT_PAGE_SHIFT];
    const o = (index & PORT_PAGE_MASK) * PORT_I32;
    i[o + T_SOURCES] = sources;
    i[o + T_PROBE_SOURCES] = probeSources;
    i[o + T_DESTINATIONS] = destinations;
  }

  /** @internal Count n packets of one event into record `index`. */
  add(index: number, n: number, probe: boolean, action: Action, direction: Direction, allowedIn: boolean, bits: number, t: number): void {
    const page = index >>> PORT_PAGE_SHIFT;
    const f = this.f64[page];
    const i = this.i32[page];
    const o = (index & PORT_PAGE_MASK) * PORT_F64;
    const b = (index & PORT_PAGE_MASK) * PORT_I32;
    f[o + T_EVENTS] += n;
    if (probe) f[o + T_PROBES] += n;
    if (allowedIn) f[o + T_ALLOWED_IN] += n;
    f[o + T_ACTION + actionIndex(action)] += n;
    f[o + T_DIRECTION + directionIndex(direction)] += n;
    i[b + T_ANY_BITS] |= bits;
    i[b + T_ALL_BITS] &= bits;
    if (t === t) {
      if (!(t >= f[o + T_FIRST])) f[o + T_FIRST] = t;
      if (!(t <= f[o + T_LAST])) f[o + T_LAST] = t;
    }
  }
}

// ------------------------------------------------------------------------------------ sources

/** Source records: 48 bytes, two Float64 then eight Int32 slots, in pages of one ArrayBuffer. */
const SRC_PAGE_SHIFT = 14;
const SRC_PAGE_ROWS = 1 << SRC_PAGE_SHIFT;
const SRC_PAGE_MASK = SRC_PAGE_ROWS - 1;
const SRC_F64 = 6;
const SRC_I32 = 12;
const S_FIRST = 0;
const S_LAST = 1;
const S_EVENTS = 4;
const S_PROBES = 5;
const S_ONE_PORT = 6;
const S_ONE_DST = 7;
const S_ROWS = 8;
const S_ANY_BITS = 9;
const S_ALL_BITS = 10;
/**
 * A 32-bit filter of the (destination, port) pairs the source has rows for: one bit per pair
 * (`pairBit`). A bit not set means the pair is new, with no index lookup (two cache misses saved on
 * most packets of background noise, where nearly every packet is a new pair).
 */
const S_PAIR_FILTER = 11;
/**
 * A source with pair rows keeps no inline pair: after `derive()` these slots of its record hold its
 * distinct ports and destinations instead.
 */
const S_PORTS = S_ONE_PORT;
const S_DESTINATIONS = S_ONE_DST;

/**
 * One source, as the classifier and the reports see it: a view of record `id` of the aggregate's
 * `SourceTable`. Views are made on demand and hold nothing but the id and, once asked for, the
 * address text.
 */
export class SourceStats {
  private text: string | null = null;
  constructor(
    private readonly table: SourceTable,
    /** Order of first appearance: an index for per-source arrays built at report time. */
    readonly id: number,
  ) {}

  /** Canonical text: dotted IPv4, RFC 5952 IPv6. */
  get address(): string {
    if (this.text === null) this.text = this.table.addresses.address(this.id);
    return this.text;
  }

  /** Packets (saturating at 2^31 - 1, beyond any log). */
  get events(): number {
    return this.table.int(this.id, S_EVENTS);
  }

  /** Packets that were probes (inbound, blocked or of unknown action). */
  get probes(): number {
    return this.table.int(this.id, S_PROBES);
  }

  get firstSeen(): number {
    return this.table.time(this.id, S_FIRST);
  }

  get lastSeen(): number {
    return this.table.time(this.id, S_LAST);
  }

  /**
   * The one destination × port pair of a source that touched only one (`pairRows` is 0): its count
   * and times are the source's own, so most of the Internet's background noise costs no pair row.
   * -1 for a source with pair rows.
   */
  get onePort(): number {
    return this.pairRows === 0 ? this.table.int(this.id, S_ONE_PORT) : -1;
  }

  get oneDestination(): number {
    return this.pairRows === 0 ? this.table.int(this.id, S_ONE_DST) : -1;
  }

  /** Rows this source has in the aggregate's pair table: 0 while its one pair is inline, else 2 or more. */
  get pairRows(): number {
    return this.table.int(this.id, S_ROWS);
  }

  /** OR and AND of the packets' `packetBits`. */
  get anyBits(): number {
    return this.table.int(this.id, S_ANY_BITS);
  }

  get allBits(): number {
    return this.table.int(this.id, S_ALL_BITS);
  }
}

/**
 * Per-source figures as fixed-size records indexed by source id, in pages (no object per source,
 * no boxed number, and no copy of everything when the table grows). Read-only to everything but
 * the aggregate; `get`, `values()`, `keys()` and `size` give the Map-like view the classifier, the
 * reports and library users use.
 */
export class SourceTable {
  readonly addresses = new AddressIndex();
  /** @internal Pages of records, as Float64 and as Int32 views of the same buffer. */
  readonly f64: Float64Array[] = [];
  readonly i32: Int32Array[] = [];

  get size(): number {
    return this.addresses.size;
  }

  /** The source id of `address` (`v4`: its IPv4 number, or -1), added (with empty figures) when new. */
  intern(address: string, v4 = -1): number {
    const before = this.addresses.size;
    const id = this.addresses.intern(address, v4);
    if (id === before) this.addRecord(id);
    return id;
  }

  /** intern() of an IPv4 address by its 32 bits as an int32 (`number | 0`; see AddressIndex.internKey). */
  internKey(key: number): number {
    const before = this.addresses.size;
    const id = this.addresses.internKey(key);
    if (id === before) this.addRecord(id);
    return id;
  }

  get(address: string): SourceStats | undefined {
    const id = this.addresses.get(address);
    return id < 0 ? undefined : new SourceStats(this, id);
  }

  has(address: string): boolean {
    return this.addresses.get(address) >= 0;
  }

  /** The view of source `id`. */
  at(id: number): SourceStats {
    return new SourceStats(this, id);
  }

  /** Sources in order of first appearance. */
  *values(): IterableIterator<SourceStats> {
    for (let id = 0; id < this.size; id++) yield new SourceStats(this, id);
  }

  *keys(): IterableIterator<string> {
    for (let id = 0; id < this.size; id++) yield this.addresses.address(id);
  }

  *entries(): IterableIterator<[string, SourceStats]> {
    for (const s of this.values()) yield [s.address, s];
  }

  [Symbol.iterator](): IterableIterator<[string, SourceStats]> {
    return this.entries();
  }

  /** @internal An Int32 slot of a record. */
  int(id: number, slot: number): number {
    return this.i32[id >>> SRC_PAGE_SHIFT][(id & SRC_PAGE_MASK) * SRC_I32 + slot];
  }

  /** @internal derive(): the distinct ports and destinations of a source that has pair rows. */
  setCounts(id: number, ports: number, destinations: number): void {
    const i = this.i32[id >>> SRC_PAGE_SHIFT];
    const b = (id & SRC_PAGE_MASK) * SRC_I32;
    i[b + S_PORTS] = ports;
    i[b + S_DESTINATIONS] = destinations;
  }

  /** @internal A time slot (S_FIRST, S_LAST) of a record. */
  time(id: number, slot: number): number {
    return this.f64[id >>> SRC_PAGE_SHIFT][(id & SRC_PAGE_MASK) * SRC_F64 + slot];
  }

  /** Bytes held by the records and the address index (for the memory figures of the benchmark). */
  get byteLength(): number {
    return this.addresses.byteLength + this.f64.length * SRC_PAGE_ROWS * SRC_F64 * 8;
  }

  private addRecord(id: number): void {
    const page = id >>> SRC_PAGE_SHIFT;
    if (page === this.f64.length) {
      const buf = new ArrayBuffer(SRC_PAGE_ROWS * SRC_F64 * 8);
      this.f64.push(new Float64Array(buf));
      this.i32.push(new Int32Array(buf));
    }
    const f = this.f64[page];
    const i = this.i32[page];
    const o = id & SRC_PAGE_MASK;
    f[o * SRC_F64 + S_FIRST] = NaN;
    f[o * SRC_F64 + S_LAST] = NaN;
    const b = o * SRC_I32;
    i[b + S_ONE_PORT] = -1;
    i[b + S_ONE_DST] = -1;
    i[b + S_ALL_BITS] = ALL_BITS;
  }
}

// ------------------------------------------------------------------------------------ pairs

/** Pair rows: seven Int32 slots (28 bytes), in pages of 32,768 rows. */
const PAIR_PAGE_SHIFT = 15;
const PAIR_PAGE_ROWS = 1 << PAIR_PAGE_SHIFT;
const PAIR_PAGE_MASK = PAIR_PAGE_ROWS - 1;
const P_STRIDE = 7;
const P_SRC = 0;
const P_DST = 1;
/** The port key + KEY_OFFSET (≥ 0, < 2^28) in the low bits, the directions seen above them. */
const P_KEY_DIRS = 2;
const P_COUNT = 3;
/** The next row in the same index bucket, or -1. */
const P_CHAIN = 4;
const P_FIRST = 5;
const P_LAST = 6;
const KEY_BITS = 0x0fffffff;
const DIRS_SHIFT = 28;
/** A time slot that holds no time (NaN). */
const NO_TIME = -0x80000000;
/** Times in a row are ms from `base` while they fit an Int32 (about ±24 days around the first). */
const TIME_SPAN = 0x7fffffff;
/**
 * Rows a step of groupBySource moves within: 1,024 rows are 28 KiB, within a core's L1 cache
 * (measured on 800k rows: 1,024 to 8,192 all about twice as fast as one pass; 1,024 fastest).
 */
const GROUP_BLOCK = 1024;
/**
 * The pair index's buckets grow by this when the rows reach them (load 1 → 0.25): each growth
 * re-links every row, so four times fewer growths than doubling re-link a third as many rows
 * (1 M-line bench: 804,000 rows, 8 → 4 rebuilds). 4 bytes a bucket: at most 16 bytes a row.
 */
const INDEX_GROWTH = 4;
/** Port keys may be negative (protocol unknown); stored and sorted with this added. */
const KEY_OFFSET = 65537;

/**
 * Source × destination × port rows in paged typed arrays: no object, Map or boxed number per pair,
 * and nothing at all for a source with one pair (it is kept inline in the source's record). A
 * chained hash index (bucket heads in one Int32Array, the chain through the rows, about one row a
 * bucket) finds a row by (source id, destination id, port key): about 32 bytes a pair in all.
 *
 * Times are stored as Int32 milliseconds from the first time seen. A log whose times spread beyond
 * ±24 days of that, or carry fractions of a millisecond, moves every row's times, once, to Float64
 * pages beside the rows (16 bytes more a row) and keeps them exact.
 *
 * `count` is signed like the per-port counts of the report: positive once a probe was seen on the
 * pair, negative while only other traffic was.
 *
 * At report time `groupBySource` reorders the rows so each source's rows are contiguous (what the
 * classifier reads, source by source, then streams through memory); the index is dropped then and
 * rebuilt only if rows are added afterwards.
 */
export class PairTable {
  size = 0;
  private readonly pages: Int32Array[] = [];
  /** Float64 first and last per row, once times no longer fit the Int32 slots; else null. */
  private wide: Float64Array[] | null = null;
  private base = NaN;
  /** Bucket → first row + 1 (0: empty); stale after groupBySource until the next add or find. */
  private heads = new Int32Array(4096);
  private stale = false;
  private capacity = 4096;

  find(srcId: number, dstId: number, key: number): number {
    if (this.stale) this.rebuildIndex();
    const k = key + KEY_OFFSET;
    let r = this.heads[slotOf(hash3(srcId, dstId, key), this.capacity)] - 1;
    while (r >= 0) {
      const row = this.pages[r >>> PAIR_PAGE_SHIFT];
      const o = (r & PAIR_PAGE_MASK) * P_STRIDE;
      if (row[o + P_SRC] === srcId && row[o + P_DST] === dstId && (row[o + P_KEY_DIRS] & KEY_BITS) === k) return r;
      r = row[o + P_CHAIN];
    }
    return -1;
  }

  add(srcId: number, dstId: number, key: number, count: number, first: number, last: number, dirs: number): number {
    if (this.stale) this.rebuildIndex();
    if (this.size >= this.capacity) {
      this.capacity *= INDEX_GROWTH;
      this.rebuildIndex();
    }
    const r = this.size++;
    const page = r >>> PAIR_PAGE_SHIFT;
    if (page === this.pages.length) {
      this.pages.push(new Int32Array(PAIR_PAGE_ROWS * P_STRIDE));
      if (this.wide !== null) this.wide.push(new Float64Array(PAIR_PAGE_ROWS * 2));
    }
    const row = this.pages[page];
    const o = (r & PAIR_PAGE_MASK) * P_STRIDE;
    row[o + P_SRC] = srcId;
    row[o + P_DST] = dstId;
    row[o + P_KEY_DIRS] = (key + KEY_OFFSET) | (dirs << DIRS_SHIFT);
    row[o + P_COUNT] = count;
    this.setTimes(r, first, last);
    this.link(r);
    return r;
  }

  /** Add n packets at time t (NaN: unknown) to row r. */
  bump(r: number, n: number, t: number, probe: boolean, dir: number): void {
    const row = this.pages[r >>> PAIR_PAGE_SHIFT];
    const o = (r & PAIR_PAGE_MASK) * P_STRIDE;
    row[o + P_KEY_DIRS] |= dir << DIRS_SHIFT;
    const prev = row[o + P_COUNT];
    // Saturate rather than wrap: 2^31 packets on one pair is beyond any log, but never negative.
    const c = Math.min(INT32_MAX, Math.abs(prev) + n);
    row[o + P_COUNT] = probe || prev > 0 ? c : -c;
    if (t === t) {
      const first = this.first(r);
      const last = this.last(r);
      if (!(t >= first) || !(t <= last)) this.setTimes(r, first <= t ? first : t, last >= t ? last : t);
    }
  }

  src(r: number): number {
    return this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_SRC];
  }

  dst(r: number): number {
    return this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_DST];
  }

  key(r: number): number {
    return (this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_KEY_DIRS] & KEY_BITS) - KEY_OFFSET;
  }

  count(r: number): number {
    return this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_COUNT];
  }

  /** PAIR_INBOUND | PAIR_OUTBOUND: the directions seen on the pair. */
  dirs(r: number): number {
    return this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_KEY_DIRS] >>> DIRS_SHIFT;
  }

  first(r: number): number {
    return this.timeAt(r, P_FIRST);
  }

  last(r: number): number {
    return this.timeAt(r, P_LAST);
  }

  /** Whether times moved to Float64 pages (they spread beyond ±24 days, or had fractions of a ms). */
  get widened(): boolean {
    return this.wide !== null;
  }

  /** Bytes held by the rows and the index (for the memory figures of the benchmark). */
  get byteLength(): number {
    const rows = this.pages.length * PAIR_PAGE_ROWS;
    return rows * P_STRIDE * 4 + (this.wide === null ? 0 : rows * 16) + this.heads.byteLength;
  }

  /**
   * Reorder the rows so that source id's rows are [rowStart[id], rowStart[id + 1]), in their order
   * of addition within a source (`rowStart` counts every row of every source). In place, and with
   * nothing beside the rows: each row's place is written in its chain slot (the index is stale
   * from here, and rebuilt if rows are added or looked up later). Then two passes that stay in
   * cache, where following the permutation's cycles through the whole table misses it at every
   * row: the rows go into blocks of GROUP_BLOCK places (one pass over the table, with a write
   * position per block), then to their place within their block.
   */
  groupBySource(rowStart: Int32Array): void {
    const n = this.size;
    const pages = this.pages;
    const fill = rowStart.slice(0, rowStart.length - 1);
    this.stale = true;
    for (let r = 0; r < n; r++) {
      const row = pages[r >>> PAIR_PAGE_SHIFT];
      const o = (r & PAIR_PAGE_MASK) * P_STRIDE;
      row[o + P_CHAIN] = fill[row[o + P_SRC]]++;
    }
    const blocks = Math.ceil(n / GROUP_BLOCK);
    const next = new Int32Array(blocks);
    for (let k = 0; k < blocks; k++) next[k] = k * GROUP_BLOCK;
    for (let k = 0; k < blocks; k++) {
      const end = Math.min(n, (k + 1) * GROUP_BLOCK);
      while (next[k] < end) {
        const r = next[k];
        const home = Math.floor(this.placeOf(r) / GROUP_BLOCK);
        if (home === k) next[k]++;
        else this.swap(r, next[home]++);
      }
    }
    for (let r = 0; r < n; r++) {
      for (let to = this.placeOf(r); to !== r; to = this.placeOf(r)) this.swap(r, to);
    }
  }

  /**
   * @internal Row r's port record index (`PortStats.index`), kept by `Aggregate.derive()` in the
   * row's chain slot: the index is stale from groupBySource until rows are added or looked up,
   * which only addEvent does, and that makes derive() run again.
   */
  portIndex(r: number): number {
    return this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_CHAIN];
  }

  /** @internal See portIndex. */
  setPortIndex(r: number, k: number): void {
    this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_CHAIN] = k;
  }

  /** groupBySource: where row r goes. */
  private placeOf(r: number): number {
    return this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + P_CHAIN];
  }

  private swap(a: number, b: number): void {
    const ra = this.pages[a >>> PAIR_PAGE_SHIFT];
    const oa = (a & PAIR_PAGE_MASK) * P_STRIDE;
    const rb = this.pages[b >>> PAIR_PAGE_SHIFT];
    const ob = (b & PAIR_PAGE_MASK) * P_STRIDE;
    // Unrolled (P_STRIDE slots): measured a third faster than the loop.
    let v = ra[oa];
    ra[oa] = rb[ob];
    rb[ob] = v;
    v = ra[oa + 1];
    ra[oa + 1] = rb[ob + 1];
    rb[ob + 1] = v;
    v = ra[oa + 2];
    ra[oa + 2] = rb[ob + 2];
    rb[ob + 2] = v;
    v = ra[oa + 3];
    ra[oa + 3] = rb[ob + 3];
    rb[ob + 3] = v;
    v = ra[oa + 4];
    ra[oa + 4] = rb[ob + 4];
    rb[ob + 4] = v;
    v = ra[oa + 5];
    ra[oa + 5] = rb[ob + 5];
    rb[ob + 5] = v;
    v = ra[oa + 6];
    ra[oa + 6] = rb[ob + 6];
    rb[ob + 6] = v;
    if (this.wide !== null) {
      const wa = this.wide[a >>> PAIR_PAGE_SHIFT];
      const wb = this.wide[b >>> PAIR_PAGE_SHIFT];
      const pa = (a & PAIR_PAGE_MASK) << 1;
      const pb = (b & PAIR_PAGE_MASK) << 1;
      let w = wa[pa];
      wa[pa] = wb[pb];
      wb[pb] = w;
      w = wa[pa + 1];
      wa[pa + 1] = wb[pb + 1];
      wb[pb + 1] = w;
    }
  }

  /**
   * Scratch memory of at least `length` Int32s for the report's passes: the index's buckets when
   * they are that long (they always hold `size`), which marks the index stale (rebuilt, in the same
   * memory, if rows are added or looked up later). No new buffer while the report is made.
   */
  borrowIndex(length: number): Int32Array {
    this.stale = true;
    if (this.heads.length >= length) return this.heads;
    return new Int32Array(length);
  }

  private timeAt(r: number, slot: number): number {
    if (this.wide !== null) return this.wide[r >>> PAIR_PAGE_SHIFT][((r & PAIR_PAGE_MASK) << 1) + slot - P_FIRST];
    const v = this.pages[r >>> PAIR_PAGE_SHIFT][(r & PAIR_PAGE_MASK) * P_STRIDE + slot];
    return v === NO_TIME ? NaN : this.base + v;
  }

  private setTimes(r: number, first: number, last: number): void {
    if (this.wide === null) {
      if (this.base !== this.base && first === first) this.base = first;
      const f = first === first ? first - this.base : 0;
      const l = last === last ? last - this.base : 0;
      if (f >= -TIME_SPAN && f <= TIME_SPAN && l >= -TIME_SPAN && l <= TIME_SPAN && f === Math.floor(f) && l === Math.floor(l)) {
        const row = this.pages[r >>> PAIR_PAGE_SHIFT];
        const o = (r & PAIR_PAGE_MASK) * P_STRIDE;
        row[o + P_FIRST] = first === first ? f : NO_TIME;
        row[o + P_LAST] = last === last ? l : NO_TIME;
        return;
      }
      this.widen();
    }
    const w = this.wide![r >>> PAIR_PAGE_SHIFT];
    const o = (r & PAIR_PAGE_MASK) << 1;
    w[o] = first;
    w[o + 1] = last;
  }

  /** Move every row's times to Float64 pages: a log spread beyond what Int32 milliseconds hold. */
  private widen(): void {
    const wide: Float64Array[] = [];
    for (let p = 0; p < this.pages.length; p++) wide.push(new Float64Array(PAIR_PAGE_ROWS * 2));
    for (let r = 0; r < this.size; r++) {
      const w = wide[r >>> PAIR_PAGE_SHIFT];
      const o = (r & PAIR_PAGE_MASK) << 1;
      w[o] = this.timeAt(r, P_FIRST);
      w[o + 1] = this.timeAt(r, P_LAST);
    }
    this.wide = wide;
  }

  /** Put row r at the head of its bucket's chain. */
  private link(r: number): void {
    const row = this.pages[r >>> PAIR_PAGE_SHIFT];
    const o = (r & PAIR_PAGE_MASK) * P_STRIDE;
    const b = slotOf(hash3(row[o + P_SRC], row[o + P_DST], (row[o + P_KEY_DIRS] & KEY_BITS) - KEY_OFFSET), this.capacity);
    const heads = this.heads;
    row[o + P_CHAIN] = heads[b] - 1;
    heads[b] = r + 1;
  }

  private rebuildIndex(): void {
    if (this.heads.length === this.capacity) this.heads.fill(0);
    else this.heads = new Int32Array(this.capacity);
    this.stale = false;
    for (let r = 0; r < this.size; r++) this.link(r);
  }
}

/** The bit of a (destination, port key) pair in a source's S_PAIR_FILTER. */
function pairBit(dstId: number, key: number): number {
  return 1 << (Math.imul(dstId * 65599 + key, 0x9e3779b1) >>> 27);
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ 0x5bd1e995, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h;
}

/** A slot in [0, capacity) from a 32-bit hash (multiply-shift: no power-of-two capacity needed). */
function slotOf(h: number, capacity: number): number {
  return Math.floor(((h >>> 0) * capacity) / 4294967296);
}

/** Per-source figures gathered from the pair table at report time (`Aggregate.derive`). */
export interface Derived {
  /** The pair rows, grouped by source: source id's are rowStart[id] .. rowStart[id + 1] - 1. */
  rowStart: Int32Array;
}

/** One source's pair rows, summed per port in port order: what `eachPort` reads. */
class PortRuns {
  /**
   * Per run: the port key, the signed packet count (positive once probed), the inbound packets. All
   * fit an Int32 (counts are capped at INT32_MAX), and an Int32Array gives them to `eachPort`'s
   * callers as small integers, where a Float64Array's values are heap numbers that deoptimize code
   * optimized for small integers (the port table's lookup by key, the reports' sorts).
   */
  key = new Int32Array(64);
  signed = new Int32Array(64);
  inbound = new Int32Array(64);
  runs = 0;
  private sortKeys = new Float64Array(64);

  /** Sum rows [from, to) of `p` per port key. */
  read(p: PairTable, from: number, to: number): void {
    const m = to - from;
    if (m > this.sortKeys.length) {
      const n = m * 2;
      this.sortKeys = new Float64Array(n);
      this.key = new Int32Array(n);
      this.signed = new Int32Array(n);
      this.inbound = new Int32Array(n);
    }
    const ks = this.sortKeys;
    for (let i = 0; i < m; i++) ks[i] = (p.key(from + i) + KEY_OFFSET) * ROW_SPACE + i;
    sortPrefix(ks, m);
    let runs = 0;
    let j = 0;
    while (j < m) {
      const k = Math.floor(ks[j] / ROW_SPACE);
      let sum = 0;
      let inSum = 0;
      let probed = false;
      for (; j < m && Math.floor(ks[j] / ROW_SPACE) === k; j++) {
        // An int32 (| 0): a row number made by Float64 arithmetic is a heap number to V8, and the
        // accessors it reaches, optimized for small integers, would deoptimize.
        const r = (from + (ks[j] - k * ROW_SPACE)) | 0;
        const count = p.count(r);
        const c = Math.abs(count);
        sum += c;
        if (count > 0) probed = true;
        if ((p.dirs(r) & PAIR_INBOUND) !== 0) inSum += c;
      }
      this.key[runs] = k - KEY_OFFSET;
      this.signed[runs] = Math.min(INT32_MAX, sum) * (probed ? 1 : -1);
      this.inbound[runs] = Math.min(INT32_MAX, inSum);
      runs++;
    }
    this.runs = runs;
  }
}

/** Per-port sums for one source at a time (`eachPortTotal`): slots are valid where mark is stamp. */
class PortTotals {
  readonly mark: Int32Array;
  readonly inbound: Float64Array;
  /** The ports (index, key) of the source, in order of first row. */
  readonly touched: Int32Array;
  readonly keys: Int32Array;
  private stamp = 0;
  constructor(readonly length: number) {
    this.mark = new Int32Array(length);
    this.inbound = new Float64Array(length);
    this.touched = new Int32Array(length);
    this.keys = new Int32Array(length);
  }

  /**
   * Sum rows [from, to) per port: the ports go in `touched` and `keys` (their number returned),
   * their inbound packets in `inbound`. Its own function, with nothing after the loop: a loop
   * that V8 compiles on the stack (OSR) while code after it has never run keeps deoptimizing at
   * that code on every later call until it is compiled again (measured: 1,000-95,000 deopts in one
   * report, each some microseconds).
   */
  sum(p: PairTable, from: number, to: number): number {
    const stamp = ++this.stamp;
    let m = 0;
    for (let r = from; r < to; r++) {
      const k = p.portIndex(r);
      if (this.mark[k] !== stamp) {
        this.mark[k] = stamp;
        this.inbound[k] = 0;
        this.touched[m] = k;
        this.keys[m++] = p.key(r);
      }
      if ((p.dirs(r) & PAIR_INBOUND) !== 0) this.inbound[k] += Math.abs(p.count(r));
    }
    return m;
  }
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
function inlineDirs(anyBits: number): number {
  return ((anyBits & B_INBOUND) !== 0 ? PAIR_INBOUND : 0) | ((anyBits & B_OUTBOUND) !== 0 ? PAIR_OUTBOUND : 0);
}

/** A source's rows are sorted as (key + KEY_OFFSET) * ROW_SPACE + row. */
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
  /** Packets per log family (families with none left out). */
  get eventsByFamily(): Partial<Record<Family, number>> {
    const out: Partial<Record<Family, number>> = {};
    FAMILIES.forEach((f, i) => {
      if (this.familyEvents[i] > 0) out[f] = this.familyEvents[i];
    });
    return out;
  }

  private readonly familyEvents = new Float64Array(FAMILIES.length);
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
  readonly ports = new PortTable();
  readonly sources = new SourceTable();
  /** Interned destination addresses: id → address. */
  readonly destinationNames: string[] = [];
  /** id → DST_INBOUND | DST_OUTBOUND: the directions the destination was seen in. */
  readonly destinationFlags: number[] = [];
  private readonly destinationIds = new AddressIndex();
  readonly pairs = new PairTable();
  /**
   * addEvent calls: derive() runs again after any, not when the events' sum changes (an event may
   * count 0, and rows it adds move the index back into the rows' chain slots, where derive keeps
   * port indices).
   */
  private added = 0;
  /** Per-source port and destination counts, and per-port source counts, as derive() made them. */
  private derivedAt = -1;
  private derived: Derived | null = null;

  addEvent(ev: PacketEvent): void {
    this.added++;
    const n = ev.count;
    const inbound = isInbound(ev);
    const action = ev.action;
    const probe = inbound && (action === 'block' || action === 'unknown');
    const bits = packetBits(ev, inbound);
    const t = ev.time;
    this.events += n;
    this.familyEvents[familyIndex(ev.family)] += n;
    if (probe) this.probes += n;
    if (t === t) {
      if (!(t >= this.firstSeen)) this.firstSeen = t;
      if (!(t <= this.lastSeen)) this.lastSeen = t;
    }

    // IPv4 numbers go on as int32 keys (`| 0`): see AddressIndex.internKey.
    const dv = ev.dstV4;
    const dstId = dv >= 0 ? this.internDestinationKey(dv | 0) : this.internDestination(ev.dst, -1);
    this.destinationFlags[dstId] |= inbound ? DST_INBOUND : DST_OUTBOUND;
    const key = portKey(ev.proto, ev.dstPort);
    const portIndex = this.ports.intern(ev.proto, ev.dstPort);
    if (t === t) this.timeline.addIndexed(t, portIndex, key, n, probe);
    this.ports.add(portIndex, n, probe, action, ev.direction, inbound && action === 'allow', bits, t);

    const sources = this.sources;
    const sv = ev.srcV4;
    const id = sv >= 0 ? sources.internKey(sv | 0) : sources.intern(ev.src, -1);
    const f = sources.f64[id >>> SRC_PAGE_SHIFT];
    const i = sources.i32[id >>> SRC_PAGE_SHIFT];
    const o = (id & SRC_PAGE_MASK) * SRC_F64;
    const b = (id & SRC_PAGE_MASK) * SRC_I32;
    const events = i[b + S_EVENTS];
    // Before the source's own figures move: while it has one pair, they are that pair's.
    if (events === 0) {
      i[b + S_ONE_PORT] = key;
      i[b + S_ONE_DST] = dstId;
    } else {
      const rows = i[b + S_ROWS];
      if (rows > 0) {
        const dir = inbound ? PAIR_INBOUND : PAIR_OUTBOUND;
        const bit = pairBit(dstId, key);
        const filter = i[b + S_PAIR_FILTER];
        const r = (filter & bit) === 0 ? -1 : this.pairs.find(id, dstId, key);
        if (r >= 0) {
          this.pairs.bump(r, n, t, probe, dir);
        } else {
          this.pairs.add(id, dstId, key, probe ? n : -n, t, t, dir);
          i[b + S_ROWS] = rows + 1;
          i[b + S_PAIR_FILTER] = filter | bit;
        }
      } else if (i[b + S_ONE_PORT] !== key || i[b + S_ONE_DST] !== dstId) {
        const signed = i[b + S_PROBES] > 0 ? events : -events;
        this.pairs.add(id, i[b + S_ONE_DST], i[b + S_ONE_PORT], signed, f[o + S_FIRST], f[o + S_LAST], inlineDirs(i[b + S_ANY_BITS]));
        this.pairs.add(id, dstId, key, probe ? n : -n, t, t, inbound ? PAIR_INBOUND : PAIR_OUTBOUND);
        i[b + S_ROWS] = 2;
        i[b + S_PAIR_FILTER] = pairBit(i[b + S_ONE_DST], i[b + S_ONE_PORT]) | pairBit(dstId, key);
      }
    }
    i[b + S_ANY_BITS] |= bits;
    i[b + S_ALL_BITS] &= bits;
    i[b + S_EVENTS] = Math.min(INT32_MAX, events + n);
    if (probe) i[b + S_PROBES] = Math.min(INT32_MAX, i[b + S_PROBES] + n);
    if (t === t) {
      if (!(t >= f[o + S_FIRST])) f[o + S_FIRST] = t;
      if (!(t <= f[o + S_LAST])) f[o + S_LAST] = t;
    }
  }

  /**
   * Every pair of a source: (destination id, port key, signed count, first, last), newest first. A
   * callback, not an iterator, so the classifier's passes over a million sources allocate nothing
   * per pair. Reads the rows grouped by `derive()` (made first if events came since).
   */
  eachPair(src: SourceStats, fn: (dstId: number, key: number, count: number, first: number, last: number) => void): void {
    const events = src.events;
    if (src.pairRows === 0) {
      if (events > 0) fn(src.oneDestination, src.onePort, src.probes > 0 ? events : -events, src.firstSeen, src.lastSeen);
      return;
    }
    const d = this.derive();
    const p = this.pairs;
    for (let r = d.rowStart[src.id + 1] - 1; r >= d.rowStart[src.id]; r--) fn(p.dst(r), p.key(r), p.count(r), p.first(r), p.last(r));
  }

  /**
   * eachPair into columns: the source's pairs in the same order with the same values, written into
   * the arrays (which must hold `src.pairRows`, or 1 for a source without rows), their number
   * returned. No call and no boxed time per pair, for the classifier's per-source scratch.
   * @internal
   */
  pairsInto(src: SourceStats, dst: Int32Array, key: Int32Array, count: Float64Array, first: Float64Array, last: Float64Array): number {
    const events = src.events;
    if (src.pairRows === 0) {
      if (events === 0) return 0;
      dst[0] = src.oneDestination;
      key[0] = src.onePort;
      count[0] = src.probes > 0 ? events : -events;
      first[0] = src.firstSeen;
      last[0] = src.lastSeen;
      return 1;
    }
    const d = this.derive();
    const p = this.pairs;
    const start = d.rowStart[src.id];
    let i = 0;
    for (let r = d.rowStart[src.id + 1] - 1; r >= start; r--, i++) {
      dst[i] = p.dst(r);
      key[i] = p.key(r);
      count[i] = p.count(r);
      first[i] = p.first(r);
      last[i] = p.last(r);
    }
    return i;
  }

  /**
   * Every distinct port of a source with its signed count summed over its destinations (positive
   * once a probe was seen on it), the port's `PortStats.index`, and the packets towards you.
   */
  eachPort(src: SourceStats, fn: (key: number, signed: number, portIndex: number, inbound: number) => void): void {
    const events = src.events;
    if (events === 0) return;
    if (src.pairRows === 0) {
      const inbound = (src.anyBits & B_INBOUND) !== 0 ? events : 0;
      fn(src.onePort, src.probes > 0 ? events : -events, this.ports.indexOf(src.onePort), inbound);
      return;
    }
    const d = this.derive();
    // A pooled buffer, not a shared one: `fn` may itself ask for another source's ports.
    const runs = this.runsPool.pop() ?? new PortRuns();
    runs.read(this.pairs, d.rowStart[src.id], d.rowStart[src.id + 1]);
    try {
      for (let i = 0; i < runs.runs; i++) fn(runs.key[i], runs.signed[i], this.ports.indexOf(runs.key[i]), runs.inbound[i]);
    } finally {
      this.runsPool.push(runs);
    }
  }

  private readonly runsPool: PortRuns[] = [];

  /**
   * Every distinct port of a source with its port key, `PortStats.index` and the packets towards
   * you on it, in no particular order: eachPort without sorting (sums by a mark per port), for
   * passes over every source that only add up. `fn` must not ask for ports again.
   */
  eachPortTotal(src: SourceStats, fn: (key: number, portIndex: number, inbound: number) => void): void {
    const events = src.events;
    if (events === 0) return;
    if (src.pairRows === 0) {
      fn(src.onePort, this.ports.indexOf(src.onePort), (src.anyBits & B_INBOUND) !== 0 ? events : 0);
      return;
    }
    const d = this.derive();
    const t = this.totals.length >= this.ports.size ? this.totals : (this.totals = new PortTotals(this.ports.size));
    const m = t.sum(this.pairs, d.rowStart[src.id], d.rowStart[src.id + 1]);
    for (let i = 0; i < m; i++) {
      const k = t.touched[i];
      fn(t.keys[i], k, Math.min(INT32_MAX, t.inbound[k]));
    }
  }

  private totals = new PortTotals(0);

  /** Distinct ports a source touched. */
  portCount(src: SourceStats): number {
    if (src.pairRows === 0) return src.events > 0 ? 1 : 0;
    this.derive();
    return this.sources.int(src.id, S_PORTS);
  }

  /** Distinct destinations a source touched. */
  destinationCount(src: SourceStats): number {
    if (src.pairRows === 0) return src.events > 0 ? 1 : 0;
    this.derive();
    return this.sources.int(src.id, S_DESTINATIONS);
  }

  /**
   * The figures kept per pair rather than per event, gathered once for the report (again only if
   * events were added since): the pair rows grouped by source; per source with more than one pair,
   * its distinct ports and destinations; per port, the distinct sources, probing sources and
   * destinations.
   */
  derive(): Derived {
    if (this.derived !== null && this.derivedAt === this.added) return this.derived;
    const sources = this.sources;
    const n = sources.size;
    const p = this.pairs;
    const rowStart = new Int32Array(n + 1);
    let inline = 0;
    for (let id = 0; id < n; id++) {
      const rows = sources.int(id, S_ROWS);
      rowStart[id + 1] = rowStart[id] + rows;
      if (rows === 0 && sources.int(id, S_EVENTS) > 0) inline++;
    }
    p.groupBySource(rowStart);
    // One Int32 per pair (a row, or a source's inline pair): the buckets that count destinations per port.
    const scratch = p.borrowIndex(p.size + inline);
    const ports = this.ports.size;
    const d: Derived = { rowStart };
    // Per-port counts in small arrays (a PortStats object per update would be a cache miss each).
    // A source's distinct ports and destinations are counted with marks (the source's id + 1 in a
    // slot per port and per destination), not by sorting its rows.
    const portSources = new Int32Array(ports);
    const portProbeSources = new Int32Array(ports);
    const portMark = new Int32Array(ports);
    const probeMark = new Int32Array(ports);
    const dstMark = new Int32Array(this.destinationNames.length);
    const table = this.ports;
    for (let id = 0; id < n; id++) {
      if (sources.int(id, S_EVENTS) === 0) continue;
      if (sources.int(id, S_ROWS) === 0) {
        const k = table.indexOf(sources.int(id, S_ONE_PORT));
        portSources[k]++;
        if (sources.int(id, S_PROBES) > 0) portProbeSources[k]++;
        continue;
      }
      const stamp = id + 1;
      let distinctPorts = 0;
      let distinctDsts = 0;
      for (let r = rowStart[id]; r < rowStart[id + 1]; r++) {
        const k = table.indexOf(p.key(r));
        // For the passes after this one (port destinations, tallies): no lookup by key again.
        p.setPortIndex(r, k);
        if (portMark[k] !== stamp) {
          portMark[k] = stamp;
          portSources[k]++;
          distinctPorts++;
        }
        // Positive once a probe was seen on the pair: the source probed the port.
        if (p.count(r) > 0 && probeMark[k] !== stamp) {
          probeMark[k] = stamp;
          portProbeSources[k]++;
        }
        const d = p.dst(r);
        if (dstMark[d] !== stamp) {
          dstMark[d] = stamp;
          distinctDsts++;
        }
      }
      sources.setCounts(id, distinctPorts, distinctDsts);
    }
    const portDestinations = this.countPortDestinations(ports, scratch);
    for (let k = 0; k < ports; k++) this.ports.setDerived(k, portSources[k], portProbeSources[k], portDestinations[k]);
    this.derived = d;
    this.derivedAt = this.added;
    return d;
  }

  /**
   * Distinct destinations per port, from the pairs (inline and in rows): the (port, destination)
   * tuples bucketed by port (a counting sort), then each bucket's destinations counted with a mark
   * per destination. Linear, and nothing is kept per event for it.
   */
  private countPortDestinations(ports: number, scratch: Int32Array): Int32Array {
    const sources = this.sources;
    const table = this.ports;
    const p = this.pairs;
    const n = sources.size;
    const start = new Int32Array(ports + 1);
    // Inline pairs (sources without rows) then rows, twice: count per port, then place.
    for (let id = 0; id < n; id++) {
      if (sources.int(id, S_ROWS) === 0 && sources.int(id, S_EVENTS) > 0) start[table.indexOf(sources.int(id, S_ONE_PORT)) + 1]++;
    }
    for (let r = 0; r < p.size; r++) start[p.portIndex(r) + 1]++;
    for (let k = 0; k < ports; k++) start[k + 1] += start[k];
    const fill = start.slice(0, ports);
    const dsts = scratch.subarray(0, start[ports]);
    for (let id = 0; id < n; id++) {
      if (sources.int(id, S_ROWS) === 0 && sources.int(id, S_EVENTS) > 0) dsts[fill[table.indexOf(sources.int(id, S_ONE_PORT))]++] = sources.int(id, S_ONE_DST);
    }
    for (let r = 0; r < p.size; r++) dsts[fill[p.portIndex(r)]++] = p.dst(r);
    const mark = new Int32Array(this.destinationNames.length);
    const out = new Int32Array(ports);
    for (let k = 0; k < ports; k++) {
      let distinct = 0;
      for (let j = start[k]; j < start[k + 1]; j++) {
        const dst = dsts[j];
        if (mark[dst] !== k + 1) {
          mark[dst] = k + 1;
          distinct++;
        }
      }
      out[k] = distinct;
    }
    return out;
  }

  /** DST_INBOUND / DST_OUTBOUND: how an address was seen as a destination (0: never). */
  destinationFlagsOf(address: string): number {
    const id = this.destinationIds.get(address);
    return id < 0 ? 0 : this.destinationFlags[id];
  }

  /** The last destination looked up: most logs watch a handful of addresses, so it often repeats. */
  /**
   * The previous event's destination (most logs are of one host): by its IPv4 key (when
   * lastDestinationIsKey) or its text.
   */
  private lastDestinationIsKey = false;
  private lastDestinationKey = 0;
  private lastDestination = '';
  private lastDestinationId = -1;

  /** The id of an IPv4 destination by its 32 bits as an int32 (AddressIndex.internKey). */
  private internDestinationKey(key: number): number {
    if (this.lastDestinationIsKey && key === this.lastDestinationKey) return this.lastDestinationId;
    const id = this.destinationIds.internKey(key);
    this.noteDestination(id);
    this.lastDestinationIsKey = true;
    this.lastDestinationKey = key;
    this.lastDestination = '';
    return id;
  }

  /** Reads `address` only when `v4` is -1 (events from the parse worker carry no IPv4 text). */
  private internDestination(address: string, v4: number): number {
    if (v4 >= 0) return this.internDestinationKey(v4 | 0);
    if (address === this.lastDestination && address !== '') return this.lastDestinationId;
    const id = this.destinationIds.intern(address, -1);
    this.noteDestination(id);
    // A dotted IPv4 text is found by its number next time (as the next event may give it).
    const n = this.destinationIds.ipv4(id);
    this.lastDestinationIsKey = n >= 0;
    this.lastDestinationKey = n | 0;
    this.lastDestination = this.destinationNames[id];
    return id;
  }

  private noteDestination(id: number): void {
    if (id === this.destinationNames.length) {
      this.destinationNames.push(this.destinationIds.address(id));
      this.destinationFlags.push(0);
    }
    this.lastDestinationId = id;
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


