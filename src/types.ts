/**
 * The shapes every part of the pipeline agrees on:
 *
 *   bytes ─► lines ─► parse ─► PacketEvent | RejectReason | null ─► aggregate ─► classify ─► report
 *
 * A parser turns one line into one of three things. It never throws on input.
 */

/** Log families, by the parser that reads them. */
export type Family = 'iptables' | 'pf' | 'filterlog' | 'windows' | 'pflog';

/** What the firewall did. ufw AUDIT lines are neither allowed nor blocked. */
export type Action = 'block' | 'allow' | 'audit' | 'unknown';

/** Direction relative to the logging host. */
export type Direction = 'in' | 'out' | 'fwd' | 'unknown';

/**
 * Each kind in a fixed order, for per-kind counters (the aggregate) and codes (the parse worker's
 * wire format); `familyIndex` and the others give a value's place. They compare: the parsers'
 * values are literals, so each test is a pointer comparison (an indexOf call per event cost more).
 */
export const FAMILIES: readonly Family[] = ['iptables', 'pf', 'filterlog', 'windows', 'pflog'];
export const ACTIONS: readonly Action[] = ['block', 'allow', 'audit', 'unknown'];
export const DIRECTIONS: readonly Direction[] = ['in', 'out', 'fwd', 'unknown'];

export function familyIndex(f: Family): number {
  return f === 'iptables' ? 0 : f === 'pf' ? 1 : f === 'filterlog' ? 2 : f === 'windows' ? 3 : 4;
}

export function actionIndex(a: Action): number {
  return a === 'block' ? 0 : a === 'allow' ? 1 : a === 'audit' ? 2 : 3;
}

export function directionIndex(d: Direction): number {
  return d === 'in' ? 0 : d === 'out' ? 1 : d === 'fwd' ? 2 : 3;
}

/** TCP flag bits, as in the TCP header. `tcpFlags` is -1 when the log does not say. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/**
 * One packet record. Numbers are -1 where the log does not carry the field, so every event has the
 * same hidden class (V8 keeps the hot path monomorphic) and nothing downstream sees `undefined`.
 */
export interface PacketEvent {
  family: Family;
  /** Finer format name, e.g. `ufw`, `proxmox`, `rfc5424`; for the parse summary and tests. */
  variant: string;
  /** Epoch milliseconds, NaN when the line has no usable time. */
  time: number;
  action: Action;
  direction: Direction;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6, …); -1 when unknown. */
  proto: number;
  /** Addresses in canonical text form: dotted IPv4, RFC 5952 compressed IPv6. */
  src: string;
  dst: string;
  /**
   * The same addresses as unsigned 32-bit numbers when they are IPv4 and the parser had the number
   * at hand (it saves the aggregate reading the text again); -1 otherwise. Optional for a parser:
   * -1 is always correct. Where it is set, the aggregate reads the number and not the text (except
   * for forwarded packets), so events from the parse worker (src/ingest/wire.ts) come without it.
   */
  srcV4: number;
  dstV4: number;
  /** Transport ports, -1 for protocols without ports (and for packets too short to carry them). */
  srcPort: number;
  dstPort: number;
  /** TCP flag bits (TCP_* above), -1 when unknown or not TCP. */
  tcpFlags: number;
  ttl: number;
  ipId: number;
  window: number;
  /** IP packet length in bytes. */
  length: number;
  /** ICMP type and code, -1 when not ICMP. */
  icmpType: number;
  icmpCode: number;
  /** Interface the packet came in on (or went out of, for outbound), '' when unknown. */
  iface: string;
  /** How many packets this record stands for (`last message repeated N times` adds to it). */
  count: number;
}

/**
 * Why a line that looks like a firewall record could not be read. A closed set of string literals,
 * so rejecting a line allocates nothing and tests assert by reason.
 */
