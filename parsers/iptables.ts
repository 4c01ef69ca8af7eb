/**
 * netfilter LOG / nftables `log` kernel lines (iptables, ufw, firewalld, Shorewall, EdgeOS, Proxmox,
 * OpenWrt …):
 *
 *   Jan  8 03:37:09 host kernel: [ 7672.882697] [UFW BLOCK] IN=eth0 OUT= MAC=… SRC=1.2.3.4 DST=5.6.7.8
 *     LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=37308 PROTO=TCP SPT=8080 DPT=8123 WINDOW=1024 RES=0x00 SYN URGP=0
 *
 * The fields are `KEY=VALUE` tokens in a fixed kernel order (nf_log_syslog.c), read left to right
 * with indexOf: one pass, no regex. An ICMP error quotes the offending packet in brackets
 * (`[SRC=… DPT=…]`); only the outer packet is the event, so every lookup stops at the bracket.
 */
import { hasPorts, protoNumber, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../src/net/protocols.js';
import { canonicalIpv4, canonicalIpv6, ipv4ToNumber, numberToIpv4 } from '../src/net/ip.js';
import { newSyslogHeader, readSyslogHeader, REPEATED, tagIs } from '../src/syslog.js';
import { isBsdStampAt, isIsoDateAtBytes, readBsdStampBytes, readIsoStamp, readIsoStampBytes, stampEnd } from '../src/time/stamps.js';
import {
  newEvent,
  resetEvent,
  type Action,
  type PacketEvent,
  type Direction,
  type ParseContext,
  type ParseResult,
  type Parser,
  TCP_ACK,
  TCP_CWR,
  TCP_ECE,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
} from '../src/types.js';

const header = newSyslogHeader();

/** A netfilter line has `SRC=` and at least one of the fields that always follow it. */
export function sniffIptables(line: string): boolean {
  const src = line.indexOf('SRC=');
  return src >= 0 && (line.indexOf('PROTO=', src) > 0 || line.indexOf('LEN=', src) > 0);
}

export function parseIptables(line: string, ctx: ParseContext, into?: PacketEvent): ParseResult {
  return parseCommon(line, ctx, into) ?? parseIptablesGeneral(line, ctx);
}

/**
 * The general reader: any line, any order of framing and fields. parseIptables tries the common
 * shape first (parseCommon) and comes here for the rest; exported for the test that the two agree.
 */
export function parseIptablesGeneral(line: string, ctx: ParseContext): ParseResult {
  // Fields end where a quoted inner packet begins (ICMP errors) or at the end of the line.
  const srcAt = findKey(line, 'SRC=', 0, line.length);
  if (srcAt < 0) return 'missing-src';
  let limit = line.indexOf('[SRC=', srcAt);
  if (limit < 0) limit = line.length;

  // Where the fields begin: `IN=` not preceded by a letter (so `PHYSIN=` is not it); Proxmox may
  // leave IN= out and start with OUT=.
  const inAt = findKey(line, 'IN=', 0, srcAt);
  const outAt = findKey(line, 'OUT=', 0, srcAt);
  let fieldsAt: number;
  if (inAt >= 0 && (outAt < 0 || inAt - 3 < outAt - 4)) fieldsAt = inAt - 3;
  else if (outAt >= 0) fieldsAt = outAt - 4;
  else fieldsAt = lineStartOfFields(line, srcAt);

  const ev = newEvent('iptables', 'netfilter');
  const prefix = readFraming(line, fieldsAt, ctx, ev);
  if (prefix === BAD_STAMP) return 'bad-timestamp';
  ev.action = actionOf(line, prefix, fieldsAt);

  // Direction from IN= and OUT= (either may be empty or missing).
  const inEnd = inAt < 0 ? inAt : tokenEnd(line, inAt, srcAt);
  const outEnd = outAt < 0 ? outAt : tokenEnd(line, outAt, srcAt);
  const inLen = inEnd - inAt;
  const outLen = outEnd - outAt;
  ev.direction = directionOf(inLen, outLen);
  if (inLen > 0) ev.iface = line.slice(inAt, inEnd);
  else if (outLen > 0) ev.iface = line.slice(outAt, outEnd);

  // Addresses.
  const srcEnd = tokenEnd(line, srcAt, limit);
  const dstKey = line.indexOf(' DST=', srcEnd);
  if (dstKey < 0 || dstKey >= limit) return 'missing-dst';
  const dstAt = dstKey + 5;
  const dstEnd = tokenEnd(line, dstAt, limit);
  ev.src = address(line.slice(srcAt, srcEnd));
  ev.dst = address(line.slice(dstAt, dstEnd));
  if (ev.src === '' || ev.dst === '') return 'bad-address';
  ev.srcV4 = ipv4Of(ev.src);
  ev.dstV4 = ipv4Of(ev.dst);

  // The IP header fields come before PROTO=; after it, ICMP has an ID= of its own.
  const protoKey = line.indexOf(' PROTO=', dstEnd);
  if (protoKey < 0 || protoKey >= limit) return 'bad-protocol';
  let at = dstEnd;
  const len = numberAfter(line, ' LEN=', at, protoKey);
  if (len >= 0) {
    ev.length = len;
    at = numEnd;
  }
  const ttl = numberAfter(line, ' TTL=', at, protoKey);
  if (ttl >= 0) {
    ev.ttl = ttl;
    at = numEnd;
  } else {
    const hop = numberAfter(line, ' HOPLIMIT=', at, protoKey);
    if (hop >= 0) ev.ttl = hop;
  }
  const id = numberAfter(line, ' ID=', at, protoKey);
  if (id >= 0) ev.ipId = id;
  // A non-first fragment carries no transport header: `FRAG=n` with n > 0.
  const frag = numberAfter(line, ' FRAG=', at, protoKey);

  const protoAt = protoKey + 7;
  const protoEnd = tokenEnd(line, protoAt, limit);
  ev.proto = fastProto(line, protoAt, protoEnd);
  if (ev.proto < 0) return 'bad-protocol';
  at = protoEnd;

  if (hasPorts(ev.proto) && frag <= 0) {
    const spt = numberAfter(line, ' SPT=', at, limit);
    if (spt >= 0) {
      const dpt = numberAfter(line, ' DPT=', numEnd, limit);
      if (spt > 65535 || dpt > 65535 || dpt < 0) return 'bad-port';
      ev.srcPort = spt;
      ev.dstPort = dpt;
      at = numEnd;
    } else if ((ev.proto === PROTO_TCP || ev.proto === PROTO_UDP) && line.indexOf('INCOMPLETE', at) < 0) {
      // TCP and UDP always print ports unless the packet was cut short; other transports (SCTP,
      // UDP-Lite, DCCP) print none on many kernels.
      return 'truncated';
    }
    if (ev.proto === PROTO_TCP && ev.dstPort >= 0) readTcpTail(line, at, limit, ev);
  } else if (ev.proto === PROTO_ICMP || ev.proto === PROTO_ICMPV6) {
    const type = numberAfter(line, ' TYPE=', at, limit);
    if (type >= 0) {
      ev.icmpType = type;
      ev.icmpCode = numberAfter(line, ' CODE=', numEnd, limit);
    }
  }
  return ev;
}

export const iptablesParser: Parser = { family: 'iptables', sniff: sniffIptables, parse: parseIptables };

// ---------------------------------------------------------------------------------------------

/** Index of the value of `key` (`KEY=`) at a field boundary in [from, to), or -1. */
function findKey(line: string, key: string, from: number, to: number): number {
  let i = line.indexOf(key, from);
  while (i >= 0 && i < to) {
    const before = i === 0 ? 32 : line.charCodeAt(i - 1);
    // A field starts after a space, or glued to a prefix that ends in ']', ':' or ')'.
    if (before === 32 || before === 93 || before === 58 || before === 41 || before === 9) return i + key.length;
    i = line.indexOf(key, i + 1);
  }
  return -1;
}

function lineStartOfFields(line: string, srcAt: number): number {
  // No IN=/OUT= (damaged or unusual line): fields begin at the token before SRC=.
  return Math.max(0, line.lastIndexOf(' ', srcAt - 5) + 1);
}

function directionOf(inLen: number, outLen: number): Direction {
  if (inLen > 0) return outLen > 0 ? 'fwd' : 'in';
  if (outLen > 0) return 'out';
  return 'unknown';
}

function tokenEnd(line: string, from: number, limit: number): number {
  const sp = line.indexOf(' ', from);
  return sp < 0 || sp > limit ? limit : sp;
}

let numEnd = 0;

/** The decimal value after ` KEY=` in [from, limit), or -1; numEnd is left past the digits. */
function numberAfter(line: string, key: string, from: number, limit: number): number {
  const k = line.indexOf(key, from);
  if (k < 0 || k >= limit) return -1;
  let i = k + key.length;
  let n = 0;
  let digits = 0;
  for (;;) {
    const d = line.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    n = n * 10 + d;
    i++;
    digits++;
  }
  if (digits === 0) return -1;
  numEnd = i;
  return n;
}

/** TCP and UDP without a slice and a table lookup (most lines); the rest through protoNumber. */
function fastProto(line: string, at: number, end: number): number {
  if (end - at === 3 && line.charCodeAt(at + 2) === 80) {
    const c = line.charCodeAt(at);
    const c1 = line.charCodeAt(at + 1);
    if (c === 84 && c1 === 67) return 6; // TCP
    if (c === 85 && c1 === 68) return 17; // UDP
  }
  return protoNumber(line.slice(at, end));
}

function address(text: string): string {
  return text.indexOf(':') >= 0 ? canonicalIpv6(text) : canonicalIpv4(text);
}

/** The number of a canonical address when it is IPv4 (PacketEvent.srcV4), else -1. */
function ipv4Of(canonical: string): number {
  return canonical.indexOf(':') >= 0 ? -1 : ipv4ToNumber(canonical);
}

/** TCP tail: `WINDOW=n RES=0x00 CWR ECE URG ACK PSH RST SYN FIN URGP=0` (flags may be none at all). */
function readTcpTail(line: string, at: number, limit: number, ev: ReturnType<typeof newEvent>): void {
  const win = numberAfter(line, ' WINDOW=', at, limit);
  if (win < 0) return;
  ev.window = win;
  let i = numEnd;
  const res = line.indexOf(' RES=', i);
  if (res >= 0 && res < limit) i = tokenEnd(line, res + 5, limit);
  let urgp = line.indexOf(' URGP=', i);
  if (urgp < 0 || urgp > limit) urgp = limit;
  let flags = 0;
  while (i < urgp) {
    while (line.charCodeAt(i) === 32) i++;
    if (i >= urgp) break;
    const end = tokenEnd(line, i, urgp);
    if (end - i === 3) flags |= flagBit(line, i);
    i = end;
  }
  ev.tcpFlags = flags;
}

function flagBit(line: string, i: number): number {
  switch (line.charCodeAt(i)) {
    case 83: // SYN
      return line.startsWith('SYN', i) ? TCP_SYN : 0;
    case 65: // ACK
      return line.startsWith('ACK', i) ? TCP_ACK : 0;
    case 70: // FIN
      return line.startsWith('FIN', i) ? TCP_FIN : 0;
    case 82: // RST
      return line.startsWith('RST', i) ? TCP_RST : 0;
    case 80: // PSH
      return line.startsWith('PSH', i) ? TCP_PSH : 0;
    case 85: // URG
      return line.startsWith('URG', i) ? TCP_URG : 0;
    case 69: // ECE
      return line.startsWith('ECE', i) ? TCP_ECE : 0;
    case 67: // CWR
      return line.startsWith('CWR', i) ? TCP_CWR : 0;
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Framing and prefix

const BAD_STAMP = -2;

/**
 * Read the time and variant from the framing before the fields; return the index where the log
 * prefix (the text that names the rule or action) begins, or BAD_STAMP.
 */
function readFraming(line: string, fieldsAt: number, ctx: ParseContext, ev: ReturnType<typeof newEvent>): number {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57 && line.charCodeAt(4) !== 45) {
    const proxmox = readProxmox(line, fieldsAt, ctx, ev);
    if (proxmox !== -1) return proxmox;
  }
  if (!readSyslogHeader(line, ctx, header)) return BAD_STAMP;
  ev.time = header.time;
  let p: number;
  if (header.kind === 'none') {
    p = header.msgStart;
  } else if (header.tagEnd > header.tagStart && !tagIs(line, header, 'kernel')) {
    // `Jan  8 03:37:09 DENY: IN=…`: what looks like a tag is the prefix itself.
    p = header.tagStart;
  } else {
    p = header.msgStart;
  }
  // Kernel uptime `[ 7672.882697]` and printk caller id `[  C0]` / `[T123]` come before the prefix.
  for (;;) {
    while (line.charCodeAt(p) === 32) p++;
    if (line.charCodeAt(p) !== 91) break;
    const close = line.indexOf(']', p);
    if (close < 0 || close > fieldsAt || !isUptimeOrCaller(line, p + 1, close)) break;
    p = close + 1;
  }
  if (line.startsWith('[UFW ', p)) ev.variant = 'ufw';
  return p;
}

function isUptimeOrCaller(line: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && line.charCodeAt(i) === 32) i++;
  if (i === to) return false;
  const c = line.charCodeAt(i);
  if (c === 67 || c === 84) i++; // C0 (CPU) or T123 (task) caller ids
  let digits = 0;
  for (; i < to; i++) {
    const d = line.charCodeAt(i);
    if (d >= 48 && d <= 57) digits++;
    else if (d !== 46) return false;
  }
  return digits > 0;
}

const PROXMOX_MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/**
 * Proxmox VE pvefw-logger: `VMID LEVEL CHAIN DD/Mon/YYYY:HH:MM:SS +ZZZZ [ACTION:] IN=…`.
 * Returns the prefix start, or -1 when the line is not of this shape.
 */
function readProxmox(line: string, fieldsAt: number, ctx: ParseContext, ev: ReturnType<typeof newEvent>): number {
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  const sp3 = sp2 < 0 ? -1 : line.indexOf(' ', sp2 + 1);
  if (sp3 < 0 || sp3 > fieldsAt) return -1;
  const s = sp3 + 1;
  // DD/Mon/YYYY:HH:MM:SS +ZZZZ
  if (line.charCodeAt(s + 2) !== 47 || line.charCodeAt(s + 6) !== 47 || line.charCodeAt(s + 11) !== 58) return -1;
  const mon = PROXMOX_MONTHS.indexOf(line.slice(s + 3, s + 6));
  if (mon < 0 || mon % 3 !== 0) return -1;
  const mm = String((mon / 3) + 1).padStart(2, '0');
  // Rebuild as ISO for the one stamp reader (this is a short string, and Proxmox logs are small).
  const iso = `${line.slice(s + 7, s + 11)}-${mm}-${line.slice(s, s + 2)}T${line.slice(s + 12, s + 20)}${line.slice(s + 21, s + 26)}`;
  ev.time = readIsoStamp(iso, 0, ctx);
  ev.variant = 'proxmox';
  return s + 27;
}

/**
 * Action from the prefix words. The prefix is the text between the framing and the fields, so a
 * host name never counts. Checked in order: ufw AUDIT, then block words, then allow words, then
 * EdgeOS rule names ending in -D] / -R] / -A].
 */
let lastPrefix = '';
let lastAction: Action = 'unknown';

function actionOf(line: string, from: number, to: number): Action {
  if (to <= from) return 'unknown';
  // Most lines of a log share their prefix: reuse the last answer (a pure function of the text).
  if (to - from === lastPrefix.length && line.startsWith(lastPrefix, from)) return lastAction;
  lastPrefix = line.slice(from, to);
  lastAction = actionOfPrefix(lastPrefix.toLowerCase());
  return lastAction;
}

function actionOfPrefix(p: string): Action {
  if (p.indexOf('audit') >= 0) return 'audit';
  if (
    p.indexOf('block') >= 0 ||
    p.indexOf('drop') >= 0 ||
    p.indexOf('reject') >= 0 ||
    p.indexOf('deny') >= 0 ||
    p.indexOf('denied') >= 0
  ) {
    return 'block';
  }
  if (p.indexOf('accept') >= 0 || p.indexOf('allow') >= 0 || p.indexOf('pass') >= 0) return 'allow';
  if (p.indexOf('-d]') >= 0 || p.indexOf('-r]') >= 0) return 'block';
  if (p.indexOf('-a]') >= 0) return 'allow';
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------
// The common shape, read in one pass over the line's bytes
//
//   [<PRI>]Mmm dd HH:MM:SS host kernel: [uptime] [caller] PREFIX IN=… OUT=… [MAC=…] SRC=… DST=…
//     LEN=… TOS=… PREC=… TTL=… ID=… [CE] [DF] [MF] PROTO=… (SPT=… DPT=… [SEQ=… ACK=…] WINDOW=…
//     RES=… FLAGS URGP=… | TYPE=… CODE=… | …)
//   (or an RFC 3339 stamp; or the IPv6 header LEN=… TC=… HOPLIMIT=… FLOWLBL=…)
//
// charCodeAt on a line (a slice of a larger string) costs several ns a character, and indexOf a
// call each time; so the line is copied once into a byte buffer (one native call) and read there
// left to right, each token checked where the previous one ended, keys four bytes at a time, long
// values (MAC=) four bytes at a time. Anything else on the way (another tag, PHYSIN=, OPT, FRAG, a
// bracket, a missing field, a value out of range, a non-ASCII character) returns undefined and the
// general reader takes the line, so this path only has to agree with it on the lines it accepts:
// the first '=' of the line is the IN= it finds, so each key the general reader looks for first is
// the one read here (test/parsers/iptables-paths.test.ts checks the two against each other).

const BUF_SIZE = 8192;
/** Zero bytes after the line: every check fails on 0 as on charCodeAt's NaN past the end. */
const PAD = 16;

/** Buffer#latin1Slice (toString('latin1', …) without its argument handling). */
type Latin1 = { latin1Slice(from: number, to: number): string };

/**
 * One buffer for both ways a line arrives, so that the reading below works on constant bindings
 * (V8 reads a module's `const` DataView far faster than a `let` one that may change): a region of
 * a chunk (loadRegion) is copied to [0, REGION_MAX), a string line (parseCommon) is written at
 * LINE_AT. Each has PAD bytes of room after it.
 */
const REGION_MAX = 2 << 20;
const LINE_AT = REGION_MAX + PAD;
const buf = Buffer.alloc(LINE_AT + BUF_SIZE + PAD);
const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
/** Buffer#utf8Write (Buffer#write without its argument handling): bytes written. */
const writer = buf as unknown as { utf8Write(s: string, offset: number): number };
const reader = buf as unknown as Latin1;

/** Four ASCII characters as the int32 that getInt32(i, true) reads where they are. */
function w4(s: string): number {
  return s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);
}

/** The four bytes at `i` (i >= 0, and never past the padding: callers read near a checked byte). */
function at4(i: number): number {
  return view.getInt32(i, true);
}

const KERN = w4('kern');
const EL_SP = w4('el: ');
const UFW = w4('[UFW');
const SP_OUT = w4(' OUT');
const MAC_EQ = w4('MAC=');
const SRC_EQ = w4('SRC=');
const SP_DST = w4(' DST');
const SP_LEN = w4(' LEN');
const SP_TOS = w4(' TOS');
const SP_PRE = w4(' PRE');
const REC_EQ = w4('REC=');
const SP_TTL = w4(' TTL');
const SP_ID_EQ = w4(' ID=');
const SP_TC_EQ = w4(' TC=');
const SP_HOP = w4(' HOP');
const LIMI = w4('LIMI');
const MIT_EQ = w4('MIT=');
const SP_FLO = w4(' FLO');
const WLBL = w4('WLBL');
const LBL_EQ = w4('LBL=');
const SP_CE_SP = w4(' CE ');
const SP_DF_SP = w4(' DF ');
const SP_MF_SP = w4(' MF ');
const SP_PRO = w4(' PRO');
const OTO_EQ = w4('OTO=');
const SP_SPT = w4(' SPT');
const SP_DPT = w4(' DPT');
const SP_SEQ = w4(' SEQ');
const SP_ACK = w4(' ACK');
const SP_WIN = w4(' WIN');
const DOW_EQ = w4('DOW=');
const SP_RES = w4(' RES');
const URGP = w4('URGP');
const SP_TYP = w4(' TYP');
const YPE_EQ = w4('YPE=');
const SP_COD = w4(' COD');
const ODE_EQ = w4('ODE=');

const ONES = 0x01010101;
const HIGHS = -0x7f7f7f80; // 0x80808080

/** Whether a byte of the word is 0, a space or '=' (the exact "has a zero byte" test, three times). */
function endsValue(v: number): boolean {
  const s = v ^ 0x20202020;
  const e = v ^ 0x3d3d3d3d;
  return (((((v - ONES) | 0) & ~v) | (((s - ONES) | 0) & ~s) | (((e - ONES) | 0) & ~e)) & HIGHS) !== 0;
}

/** Whether a byte of the word is 0 or '='. */
function hasEquals(v: number): boolean {
  const e = v ^ 0x3d3d3d3d;
  return (((((v - ONES) | 0) & ~v) | (((e - ONES) | 0) & ~e)) & HIGHS) !== 0;
}

/** Whether all four bytes of the word are digits or '.' (ASCII bytes: none above 127). */
function digitsOrDots(v: number): boolean {
  const below = ((v - 0x2e2e2e2e) | 0) & ~v; // a byte < '.'
  const above = (v + 0x46464646) | 0; // a byte > '9' (127 - 0x39 = 0x46)
  const s = v ^ 0x2f2f2f2f; // a '/'
  const slash = ((s - ONES) | 0) & ~s;
  return ((below | above | slash) & HIGHS) === 0;
}

function hasDigit(b: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (b[k] !== 46) return true;
  return false;
}

/** The last prefix (bytes) and its action: most lines of a log share it. */
const PREFIX_MAX = 124;
const prefixBuf = Buffer.alloc(PREFIX_MAX + 4);
const prefixView = new DataView(prefixBuf.buffer, prefixBuf.byteOffset, PREFIX_MAX + 4);
let prefixLen = -1;
let prefixAction: Action = 'unknown';

/** The last interface name (bytes) and its string. */
const ifaceBytes = new Uint8Array(32);
let ifaceLen = -1;
let ifaceText = '';

/** Canonical IPv4 text by address (direct-mapped): no new string for an address seen lately. */
const ADDR_SLOTS = 4096;
const addrKey = new Int32Array(ADDR_SLOTS);
const addrText: string[] = new Array<string>(ADDR_SLOTS).fill('');

/** Index past the digits read by digitsAt (-1 when there were none), past an address; its number. */
let numAt = 0;
let addrAt = 0;
let addrV4 = -1;

function isFieldBoundary(c: number): boolean {
  return c === 32 || c === 93 || c === 58 || c === 41 || c === 9;
}

/** The decimal number at `i` (numberAfter's reading); numAt is past it, or -1 when no digit. */
function digitsAt(i: number): number {
  // Four bytes a read, taken apart with shifts.
  let w = at4(i);
  let n = 0;
  let k = i;
  for (;;) {
    const d = (w & 0xff) - 48;
    if (!(d >= 0 && d <= 9)) break;
    n = n * 10 + d;
    k++;
    if (((k - i) & 3) === 0) w = at4(k);
    else w >>= 8;
  }
  numAt = k === i ? -1 : k;
  return n;
}

/** Index of the space that ends the value at `i`, or -1 if it ends the line, has a '=' or a NUL. */
function valueEnd(b: Uint8Array, i: number): number {
  while (!endsValue(at4(i))) i += 4;
  for (;;) {
    const c = b[i];
    if (c === 32) return i;
    if (c === 61 || c === 0) return -1;
    i++;
  }
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Index past a value of letters and digits (TOS, PREC, RES), which must end in a space or the line. */
function wordEnd(b: Uint8Array, i: number, n: number): number {
  // Nearly always `0x` and two hex digits.
  const w = at4(i);
  if ((w & 0xffff) === 0x7830 && isAlnum((w >> 16) & 0xff) && isAlnum((w >> 24) & 0xff)) {
    const c = b[i + 4];
    if (c === 32 || i + 4 === n) return i + 4;
  }
  for (;;) {
    const c = b[i];
    if (isAlnum(c)) {
      i++;
      continue;
    }
    return c === 32 || i === n ? i : -1;
  }
}

/** A new flat string of the `len` (7 to 15) ASCII bytes at `i` (a dotted quad). */
function quadText(b: Uint8Array, i: number, len: number): string {
  const f = String.fromCharCode;
  switch (len) {
    case 7:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6]);
    case 8:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    case 9:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8]);
    case 10:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9]);
    case 11:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10]);
    case 12:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11]);
    case 13:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12]);
    case 14:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13]);
    default:
      return f(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14]);
  }
}

