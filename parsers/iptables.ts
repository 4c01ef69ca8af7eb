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
import { canonicalIpv4, canonicalIpv6 } from '../src/net/ip.js';
import { newSyslogHeader, readSyslogHeader, tagIs } from '../src/syslog.js';
import { readIsoStamp } from '../src/time/stamps.js';
import {
  newEvent,
  type Action,
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

export function parseIptables(line: string, ctx: ParseContext): ParseResult {
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
  if (end - at === 3 && line.charCodeAt(at + 1) === 67 && line.charCodeAt(at + 2) === 80) {
    const c = line.charCodeAt(at);
    if (c === 84) return 6; // TCP
    if (c === 85) return 17; // UDP
  }
  return protoNumber(line.slice(at, end));
}

function address(text: string): string {
  return text.indexOf(':') >= 0 ? canonicalIpv6(text) : canonicalIpv4(text);
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
