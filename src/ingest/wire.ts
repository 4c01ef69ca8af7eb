/**
 * Events as fixed-size records in an ArrayBuffer, for the parse worker (src/ingest/worker.ts) to
 * hand batches of them to the main thread, which aggregates them (src/ingest/parallel.ts).
 *
 * A record is RECORD_I32 Int32 slots; its first two hold `time` and its last two `count`, as Float64s. Strings travel beside
 * the buffer in a `texts` array and records hold their index there: an address only when it is not
 * IPv4 (an IPv4 address travels as its number), an interface or variant only the first time the
 * batch stream names it (both are from small sets, so they are interned per stream).
 *
 * The decoder fills one reused event. For an IPv4 address it leaves the text empty and sets the
 * number, which is all the aggregate reads (see PacketEvent.srcV4); `withText` asks for the text
 * too (the core's `--ignore-src`/`--ignore-dst` tests and forwarded packets need it).
 */
import { ipv4ToNumber, numberToIpv4 } from '../net/ip.js';
import { actionIndex, ACTIONS, directionIndex, DIRECTIONS, FAMILIES, familyIndex, newEvent, type PacketEvent } from '../types.js';

/**
 * Detach a throwaway ArrayBuffer, once per thread, before the thread's hot code is compiled. Until
 * the first ArrayBuffer of a thread is detached, V8 compiles typed-array and DataView reads without
 * a check for a detached buffer (it keeps a "protector" for that); the first detach throws away
 * every function so compiled, and they run unoptimized until compiled again. Both sides of the
 * parse worker detach buffers from their first batch on (a transfer detaches), so without this the
 * worker's parser (at4, digitsAt, valueEnd, addressAt, wordEnd, parseCommonBytes) was compiled
 * twice. On the 1 M-line bench (12 alternating runs, medians) reading ended 35 ms sooner.
 */
export function detachOnce(): void {
  if (detached) return;
  detached = true;
  const b = new ArrayBuffer(8);
  structuredClone(b, { transfer: [b] });
}

let detached = false;

/** Int32 slots per record (80 bytes). */
export const RECORD_I32 = 20;
/** Records per batch buffer. */
export const BATCH_RECORDS = 2048;
/** Buffers an encoder keeps for reuse. */
const MAX_FREE = 8;

// Slots. 0–1: time (Float64 at record * RECORD_I32 / 2).
const R_CODES = 2; // family | action << 4 | direction << 8 | SRC_IS_V4 | DST_IS_V4
const R_PROTO = 3;
const R_SRC = 4; // IPv4 number | 0, or index in texts
const R_DST = 5;
const R_SRC_PORT = 6;
const R_DST_PORT = 7;
const R_TCP_FLAGS = 8;
const R_TTL = 9;
const R_IP_ID = 10;
const R_WINDOW = 11;
const R_LENGTH = 12;
const R_ICMP_TYPE = 13;
const R_ICMP_CODE = 14;
const R_IFACE = 15; // interned id
const R_VARIANT = 16; // interned id
// 17: unused. 18–19: count (Float64: a repeat line may name any number).
const R_COUNT_F64 = 9;

const SRC_IS_V4 = 1 << 12;
const DST_IS_V4 = 1 << 13;

/** One batch as posted between threads. `buffer` is transferred. */
export interface Batch {
  buffer: ArrayBuffer;
  records: number;
  texts: string[];
  /** Lines read since the previous batch (the counter the progress line shows). */
  lines: number;
}

/** A string last interned for one field, and its id (not the first-use code intern returned). */
interface LastInterned {
  text: string | null;
  id: number;
}

/** Packs events into batches (the worker's side). Interned strings are per encoder. */
export class BatchEncoder {
  private i32: Int32Array;
  private f64: Float64Array;
  private records = 0;
  private texts: string[] = [];
  private readonly interned = new Map<string, number>();
  private readonly lastIface: LastInterned = { text: null, id: -1 };
  private readonly lastVariant: LastInterned = { text: null, id: -1 };
  /**
   * `free`: batch buffers given back by the decoder (see `recycleBatch`), shared by the encoders of
   * one thread; taken before allocating.
   */
  constructor(
    private readonly free: ArrayBuffer[] = [],
    private readonly capacity: number = BATCH_RECORDS,
  ) {
    this.f64 = new Float64Array(capacity * (RECORD_I32 / 2));
    this.i32 = new Int32Array(this.f64.buffer);
  }

  get length(): number {
    return this.records;
  }

  get full(): boolean {
    return this.records === this.capacity;
  }

  add(ev: PacketEvent): void {
    const r = this.records++;
    const o = r * RECORD_I32;
    const i = this.i32;
    this.f64[o >> 1] = ev.time;
    let codes = familyIndex(ev.family) | (actionIndex(ev.action) << 4) | (directionIndex(ev.direction) << 8);
    const src = ev.srcV4 >= 0 ? ev.srcV4 : ipv4ToNumber(ev.src);
    if (src >= 0) {
      codes |= SRC_IS_V4;
      i[o + R_SRC] = src | 0;
    } else {
      i[o + R_SRC] = this.texts.push(ev.src) - 1;
    }
    const dst = ev.dstV4 >= 0 ? ev.dstV4 : ipv4ToNumber(ev.dst);
    if (dst >= 0) {
      codes |= DST_IS_V4;
      i[o + R_DST] = dst | 0;
    } else {
      i[o + R_DST] = this.texts.push(ev.dst) - 1;
    }
    i[o + R_CODES] = codes;
    i[o + R_PROTO] = ev.proto;
    i[o + R_SRC_PORT] = ev.srcPort;
    i[o + R_DST_PORT] = ev.dstPort;
    i[o + R_TCP_FLAGS] = ev.tcpFlags;
    i[o + R_TTL] = ev.ttl;
    i[o + R_IP_ID] = ev.ipId;
    i[o + R_WINDOW] = ev.window;
    i[o + R_LENGTH] = ev.length;
    i[o + R_ICMP_TYPE] = ev.icmpType;
    i[o + R_ICMP_CODE] = ev.icmpCode;
    // Nearly every line of a log names the interface and variant of the one before (the parsers
    // hand over the same string then): no Map lookup for those.
    i[o + R_IFACE] = this.internLast(ev.iface, this.lastIface);
    i[o + R_VARIANT] = this.internLast(ev.variant, this.lastVariant);
    this.f64[(o >> 1) + R_COUNT_F64] = ev.count;
  }