/** addressAt's answer for an IPv4 address whose text was not asked for (ParseContext.ipv4ByNumber). */
const NO_TEXT = '-';

/**
 * The address at `i` in canonical form (address()), addrAt at the space after it; '' when it is not
 * a plain address followed by a space. For an IPv4 address without `wantText`, NO_TEXT (addrV4
 * holds it).
 */
function addressAt(b: Uint8Array, i: number, wantText: boolean): string {
  // Dotted quad: four octets of one to three digits, at most 255, then a space (ipv4ToNumber's
  // reading); a leading zero makes the text not canonical (leadingZeroOctet).
  let k = i;
  let key = 0;
  let leadingZero = false;
  for (let part = 0; ; part++) {
    let d = b[k] - 48;
    if (!(d >= 0 && d <= 9)) break;
    let octet = d;
    d = b[++k] - 48;
    if (d >= 0 && d <= 9) {
      if (octet === 0) leadingZero = true;
      octet = octet * 10 + d;
      d = b[++k] - 48;
      if (d >= 0 && d <= 9) {
        octet = octet * 10 + d;
        k++;
        if (octet > 255) break;
      }
    }
    key = (key << 8) | octet;
    const c = b[k];
    if (part < 3) {
      if (c !== 46) break;
      k++;
      continue;
    }
    if (c !== 32) break;
    addrAt = k;
    addrV4 = key >>> 0;
    if (!wantText) return NO_TEXT;
    // The canonical text is a function of the address: one seen lately is reused.
    const slot = Math.imul(key, -1640531535) >>> 20; // 0x9e3779b1: Fibonacci hashing to 12 bits
    if (addrKey[slot] === key) {
      const t = addrText[slot];
      if (t !== '') return t;
    }
    const t = leadingZero ? numberToIpv4(key >>> 0) : quadText(b, i, k - i);
    addrKey[slot] = key;
    addrText[slot] = t;
    return t;
  }
  // IPv6 (hex digits, colons, an IPv4 tail); anything else is left to the general reader.
  let colon = false;
  for (k = i; ; k++) {
    const c = b[k];
    if (c === 58) colon = true;
    else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46)) {
      if (c !== 32 || !colon) return '';
      break;
    }
  }
  addrAt = k;
  addrV4 = -1;
  return canonicalIpv6(text(i, k));
}

