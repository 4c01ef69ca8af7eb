/**
 * Windows Firewall `pfirewall.log`, W3C extended log format:
 *
 *   #Version: 1.5
 *   #Software: Microsoft Windows Firewall
 *   #Time Format: Local
 *   #Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path
 *   2020-10-14 06:19:17 DROP TCP 192.0.2.9 198.51.100.81 56800 3389 52 S 3452119911 0 64240 - - - RECEIVE
 *
 * Newer Windows (10 1709+, 11, Server 2019+) append a `pid` column and say so in `#Fields:`. The
 * latest `#Fields:` line of an input decides the columns (kept in `ctx.state.windows`); before any,
 * the classic 17 columns are assumed, plus a trailing `pid` when a row has exactly one more column.
 *
 * Choices, so they can be argued with:
 * - Actions: `ALLOW`, and the Windows XP / Server 2003 `OPEN`, `OPEN-INBOUND` and `CLOSE` → 'allow'
 *   (CLOSE is the teardown record of a connection that was let through, so an XP connection is
 *   counted twice, OPEN and CLOSE, as the log itself does); `DROP` → 'block'. `INFO-EVENTS-LOST`
 *   carries no packet: it returns null and adds its `info` count to `state.lostEvents`.
 * - Direction: `path` RECEIVE → in, SEND → out, FORWARD → fwd; `-` and UNKNOWN → 'unknown', except
 *   that `OPEN-INBOUND` says 'in' by its name. Any other path word means the row is misaligned.
 * - `-` is an empty field. `size` 0 (what Windows writes for ALLOW rows) is no packet length: -1.
 * - Times are wall-clock times in `ctx.timeZone` (`#Time Format: Local`); a `#Time Format: UTC`
 *   header, which the W3C format allows, switches the input to UTC.
 * - Damage in real files: CRLF ends and NUL runs (a crash leaves the unflushed tail of the file as
 *   NULs, and logging resumes right after them, on the same "line"). NULs at either end are dropped;
 *   when text sits on both sides of a NUL run, the fragment before it is a record cut short by the
 *   crash and only the text after the last NUL is read. Rows whose column count differs from the
 *   header, or whose numeric columns are not numbers, are rejected: their columns cannot be trusted.
 *
 * Hot path: one pass over the line records token bounds in module-level arrays; fields are read in
 * place with charCodeAt; the only slices are the two addresses.
 */