  /**
   * The batch so far; the next is written in a buffer given back (`recycle`) or a new one (the old
   * one is transferred away).
   */
  take(lines: number): Batch {
    const batch: Batch = { buffer: this.f64.buffer as ArrayBuffer, records: this.records, texts: this.texts, lines };
    const reused = this.free.pop();
    this.f64 = reused !== undefined && reused.byteLength === this.capacity * RECORD_I32 * 4 ? new Float64Array(reused) : new Float64Array(this.capacity * (RECORD_I32 / 2));
    this.i32 = new Int32Array(this.f64.buffer);
    this.records = 0;
    this.texts = [];
    return batch;
  }

  /** intern(s), answered from `last` when s is the string interned there last time. */
  private internLast(s: string, last: LastInterned): number {
    if (s === last.text) return last.id;
    const code = this.intern(s);
    last.text = s;
    last.id = this.interned.get(s)!;
    return code;
  }

  /**
   * An interned string's id: -1 - its index in this batch's texts the first time (the decoder
   * learns it from there), then its id. Interfaces and variants are few; a log that named
   * thousands would only cost a Map entry each.
   */
  private intern(s: string): number {
    const id = this.interned.get(s);
    if (id !== undefined) return id;
    this.interned.set(s, this.interned.size);
    return -1 - (this.texts.push(s) - 1);
  }
}

/** Keep a decoded batch's buffer for a later batch (at most a few are kept). */
export function recycleBatch(free: ArrayBuffer[], buffer: ArrayBuffer): void {
  if (free.length < MAX_FREE) free.push(buffer);
}

/** Unpacks batches into one reused event (the main thread's side). Pair it with one encoder. */
export class BatchDecoder {
  private readonly interned: string[] = [];
  private readonly ev: PacketEvent = newEvent('iptables', '');

  constructor(private readonly withText: boolean) {}

  /** Call `fn` with each record of the batch as an event (the same object each time). */
  each(batch: Batch, fn: (ev: PacketEvent) => void): void {
    const f64 = new Float64Array(batch.buffer);
    const i = new Int32Array(batch.buffer);
    const texts = batch.texts;
    const ev = this.ev;
    const withText = this.withText;
    for (let r = 0; r < batch.records; r++) {
      const o = r * RECORD_I32;
      const codes = i[o + R_CODES];
      ev.family = FAMILIES[codes & 0xf];
      // In the encoder's order (interface, then variant): a new string's id is its order of arrival.
      const iface = this.interned[this.internedId(i[o + R_IFACE], texts)];
      ev.variant = this.interned[this.internedId(i[o + R_VARIANT], texts)];
      ev.time = f64[o >> 1];
      ev.action = ACTIONS[(codes >> 4) & 0xf];
      const direction = DIRECTIONS[(codes >> 8) & 0xf];
      ev.direction = direction;
      ev.proto = i[o + R_PROTO];
      // Forwarded packets: the aggregate tells inbound from outbound by the addresses' text.
      const text = withText || direction === 'fwd';
      if ((codes & SRC_IS_V4) !== 0) {
        const n = i[o + R_SRC] >>> 0;
        ev.srcV4 = n;
        ev.src = text ? numberToIpv4(n) : '';
      } else {
        ev.srcV4 = -1;
        ev.src = texts[i[o + R_SRC]];
      }
      if ((codes & DST_IS_V4) !== 0) {
        const n = i[o + R_DST] >>> 0;
        ev.dstV4 = n;
        ev.dst = text ? numberToIpv4(n) : '';
      } else {
        ev.dstV4 = -1;
        ev.dst = texts[i[o + R_DST]];
      }
      ev.srcPort = i[o + R_SRC_PORT];
      ev.dstPort = i[o + R_DST_PORT];
      ev.tcpFlags = i[o + R_TCP_FLAGS];
      ev.ttl = i[o + R_TTL];
      ev.ipId = i[o + R_IP_ID];
      ev.window = i[o + R_WINDOW];
      ev.length = i[o + R_LENGTH];
      ev.icmpType = i[o + R_ICMP_TYPE];
      ev.icmpCode = i[o + R_ICMP_CODE];
      ev.iface = iface;
      // As an int32 when it is one (nearly always 1): a small integer to V8, never boxed.
      const count = f64[(o >> 1) + R_COUNT_F64];
      ev.count = count === (count | 0) ? count | 0 : count;
      fn(ev);
    }
  }

  private internedId(v: number, texts: string[]): number {
    if (v >= 0) return v;
    this.interned.push(texts[-1 - v]);
    return this.interned.length - 1;
  }
}