/** The TCP flag bit of a three-letter name (its character codes), 0 for other names (flagBit). */
function flagBit3(x: number, y: number, z: number): number {
  switch (x) {
    case 83: // SYN
      return y === 89 && z === 78 ? TCP_SYN : 0;
    case 65: // ACK
      return y === 67 && z === 75 ? TCP_ACK : 0;
    case 70: // FIN
      return y === 73 && z === 78 ? TCP_FIN : 0;
    case 82: // RST
      return y === 83 && z === 84 ? TCP_RST : 0;
    case 80: // PSH
      return y === 83 && z === 72 ? TCP_PSH : 0;
    case 85: // URG
      return y === 82 && z === 71 ? TCP_URG : 0;
    case 69: // ECE
      return y === 67 && z === 69 ? TCP_ECE : 0;
    case 67: // CWR
      return y === 87 && z === 82 ? TCP_CWR : 0;
    default:
      return 0;
  }
}

/** Whether the `len` bytes at `at` are the cached prefix. */
function isCachedPrefix(b: Uint8Array, at: number, len: number): boolean {
  if (len < 4) {
    for (let k = 0; k < len; k++) if (b[at + k] !== prefixBuf[k]) return false;
    return true;
  }
  for (let k = 0; k < len - 4; k += 4) if (at4(at + k) !== prefixView.getInt32(k, true)) return false;
  return at4(at + len - 4) === prefixView.getInt32(len - 4, true);
}