import { canonicalIpv4, canonicalIpv6, ipv4NumberAt, isIpv6At } from '../src/net/ip.js';
import { hasPorts, protoNumber, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../src/net/protocols.js';
import { wallClockToEpoch } from '../src/time/stamps.js';
import {
  newEvent,
  type Action,
  type ParseContext,
  type ParseResult,
  type Parser,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
} from '../src/types.js';

// Column ids, in the classic order (so the classic layout is the identity map).
const F_DATE = 0;
const F_TIME = 1;
const F_ACTION = 2;
const F_PROTOCOL = 3;
const F_SRC_IP = 4;
const F_DST_IP = 5;
const F_SRC_PORT = 6;
const F_DST_PORT = 7;
const F_SIZE = 8;
const F_TCPFLAGS = 9;
const F_TCPSYN = 10;
const F_TCPACK = 11;
const F_TCPWIN = 12;
const F_ICMPTYPE = 13;
const F_ICMPCODE = 14;
const F_INFO = 15;
const F_PATH = 16;
const F_PID = 17;
const FIELD_COUNT = 18;

const FIELD_NAMES: readonly string[] = [
  'date',
  'time',
  'action',
  'protocol',
  'src-ip',
  'dst-ip',
  'src-port',
  'dst-port',
  'size',
  'tcpflags',
  'tcpsyn',
  'tcpack',
  'tcpwin',
  'icmptype',
  'icmpcode',
  'info',
  'path',
  'pid',
];

const CLASSIC_COLUMNS = 17;

/** Per-input state, in `ctx.state.windows`. */
export interface WindowsState {
  /** Column index of each field id (F_*), -1 when the header does not have it. */
  at: Int16Array;
  /** How many columns a row must have. */
  columns: number;
  /** Whether a `#Fields:` line was seen (before one, the classic layout is a guess). */
  fromHeader: boolean;
  /** Whether the header names every column a packet record needs. */
  usable: boolean;
  /** `#Time Format: UTC` seen: stamps are UTC, not `ctx.timeZone`. */
  utc: boolean;
  /** Sum of the `info` counts of INFO-EVENTS-LOST rows: records Windows itself failed to write. */
  lostEvents: number;
}

export function newWindowsState(): WindowsState {
  const at = new Int16Array(FIELD_COUNT).fill(-1);
  for (let f = 0; f < CLASSIC_COLUMNS; f++) at[f] = f;
  return { at, columns: CLASSIC_COLUMNS, fromHeader: false, usable: true, utc: false, lostEvents: 0 };
}

function stateOf(ctx: ParseContext): WindowsState {
  let s = ctx.state.windows as WindowsState | undefined;
  if (s === undefined) {
    s = newWindowsState();
    ctx.state.windows = s;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Tokens: bounds of the space-separated columns of the current row.

const MAX_TOKENS = 40;
const tokStart = new Int32Array(MAX_TOKENS);
const tokEnd = new Int32Array(MAX_TOKENS);

/**
 * Split [from, to) at runs of spaces; returns the token count, or -1 when over MAX_TOKENS.
 * indexOf finds each separator: a charCodeAt loop over every character spent ~30% more time here
 * (profile of the 46k-line pmbibe corpus file, sliced strings as a line splitter hands them out).
 * W3C logs separate with single spaces; a tab would stay inside a token and fail that column's check.
 */
function tokenize(line: string, from: number, to: number): number {
  let n = 0;
  let i = from;
  for (;;) {
    while (i < to && line.charCodeAt(i) === 32) i++;
    if (i >= to) return n;
    if (n === MAX_TOKENS) return -1;
    tokStart[n] = i;
    const sp = line.indexOf(' ', i);
    i = sp < 0 || sp > to ? to : sp;
    tokEnd[n++] = i;
  }
}

const EMPTY = -1;
const INVALID = -2;

/** Unsigned decimal of token `t` (at most 10 digits), EMPTY for `-`, INVALID otherwise. */
function uintOf(line: string, t: number): number {
  const s = tokStart[t];
  const e = tokEnd[t];
  if (e - s === 1 && line.charCodeAt(s) === 45) return EMPTY;
  if (e - s > 10) return INVALID;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return INVALID;
    n = n * 10 + d;
  }
  return n;
}

function tokenIs(line: string, t: number, word: string): boolean {
  return tokEnd[t] - tokStart[t] === word.length && line.startsWith(word, tokStart[t]);
}

function isDash(line: string, t: number): boolean {
  return tokEnd[t] - tokStart[t] === 1 && line.charCodeAt(tokStart[t]) === 45;
}

// ---------------------------------------------------------------------------------------------

/** Cheap test: a W3C header of the Windows Firewall, or `YYYY-MM-DD HH:MM:SS ACTION`. */
export function sniffWindows(line: string): boolean {
  let i = 0;
  while (line.charCodeAt(i) === 0 || line.charCodeAt(i) === 0xfeff) i++;
  const c = line.charCodeAt(i);
  if (c === 35) {
    return line.startsWith('#Fields: date time action', i) || line.startsWith('#Software: Microsoft Windows Firewall', i);
  }
  if (c < 48 || c > 57) return false;
  if (line.charCodeAt(i + 4) !== 45 || line.charCodeAt(i + 7) !== 45 || line.charCodeAt(i + 10) !== 32) return false;
  if (line.charCodeAt(i + 13) !== 58 || line.charCodeAt(i + 19) !== 32) return false;
  const a = i + 20;
  return (
    line.startsWith('DROP ', a) ||
    line.startsWith('ALLOW ', a) ||
    line.startsWith('OPEN', a) ||
    line.startsWith('CLOSE ', a) ||
    line.startsWith('INFO-EVENTS-LOST ', a)
  );
}

export function parseWindows(line: string, ctx: ParseContext): ParseResult {
  // Bounds of the row: NULs and CR/whitespace trimmed at both ends; text after the last NUL run.
  let from = 0;
  let to = line.length;
  for (;;) {
    const c = line.charCodeAt(to - 1);
    if (to > from && (c === 0 || c === 13 || c === 10 || c === 32 || c === 9)) to--;
    else break;
  }
  // indexOf first: V8's lastIndexOf is a slow runtime call, and almost no line has a NUL.
  const lastNul = line.indexOf('\0') < 0 ? -1 : line.lastIndexOf('\0', to - 1);
  if (lastNul >= 0) from = lastNul + 1;
  else if (line.charCodeAt(0) === 0xfeff) from = 1; // a byte-order mark before `#Version`
  while (from < to && line.charCodeAt(from) === 32) from++;
  if (from >= to) return null;

  const state = stateOf(ctx);
  if (line.charCodeAt(from) === 35) {
    readDirective(line.slice(from, to), state);
    return null;
  }

  const n = tokenize(line, from, to);
  if (!state.usable) return 'no-fields-header';
  const at = state.at;
  let pidAt = at[F_PID];
  if (n !== state.columns) {
    // Headerless input from a newer Windows: classic columns plus pid.
    if (state.fromHeader || n !== CLASSIC_COLUMNS + 1) return 'bad-field-count';
    pidAt = CLASSIC_COLUMNS;
  }

  // Action first: INFO-EVENTS-LOST rows carry no packet.
  const act = at[F_ACTION];
  let action: Action;
  let inbound = false;
  switch (line.charCodeAt(tokStart[act])) {
    case 68: // DROP
      if (!tokenIs(line, act, 'DROP')) return 'bad-action';
      action = 'block';
      break;
    case 65: // ALLOW
      if (!tokenIs(line, act, 'ALLOW')) return 'bad-action';
      action = 'allow';
      break;
    case 79: // OPEN, OPEN-INBOUND
      if (tokenIs(line, act, 'OPEN-INBOUND')) inbound = true;
      else if (!tokenIs(line, act, 'OPEN')) return 'bad-action';
      action = 'allow';
      break;
    case 67: // CLOSE
      if (!tokenIs(line, act, 'CLOSE')) return 'bad-action';
      action = 'allow';
      break;
    case 73: // INFO-EVENTS-LOST
      if (!tokenIs(line, act, 'INFO-EVENTS-LOST')) return 'bad-action';
      if (at[F_INFO] >= 0) {
        const lost = uintOf(line, at[F_INFO]);
        if (lost > 0) state.lostEvents += lost;
      }
      return null;
    default:
      return 'bad-action';
  }

  const ev = newEvent('windows', 'classic');
  ev.action = action;
  ev.time = readTime(line, at[F_DATE], at[F_TIME], state.utc ? 'UTC' : ctx.timeZone);
  if (ev.time !== ev.time) return 'bad-timestamp';

  ev.proto = protocolOf(line, at[F_PROTOCOL]);
  if (ev.proto < 0) return 'bad-protocol';

  const srcTok = at[F_SRC_IP];
  const dstTok = at[F_DST_IP];
  if (isDash(line, srcTok)) return 'missing-src';
  if (isDash(line, dstTok)) return 'missing-dst';
  if (ctx.ipv4ByNumber === true && !isIpv6At(line, tokStart[srcTok], tokEnd[srcTok]) && !isIpv6At(line, tokStart[dstTok], tokEnd[dstTok])) {
    // The parse worker's consumer reads IPv4 by number: no slice, no text, no parse of it again.
    ev.srcV4 = ipv4NumberAt(line, tokStart[srcTok], tokEnd[srcTok]);
    ev.dstV4 = ipv4NumberAt(line, tokStart[dstTok], tokEnd[dstTok]);
    if (ev.srcV4 < 0 || ev.dstV4 < 0) return 'bad-address';
  } else {
    ev.src = address(line, srcTok);
    ev.dst = address(line, dstTok);
    if (ev.src === '' || ev.dst === '') return 'bad-address';
  }

  // Ports: required for TCP/UDP (Windows always writes them), `-` for everything else.
  const sport = at[F_SRC_PORT] < 0 ? EMPTY : uintOf(line, at[F_SRC_PORT]);
  const dport = at[F_DST_PORT] < 0 ? EMPTY : uintOf(line, at[F_DST_PORT]);
  if (sport === INVALID || dport === INVALID || sport > 65535 || dport > 65535) return 'bad-port';
  if (hasPorts(ev.proto)) {
    if (dport < 0) return 'bad-port';
    ev.srcPort = sport;
    ev.dstPort = dport;
  }

  // The remaining numeric columns must be numbers or `-`, or the row is not what its header says.
  const size = optional(line, at[F_SIZE]);
  const tcpSyn = optional(line, at[F_TCPSYN]);
  const tcpAck = optional(line, at[F_TCPACK]);
  const win = optional(line, at[F_TCPWIN]);
  const icmpType = optional(line, at[F_ICMPTYPE]);
  const icmpCode = optional(line, at[F_ICMPCODE]);
  const pid = optional(line, pidAt);
  if (
    size === INVALID ||
    tcpSyn === INVALID ||
    tcpAck === INVALID ||
    win === INVALID ||
    win > 0xffff_ffff ||
    icmpType > 255 ||
    icmpCode > 255 ||
    icmpType === INVALID ||
    icmpCode === INVALID ||
    pid === INVALID
  ) {
    return 'malformed';
  }
  if (size > 0) ev.length = size;

  if (ev.proto === PROTO_TCP) {
    if (win >= 0) ev.window = win;
    const flagsTok = at[F_TCPFLAGS];
    if (flagsTok >= 0 && !isDash(line, flagsTok)) {
      ev.tcpFlags = tcpFlagsOf(line, flagsTok);
      if (ev.tcpFlags < 0) return 'malformed';
    }
  } else if (ev.proto === PROTO_ICMP || ev.proto === PROTO_ICMPV6) {
    ev.icmpType = icmpType;
    ev.icmpCode = icmpType < 0 ? -1 : icmpCode;
  }

  const pathTok = at[F_PATH];
  if (pathTok >= 0 && !isDash(line, pathTok)) {
    if (tokenIs(line, pathTok, 'RECEIVE')) ev.direction = 'in';
    else if (tokenIs(line, pathTok, 'SEND')) ev.direction = 'out';
    else if (tokenIs(line, pathTok, 'FORWARD')) ev.direction = 'fwd';
    else if (!tokenIs(line, pathTok, 'UNKNOWN')) return 'malformed';
  }
  if (inbound && ev.direction === 'unknown') ev.direction = 'in';
  return ev;
}

export const windowsParser: Parser = { family: 'windows', sniff: sniffWindows, parse: parseWindows };

// ---------------------------------------------------------------------------------------------

/** Protocol number of token `t`: the three names Windows writes on nearly every row without a slice. */
function protocolOf(line: string, t: number): number {
  if (tokenIs(line, t, 'TCP')) return PROTO_TCP;
  if (tokenIs(line, t, 'UDP')) return PROTO_UDP;
  if (tokenIs(line, t, 'ICMP')) return PROTO_ICMP;
  if (isDash(line, t)) return -1;
  return protoNumber(line.slice(tokStart[t], tokEnd[t]));
}

/** A numeric column that may be absent from the header (-1 index) or `-`. */
function optional(line: string, t: number): number {
  return t < 0 ? EMPTY : uintOf(line, t);
}

function address(line: string, t: number): string {
  const text = line.slice(tokStart[t], tokEnd[t]);
  return text.indexOf(':') >= 0 ? canonicalIpv6(text) : canonicalIpv4(text);
}

/** `tcpflags` letters (S A P F R U, in any order) as TCP_* bits, or -1 for anything else. */
function tcpFlagsOf(line: string, t: number): number {
  let flags = 0;
  for (let i = tokStart[t]; i < tokEnd[t]; i++) {
    switch (line.charCodeAt(i)) {
      case 83: // S
        flags |= TCP_SYN;
        break;
      case 65: // A
        flags |= TCP_ACK;
        break;
      case 70: // F
        flags |= TCP_FIN;
        break;
      case 82: // R
        flags |= TCP_RST;
        break;
      case 80: // P
        flags |= TCP_PSH;
        break;
      case 85: // U
        flags |= TCP_URG;
        break;
      default:
        return -1;
    }
  }
  return flags;
}

// Consecutive rows share a second: remember the last stamp read.
let lastDay = -1;
let lastSec = -1;
let lastZone = '';
let lastTime = NaN;

function twoAt(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DD` and `HH:MM:SS` columns as epoch ms in zone `tz`, or NaN. */
function readTime(line: string, dateTok: number, timeTok: number, tz: string): number {
  const d = tokStart[dateTok];
  const t = tokStart[timeTok];
  if (tokEnd[dateTok] - d !== 10 || tokEnd[timeTok] - t !== 8) return NaN;
  const yHi = twoAt(line, d);
  const yLo = twoAt(line, d + 2);
  const mo = twoAt(line, d + 5);
  const day = twoAt(line, d + 8);
  if (yHi < 0 || yLo < 0 || mo < 1 || mo > 12 || day < 1 || day > 31) return NaN;
  if (line.charCodeAt(d + 4) !== 45 || line.charCodeAt(d + 7) !== 45) return NaN;
  const h = twoAt(line, t);
  const m = twoAt(line, t + 3);
  const s = twoAt(line, t + 6);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) return NaN;
  if (line.charCodeAt(t + 2) !== 58 || line.charCodeAt(t + 5) !== 58) return NaN;
  const y = yHi * 100 + yLo;
  const dayKey = (y * 100 + mo) * 100 + day;
  const sec = h * 3600 + m * 60 + s;
  if (dayKey === lastDay && sec === lastSec && tz === lastZone) return lastTime;
  lastTime = wallClockToEpoch(y, mo - 1, day, sec, 0, tz);
  lastDay = dayKey;
  lastSec = sec;
  lastZone = tz;
  return lastTime;
}

const BLANKS = /[ \t]+/;

/** A `#…` line: `#Fields:` sets the columns, `#Time Format:` the zone; the others say nothing. */
function readDirective(text: string, state: WindowsState): void {
  if (text.startsWith('#Fields:')) {
    const names = text.slice(8).trim().split(BLANKS);
    state.at.fill(-1);
    for (let i = 0; i < names.length; i++) {
      const f = FIELD_NAMES.indexOf(names[i].toLowerCase());
      if (f >= 0 && state.at[f] < 0) state.at[f] = i;
    }
    state.columns = names.length;
    state.fromHeader = true;
    const at = state.at;
    state.usable =
      at[F_DATE] >= 0 && at[F_TIME] >= 0 && at[F_ACTION] >= 0 && at[F_PROTOCOL] >= 0 && at[F_SRC_IP] >= 0 && at[F_DST_IP] >= 0;
  } else if (text.startsWith('#Time Format:')) {
    state.utc = text.slice(13).trim().toUpperCase() === 'UTC';
  }
}