export type RejectReason =
  | 'missing-src'
  | 'missing-dst'
  | 'bad-address'
  | 'bad-port'
  | 'bad-protocol'
  | 'bad-timestamp'
  | 'truncated'
  | 'bad-field-count'
  | 'bad-action'
  | 'no-fields-header'
  | 'line-too-long'
  | 'malformed';

/** The outcome of parsing one line: an event, a reject reason, or null (a header, comment or blank). */
export type ParseResult = PacketEvent | RejectReason | null;

/**
 * Per-input state a parser may keep (Windows `#Fields:` columns, the syslog year) and the settings it
 * needs. One context per input file or stream: state of one input never leaks into another.
 */
export interface ParseContext {
  /** Reference time (epoch ms) for stamps without a year: the year is the latest that is not after it. */
  referenceTime: number;
  /** Forced year for stamps without one, or -1. */
  year: number;
  /** IANA zone for stamps without an offset; '' means the machine's zone. */
  timeZone: string;
  /** Free slots for a family's own per-input state, keyed by family. */
  state: Partial<Record<Family, unknown>>;
  /** The last syslog stamp read and its time: lines of one second share it (see readBsdStamp). */
  lastStamp: string;
  lastStampTime: number;
  /**
   * The consumer reads IPv4 addresses by number only (`srcV4`/`dstV4`): a parser that sets the
   * numbers may leave `src`/`dst` empty for them. The parse worker does (src/ingest/worker.ts);
   * false everywhere else.
   */
  ipv4ByNumber?: boolean;
}

/** A parser for one log family. `sniff` is a cheap test that the line may be this family's. */
export interface Parser {
  family: Family;
  sniff(line: string): boolean;
  /**
   * `into`, when given, is an event the parser may fill (after `resetEvent`) and return instead of
   * allocating one: the caller must not keep it past the next call. Parsers may ignore it.
   */
  parse(line: string, ctx: ParseContext, into?: PacketEvent): ParseResult;
}

/** Create a fresh event with every field at its "unknown" value. */
export function newEvent(family: Family, variant: string): PacketEvent {
  return {
    family,
    variant,
    time: NaN,
    action: 'unknown',
    direction: 'unknown',
    proto: -1,
    src: '',
    dst: '',
    srcV4: -1,
    dstV4: -1,
    srcPort: -1,
    dstPort: -1,
    tcpFlags: -1,
    ttl: -1,
    ipId: -1,
    window: -1,
    length: -1,
    icmpType: -1,
    icmpCode: -1,
    iface: '',
    count: 1,
  };
}

/**
 * Reset an event to every field's "unknown" value, for a caller that reuses one object per line
 * (the core does: `Parser.parse(line, ctx, into)`). Assigns the fields in newEvent's order, so the
 * object keeps its shape.
 */
export function resetEvent(ev: PacketEvent, family: Family, variant: string): PacketEvent {
  ev.family = family;
  ev.variant = variant;
  ev.time = NaN;
  ev.action = 'unknown';
  ev.direction = 'unknown';
  ev.proto = -1;
  ev.src = '';
  ev.dst = '';
  ev.srcV4 = -1;
  ev.dstV4 = -1;
  ev.srcPort = -1;
  ev.dstPort = -1;
  ev.tcpFlags = -1;
  ev.ttl = -1;
  ev.ipId = -1;
  ev.window = -1;
  ev.length = -1;
  ev.icmpType = -1;
  ev.icmpCode = -1;
  ev.iface = '';
  ev.count = 1;
  return ev;
}

export function isEvent(r: ParseResult): r is PacketEvent {
  return r !== null && typeof r === 'object';
}

/** A parse context for one input: `referenceTime` is "now" for stdin, the file's mtime for files. */
export function newParseContext(opts: Partial<Pick<ParseContext, 'referenceTime' | 'year' | 'timeZone'>> = {}): ParseContext {
  return {
    referenceTime: opts.referenceTime ?? Date.now(),
    year: opts.year ?? -1,
    timeZone: opts.timeZone ?? '',
    state: {},
    lastStamp: '',
    lastStampTime: NaN,
    ipv4ByNumber: false,
  };
}