/** The common shape only: an event, or undefined when the line is left to the general reader. */
export function parseCommon(line: string, ctx: ParseContext, into?: PacketEvent): PacketEvent | undefined {
  const n = line.length;
  if (n > BUF_SIZE - 4) return undefined;
  // UTF-8: as many bytes as characters only when every character is ASCII (the buffer has room
  // for the whole line plus a multi-byte character, so a cut-off write is never mistaken for it).
  if (writer.utf8Write(line, LINE_AT) !== n) return undefined;
  view.setFloat64(LINE_AT + n, 0);
  view.setFloat64(LINE_AT + n + 8, 0);
  return parseCommonBytes(LINE_AT, LINE_AT + n, ctx, into);
}

/** The chunk and the part of it in the region (bytes[0] is chunk[regionFrom]); null: none. */
let regionChunk: Buffer | null = null;
let regionFrom = 0;
let regionTo = 0;

/**
 * Copy chunk[from, to) (ASCII lines) to the region, for parseIptablesBytes to read its lines there:
 * one copy a region instead of one a line. A region over REGION_MAX is not copied (its lines are
 * then copied one by one). `loadRegion(null, 0, 0)` forgets it (the chunk may be reused once its
 * lines are read).
 */
export function loadRegion(chunk: Buffer | null, from: number, to: number): void {
  if (chunk === null || to - from > REGION_MAX) {
    regionChunk = null;
    return;
  }
  regionChunk = chunk;
  regionFrom = from;
  regionTo = to;
  chunk.copy(buf, 0, from, to);
  view.setFloat64(to - from, 0);
  view.setFloat64(to - from + 8, 0);
}

/**
 * parseCommon of a line given as bytes, src[start, end), which the caller knows to be ASCII (the
 * core's byte path, src/core.ts: no string is made of the line). Read in the region when
 * loadRegion put it there (else the line alone is copied there first). Undefined when the line is
 * not of the common shape, or is a syslog repetition (`message repeated N times: [ … ]`), which
 * the string path reads; the caller then decodes the line and goes that way.
 */
export function parseIptablesBytes(src: Buffer, start: number, end: number, ctx: ParseContext, into?: PacketEvent): PacketEvent | undefined {
  if (end - start > BUF_SIZE - 4) return undefined;
  // A line of the region the splitter loaded; else the line alone, forgotten after this call.
  const loaded = src === regionChunk && start >= regionFrom && end <= regionTo;
  if (!loaded) loadRegion(src, start, end);
  const s = start - regionFrom;
  const n = end - regionFrom;
  // The line reads as if it ended the buffer: zeros after it for the parse, the next line's first
  // bytes back afterwards.
  const next0 = view.getFloat64(n);
  const next8 = view.getFloat64(n + 8);
  view.setFloat64(n, 0);
  view.setFloat64(n + 8, 0);
  let ev = parseCommonBytes(s, n, ctx, into);
  // The fields up to commonEnd are read and the prefix is checked; after them a repetition could
  // still begin where the core looks for one (repeatCount, src/syslog.ts).
  if (ev !== undefined && commonEnd - s < REPEAT_WITHIN && hasRepeatFrom(commonEnd, Math.min(n, s + REPEAT_WITHIN))) ev = undefined;
  view.setFloat64(n, next0);
  view.setFloat64(n + 8, next8);
  if (!loaded) regionChunk = null;
  return ev;
}

/** repeatCount (src/syslog.ts) looks for its words within this many bytes of the line's start. */
const REPEAT_WITHIN = 200 + REPEATED.length;

/** Whether `message repeated ` starts at an index in [from, to) of `bytes`. */
function hasRepeatFrom(from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (bytes[k] === 109 && reader.latin1Slice(k, k + REPEATED.length) === REPEATED) return true;
  return false;
}

/** Index after the last field parseCommonBytes read (past it the line is not looked at). */
let commonEnd = 0;

/** The text of bytes [from, to) of the line in `bytes` (ASCII there, so latin1 is exact). */
function text(from: number, to: number): string {
  return reader.latin1Slice(from, to);
}

/**
 * parseCommon's reading, of the line bytes[s, n) (zero PAD after it). Indices are into `bytes`,
 * so `n` is where the line ends, not its length.
 */
function parseCommonBytes(s: number, n: number, ctx: ParseContext, into?: PacketEvent): PacketEvent | undefined {
  const b = bytes;

  // --- syslog header (readSyslogHeader): <PRI>, then an RFC 3339 or BSD stamp.
  let i = s;
  if (b[s] === 60) {
    let j = s + 1;
    while (j < s + 5 && b[j] >= 48 && b[j] <= 57) j++;
    if (j === s + 1 || b[j] !== 62) return undefined;
    i = j + 1;
  }
  let time: number;
  const c0 = b[i];
  if (c0 >= 48 && c0 <= 57) {
    // (A digit with no PRI and no '-' at 4 may be Proxmox; a digit and a space, RFC 5424.)
    if (b[i + 1] === 32 || !isIsoDateAtBytes(b, i)) return undefined;
    time = readIsoStampBytes(b, i, ctx);
  } else if (isBsdStampAt(b, i)) {
    time = readBsdStampBytes(b, view, i, ctx);
  } else {
    return undefined;
  }
  if (time !== time) return undefined;
  let j = stampEnd.at;
  while (b[j] === 32) j++;
  // Host, then the tag `kernel:` (readHostAndTag).
  const hostEnd = valueEnd(b, j);
  if (hostEnd <= j || b[hostEnd - 1] === 58 || at4(hostEnd + 1) !== KERN || at4(hostEnd + 5) !== EL_SP) return undefined;
  // Kernel uptime and printk caller id (readFraming, isUptimeOrCaller).
  let p = hostEnd + 9;
  for (;;) {
    while (b[p] === 32) p++;
    if (b[p] !== 91) break;
    let q = p + 1;
    while (b[q] === 32) q++;
    if (b[q] === 67 || b[q] === 84) q++;
    // Digits and dots, four at a time, then one at a time; at least one digit.
    const from = q;
    while (digitsOrDots(at4(q))) q += 4;
    for (;;) {
      const c = b[q];
      if (!((c >= 48 && c <= 57) || c === 46)) break;
      q++;
    }
    if (b[q] !== 93 || !hasDigit(b, from, q)) break;
    p = q + 1;
  }
  const ufw = at4(p) === UFW && b[p + 4] === 32;

  // --- the prefix runs to the first '=' of the line, which must be that of a field-starting IN=.
  let e: number;
  let action: Action;
  if (prefixLen > 0 && p + prefixLen + 3 <= n && isCachedPrefix(b, p, prefixLen) && b[p + prefixLen] === 73 && b[p + prefixLen + 1] === 78 && b[p + prefixLen + 2] === 61) {
    // The prefix of the last line: no '=' in it, and it ends in a field boundary.
    e = p + prefixLen + 2;
    action = prefixAction;
  } else {
    e = p;
    while (!hasEquals(at4(e))) e += 4;
    for (;;) {
      const c = b[e];
      if (c === 61) break;
      if (c === 0) return undefined;
      e++;
    }
    if (b[e - 1] !== 78 || b[e - 2] !== 73 || !isFieldBoundary(b[e - 3])) return undefined;
    const fieldsAt = e - 2;
    const plen = fieldsAt - p;
    const prefix = text(p, fieldsAt);
    // `message repeated N times: [ … IN=…`: a repetition, which the string path counts.
    if (prefix.indexOf(REPEATED) >= 0) return undefined;
    action = actionOf(prefix, 0, prefix.length);
    if (plen > 0 && plen <= PREFIX_MAX) {
      for (let k = 0; k < plen; k++) prefixBuf[k] = b[p + k];
      prefixLen = plen;
      prefixAction = action;
    } else {
      prefixLen = -1;
    }
  }

  // --- IN= OUT= [MAC=] SRC= DST=
  const inAt = e + 1;
  const inEnd = valueEnd(b, inAt);
  if (inEnd < 0 || at4(inEnd) !== SP_OUT || b[inEnd + 4] !== 61) return undefined;
  const outAt = inEnd + 5;
  const outEnd = valueEnd(b, outAt);
  if (outEnd < 0) return undefined;
  let q = outEnd + 1;
  if (at4(q) === MAC_EQ) {
    q = valueEnd(b, q + 4);
    if (q < 0) return undefined;
    q++;
  }
  if (at4(q) !== SRC_EQ) return undefined;
  const wantText = ctx.ipv4ByNumber !== true;
  const src = addressAt(b, q + 4, wantText);
  if (src === '') return undefined;
  const srcV4 = addrV4;
  q = addrAt; // the space after SRC
  if (at4(q) !== SP_DST || b[q + 4] !== 61) return undefined;
  const dst = addressAt(b, q + 5, wantText);
  if (dst === '') return undefined;
  const dstV4 = addrV4;
  q = addrAt;

  // --- IP header: LEN= then IPv4 TOS= PREC= TTL= ID= [CE] [DF] [MF], or IPv6 TC= HOPLIMIT= FLOWLBL=
  if (at4(q) !== SP_LEN || b[q + 4] !== 61) return undefined;
  const length = digitsAt(q + 5);
  q = numAt;
  if (q < 0) return undefined;
  let ttl: number;
  let ipId = -1;
  if (at4(q) === SP_TOS && b[q + 4] === 61) {
    q = wordEnd(b, q + 5, -1);
    if (q < 0 || at4(q) !== SP_PRE || at4(q + 2) !== REC_EQ) return undefined;
    q = wordEnd(b, q + 6, -1);
    if (q < 0 || at4(q) !== SP_TTL || b[q + 4] !== 61) return undefined;
    ttl = digitsAt(q + 5);
    q = numAt;
    if (q < 0 || at4(q) !== SP_ID_EQ) return undefined;
    ipId = digitsAt(q + 4);
    q = numAt;
    if (q < 0) return undefined;
    for (;;) {
      const w = at4(q);
      if (w !== SP_DF_SP && w !== SP_CE_SP && w !== SP_MF_SP) break;
      q += 3;
    }
  } else if (at4(q) === SP_TC_EQ) {
    digitsAt(q + 4);
    q = numAt;
    if (q < 0 || at4(q) !== SP_HOP || at4(q + 4) !== LIMI || at4(q + 6) !== MIT_EQ) return undefined;
    ttl = digitsAt(q + 10);
    q = numAt;
    if (q < 0 || at4(q) !== SP_FLO || at4(q + 4) !== WLBL || at4(q + 5) !== LBL_EQ) return undefined;
    digitsAt(q + 9);
    q = numAt;
    if (q < 0) return undefined;
  } else {
    return undefined;
  }

  // --- PROTO=
  if (at4(q) !== SP_PRO || at4(q + 3) !== OTO_EQ) return undefined;
  const protoAt = q + 7;
  let protoEnd = protoAt;
  for (;;) {
    const c = b[protoEnd];
    if (c === 32 || c === 0) break;
    if (c === 91 || c === 61) return undefined;
    protoEnd++;
  }
  if (b[protoEnd] === 0 && protoEnd !== n) return undefined;
  let proto: number;
  if (protoEnd - protoAt === 3 && b[protoAt] === 84 && b[protoAt + 1] === 67 && b[protoAt + 2] === 80) {
    proto = PROTO_TCP;
  } else if (protoEnd - protoAt === 3 && b[protoAt] === 85 && b[protoAt + 1] === 68 && b[protoAt + 2] === 80) {
    proto = PROTO_UDP;
  } else {
    proto = protoNumber(text(protoAt, protoEnd));
    if (!(proto >= 0)) return undefined;
  }
  q = protoEnd;

  const ev = into === undefined ? newEvent('iptables', 'netfilter') : resetEvent(into, 'iptables', 'netfilter');
  if (ufw) ev.variant = 'ufw';
  ev.time = time;
  ev.action = action;
  const inLen = inEnd - inAt;
  const outLen = outEnd - outAt;
  ev.direction = directionOf(inLen, outLen);
  if (inLen > 0) ev.iface = ifaceAt(b, inAt, inEnd);
  else if (outLen > 0) ev.iface = ifaceAt(b, outAt, outEnd);
  ev.src = src === NO_TEXT ? '' : src;
  ev.dst = dst === NO_TEXT ? '' : dst;
  ev.srcV4 = srcV4;
  ev.dstV4 = dstV4;
  ev.length = length;
  ev.ttl = ttl;
  ev.ipId = ipId;
  ev.proto = proto;

  // --- transport
  if (hasPorts(proto)) {
    if (at4(q) !== SP_SPT || b[q + 4] !== 61) return undefined;
    const spt = digitsAt(q + 5);
    q = numAt;
    if (q < 0 || at4(q) !== SP_DPT || b[q + 4] !== 61) return undefined;
    const dpt = digitsAt(q + 5);
    q = numAt;
    if (q < 0 || spt > 65535 || dpt > 65535) return undefined;
    ev.srcPort = spt;
    ev.dstPort = dpt;
    if (proto !== PROTO_TCP) {
      commonEnd = q;
      return ev;
    }
    // [SEQ= ACK=] WINDOW= RES=
    if (at4(q) === SP_SEQ && b[q + 4] === 61) {
      digitsAt(q + 5);
      q = numAt;
      if (q < 0 || at4(q) !== SP_ACK || b[q + 4] !== 61) return undefined;
      digitsAt(q + 5);
      q = numAt;
      if (q < 0) return undefined;
    }
    if (at4(q) !== SP_WIN || at4(q + 4) !== DOW_EQ) return undefined;
    const win = digitsAt(q + 8);
    q = numAt;
    if (q < 0 || at4(q) !== SP_RES || b[q + 4] !== 61) return undefined;
    q = wordEnd(b, q + 5, n);
    if (q < 0) return undefined;
    // Flags up to URGP= (or the end of the line): three-letter flag names count, as in readTcpTail.
    let flags = 0;
    for (;;) {
      while (b[q] === 32) q++;
      if (q >= n) break;
      const w = at4(q);
      if (w === URGP && b[q + 4] === 61) break;
      const x = w & 0xff;
      const y = (w >> 8) & 0xff;
      const z = (w >> 16) & 0xff;
      if (x >= 65 && x <= 90 && y >= 65 && y <= 90 && z >= 65 && z <= 90 && ((w >> 24) === 32 || q + 3 === n)) {
        flags |= flagBit3(x, y, z);
        q += 3;
        continue;
      }
      const t = q;
      while (b[q] >= 65 && b[q] <= 90) q++;
      if (q < n && b[q] !== 32) return undefined;
      if (q - t === 3) flags |= flagBit3(b[t], b[t + 1], b[t + 2]);
    }
    ev.window = win;
    ev.tcpFlags = flags;
  } else if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) {
    if (at4(q) !== SP_TYP || at4(q + 2) !== YPE_EQ) return undefined;
    const type = digitsAt(q + 6);
    q = numAt;
    if (q < 0 || at4(q) !== SP_COD || at4(q + 2) !== ODE_EQ) return undefined;
    const code = digitsAt(q + 6);
    q = numAt;
    if (q < 0) return undefined;
    ev.icmpType = type;
    ev.icmpCode = code;
  }
  commonEnd = q;
  return ev;
}

/** text(from, to), the same string as last time when the name is the same. */
function ifaceAt(b: Uint8Array, from: number, to: number): string {
  const len = to - from;
  if (len === ifaceLen) {
    let same = true;
    for (let k = 0; k < len; k++) {
      if (b[from + k] !== ifaceBytes[k]) {
        same = false;
        break;
      }
    }
    if (same) return ifaceText;
  }
  ifaceText = text(from, to);
  if (len <= ifaceBytes.length) {
    for (let k = 0; k < len; k++) ifaceBytes[k] = b[from + k];
    ifaceLen = len;
  } else {
    ifaceLen = -1;
  }
  return ifaceText;
}
