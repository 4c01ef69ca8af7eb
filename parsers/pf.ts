/**
 * pf logs as tcpdump prints them from pflog (`tcpdump -n -e -ttt -r /var/log/pflog`, or `-i pflog0`):
 *
 *   Mar 29 19:32:17.184835 rule 4/(match) [uid 0, pid 10758] block in on em0: 192.168.56.1.53614 >
 *     192.168.56.101.1435: S [tcp sum ok] 786092310:786092310(0) win 3072 <mss 1460> (ttl 42, id 1076, len 44)
 *   Mar 30 15:33:26 enigma pf: Mar 30 15:32:33.483712 rule 2/(match) pass in on xl0: 140.211.166.3.6667 > …
 *   2024-01-02 03:04:05.123456 rule 1/0(match): block in on vtnet0: 1.2.3.4.5555 > 5.6.7.8.3089: Flags [S], …
 *
 * The pf header (OpenBSD print-pflog.c, tcpdump.org print-pflog.c):
 *
 *   rule N[.ANCHOR.M|.def]/(reason) [[uid U, pid P]] ACTION DIR on IFACE: [[uid U, pid P]] [[rewritten: …]]  OpenBSD
 *   rule N[.ANCHOR.M]/R(reason)[ [uid U]][ [ridentifier I]]: ACTION DIR on IFACE:                          tcpdump.org
 *
 * is read from ` on ` backwards (action and direction are the two words before it), so whatever a
 * tcpdump version prints between the rule and the action does not matter. Then the packet:
 * `SRC > DST: payload`, the port after the last dot of an address, the transport named by the
 * payload's syntax (pf does not print it): TCP flags (`S 1:1(0)`, `. ack`, `Flags [S.]`, `[|tcp]`),
 * `icmp:`/`ICMP`, `icmp6:`/`ICMP6`, `igmp`, `ip-proto-N`; ports and any other payload (`udp 73`,
 * decoded DNS, NTP, DHCP) mean UDP. `-v` adds an IP block: OpenBSD at the end (`(ttl 42, id 1076, len
 * 44)`); tcpdump.org before the addresses, `(tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto TCP
 * (6), length 60)`, and for IPv4 it then breaks the line: the addresses follow on the next line,
 * indented. That header line is kept in `ctx.state.pf` and completed by the next line of the input.
 *
 * Times: a dated stamp (`Mar 29 19:32:17.184835`, `2024-01-02 03:04:05.123456`) or `-tt` epoch
 * seconds gives the time; a time of day alone or a `-ttt` delta (`00:00:00.000012`, `000012`) does
 * not (NaN). Wrapped in syslog, the inner tcpdump stamp wins over the syslog one when it has a date.
 */
import { canonicalIpv4, canonicalIpv6, ipv4NumberAt, isIpv6At } from '../src/net/ip.js';
import { hasPorts, PROTO_ICMP, PROTO_ICMPV6, PROTO_IGMP, PROTO_TCP, PROTO_UDP } from '../src/net/protocols.js';
import { newSyslogHeader, readSyslogHeader } from '../src/syslog.js';
import { isIsoDateAt, monthAt, readBsdStamp, readIsoStamp } from '../src/time/stamps.js';
import {
  newEvent,
  type Action,
  type Direction,
  type PacketEvent,
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

/** Per-input state: a `-v` IPv4 header line waiting for the line that carries its addresses. */
interface PfState {
  pending: PacketEvent | null;
}

const header = newSyslogHeader();

const RULE = 'rule ';
const ON = ' on ';

/** The pf header (`rule N…/… on IFACE`), or a `-v` continuation line (indented `SRC > DST`). */
export function sniffPf(line: string): boolean {
  const r = findRule(line);
  if (r >= 0) return line.indexOf(ON, r) > 0;
  return isContinuation(line);
}

export function parsePf(line: string, ctx: ParseContext): ParseResult {
  end = line.length;
  byNumber = ctx.ipv4ByNumber === true;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 13 && c !== 10 && c !== 32 && c !== 9) break;
    end--;
  }
  const state = stateOf(ctx);
  const r = findRule(line);
  if (r < 0) {
    // Not a pf header: the second line of a `-v` record, or nothing of ours.
    const pending = state.pending;
    if (pending === null || !isContinuation(line)) return null;
    state.pending = null;
    let p = 0;
    while (isBlank(line.charCodeAt(p))) p++;
    return readPacket(line, p, pending, state);
  }
  state.pending = null;

  const ev = newEvent('pf', 'tcpdump');
  if (!readFraming(line, r, ctx, ev)) return 'bad-timestamp';

  // Action and direction: the two words before ` on `.
  const onAt = line.indexOf(ON, r);
  if (onAt < 0 || onAt >= end) return 'malformed';
  const dirStart = line.lastIndexOf(' ', onAt - 1) + 1;
  const actStart = line.lastIndexOf(' ', dirStart - 2) + 1;
  const slash = line.indexOf('/', r);
  if (dirStart <= r || actStart <= r || slash < 0 || slash >= actStart) return 'malformed';
  ev.action = actionOf(line, actStart, dirStart - 1);
  ev.direction = directionOf(line, dirStart, onAt);

  // Interface, up to the colon that ends the pf header.
  const ifStart = onAt + ON.length;
  const colon = line.indexOf(':', ifStart);
  if (colon < 0 || colon >= end) return 'truncated';
  const sp = line.indexOf(' ', ifStart);
  if (sp >= 0 && sp < colon) return 'malformed';
  if (colon > ifStart) ev.iface = line.slice(ifStart, colon);

  // OpenBSD -v: `[uid 0, pid 123] ` and `[rewritten: src …, dst …] ` before the packet.
  let p = colon + 1;
  for (;;) {
    while (line.charCodeAt(p) === 32) p++;
    if (line.charCodeAt(p) !== 91 || !(line.startsWith('[uid ', p) || line.startsWith('[rewritten', p))) break;
    const close = line.indexOf(']', p);
    if (close < 0 || close >= end) return 'truncated';
    p = close + 1;
  }
  return readPacket(line, p, ev, state);
}

export const pfParser: Parser = { family: 'pf', sniff: sniffPf, parse: parsePf };

function stateOf(ctx: ParseContext): PfState {
  let s = ctx.state.pf as PfState | undefined;
  if (s === undefined) {
    s = { pending: null };
    ctx.state.pf = s;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Line scanning

/** The line's end without trailing CR, LF or blanks (set once per parse). */
let end = 0;
/** The line's ParseContext.ipv4ByNumber: IPv4 addresses go in srcV4/dstV4, their text left empty. */
let byNumber = false;
/** Index just past the digits read by numberAt. */
let numEnd = 0;

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Decimal number at `i` (at most 10 digits), or -1; numEnd is left past it. */
function numberAt(line: string, i: number): number {
  let n = 0;
  let k = i;
  while (k < end && k - i < 10) {
    const d = line.charCodeAt(k) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
    k++;
  }
  numEnd = k;
  return k === i ? -1 : n;
}

/** The number after `key` in [from, to), or -1. */
function numberAfter(line: string, key: string, from: number, to: number): number {
  const k = line.indexOf(key, from);
  if (k < 0 || k + key.length >= to) return -1;
  return numberAt(line, k + key.length);
}

/**
 * Index of the pf header's `rule ` or -1: at the start or after a blank, then a word that begins
 * with a rule number (or `def`) and holds the `/` and the `(` of the reason (`4/(match)`,
 * `1/0(match):`, `3.sub.1/0(match)`, `def/(unkn 15)`).
 */
function findRule(line: string): number {
  let i = line.indexOf(RULE);
  while (i >= 0) {
    const w = i + RULE.length;
    if ((i === 0 || line.charCodeAt(i - 1) === 32) && (isDigit(line.charCodeAt(w)) || line.startsWith('def', w))) {
      let sp = line.indexOf(' ', w);
      if (sp < 0) sp = line.length;
      const slash = line.indexOf('/', w);
      if (slash > w && slash < sp) {
        const paren = line.indexOf('(', slash);
        if (paren > slash && paren < sp) return i;
      }
    }
    i = line.indexOf(RULE, i + 1);
  }
  return -1;
}

/** An indented `SRC > DST…` line: the second line of a tcpdump.org `-v` IPv4 record. */
function isContinuation(line: string): boolean {
  if (!isBlank(line.charCodeAt(0))) return false;
  let p = 1;
  while (isBlank(line.charCodeAt(p))) p++;
  const c = line.charCodeAt(p) | 0x20;
  if (!(isDigit(line.charCodeAt(p)) || (c >= 97 && c <= 102) || c === 0x3a)) return false;
  const gt = line.indexOf(' > ', p);
  return gt > p && line.indexOf(' ', p) === gt;
}

// ---------------------------------------------------------------------------------------------
// Framing and time

/**
 * Time and variant from the text before `rule` at `r`. False when a stamp is there but broken.
 *   [stamp ]rule …                    bare tcpdump output ('tcpdump')
 *   syslog-header pf: [stamp ]rule …  forwarded by syslog ('syslog-wrapped')
 */
function readFraming(line: string, r: number, ctx: ParseContext, ev: PacketEvent): boolean {
  if (r === 0) return true;
  if (!readSyslogHeader(line, ctx, header)) return false;
  if (header.kind !== 'none') {
    ev.time = header.time;
    if (header.bodyStart >= r) return true; // the stamp was tcpdump's own
    ev.variant = 'syslog-wrapped';
    // tcpdump's stamp inside the message, when it has a date, is the packet's own time.
    const m = header.msgStart;
    if (m < r) {
      let inner = NaN;
      if (isIsoDateAt(line, m)) inner = readIsoStamp(line, m, ctx);
      else if (monthAt(line, m) >= 0) inner = readBsdStamp(line, m, ctx);
      if (!Number.isNaN(inner)) ev.time = inner;
    }
    return true;
  }
  // No date: a time of day, a -ttt delta, -tt epoch seconds, or a syslog tag without a stamp
  // (stamps hold no `: `, tags end in one).
  const tag = line.indexOf(': ');
  if (tag >= 0 && tag < r) ev.variant = 'syslog-wrapped';
  ev.time = epochSeconds(line, r);
  return true;
}

/** `-tt` stamps: `1711740737.184835 rule …` (at least 9 integer digits, so never a delta). */
function epochSeconds(line: string, r: number): number {
  const sec = numberAt(line, 0);
  if (sec < 0 || numEnd < 9) return NaN;
  let ms = 0;
  let i = numEnd;
  if (line.charCodeAt(i) === 46) {
    const f = numberAt(line, i + 1);
    const places = numEnd - i - 1;
    if (f >= 0 && places > 0) ms = Math.floor((f / 10 ** places) * 1000);
    i = numEnd;
  }
  while (line.charCodeAt(i) === 32) i++;
  return i === r ? sec * 1000 + ms : NaN;
}

// ---------------------------------------------------------------------------------------------
// Packet

/**
 * The packet text at `p`: `[IP ][(-v block) ]SRC > DST: payload`. A tcpdump.org `-v` IPv4 line
 * stops after the block; it is kept as pending and the result is null.
 */
function readPacket(line: string, p: number, ev: PacketEvent, state: PfState): ParseResult {
  if (line.startsWith('IP6 ', p)) p += 4;
  else if (line.startsWith('IP ', p)) p += 3;
  let fragment = false;
  if (line.charCodeAt(p) === 40) {
    const close = closingParen(line, p);
    if (close < 0) return 'truncated';
    fragment = readVerboseBlock(line, p, close, ev);
    p = close + 1;
    while (isBlank(line.charCodeAt(p))) p++;
    if (p >= end) {
      state.pending = ev;
      return null;
    }
  }
  if (p >= end) return 'missing-src';

  // SRC > DST
  const gt = line.indexOf(' > ', p);
  if (gt < 0 || gt >= end) return 'missing-dst';
  const sp = line.indexOf(' ', p);
  if (sp < gt) return 'malformed';
  const dStart = gt + 3;
  let tokEnd = line.indexOf(' ', dStart);
  if (tokEnd < 0 || tokEnd > end) tokEnd = end;
  let dEnd: number;
  let q: number;
  if (line.charCodeAt(tokEnd - 1) === 58) {
    dEnd = tokEnd - 1;
    q = tokEnd;
  } else {
    // `ff02::1:2.547:dhcp6 solicit`: the payload runs into the address; it starts after `.port:`.
    const runOn = portColon(line, dStart, tokEnd);
    if (runOn >= 0) {
      dEnd = runOn;
      q = runOn + 1;
    } else {
      dEnd = tokEnd;
      q = tokEnd;
    }
  }
  while (isBlank(line.charCodeAt(q))) q++;

  const srcDot = portDot(line, p, gt);
  const dstDot = portDot(line, dStart, dEnd);
  const srcEnd = srcDot < 0 ? gt : srcDot;
  const dstEnd = dstDot < 0 ? dEnd : dstDot;
  const v6 = isIpv6At(line, p, srcEnd);
  const dstV6 = isIpv6At(line, dStart, dstEnd);
  if (byNumber && !v6 && !dstV6) {
    // The parse worker's consumer reads IPv4 by number: no slice, no text, no parse of it again.
    ev.srcV4 = ipv4NumberAt(line, p, srcEnd);
    ev.dstV4 = ipv4NumberAt(line, dStart, dstEnd);
    if (ev.srcV4 < 0 || ev.dstV4 < 0) return 'bad-address';
  } else {
    ev.src = v6 ? canonicalIpv6(line.slice(p, srcEnd)) : canonicalIpv4(line.slice(p, srcEnd));
    ev.dst = dstV6 ? canonicalIpv6(line.slice(dStart, dstEnd)) : canonicalIpv4(line.slice(dStart, dstEnd));
    if (ev.src === '' || ev.dst === '') return 'bad-address';
  }
  let spt = -1;
  let dpt = -1;
  if (srcDot >= 0 && dstDot >= 0) {
    spt = numberAt(line, srcDot + 1);
    if (numEnd !== gt) return 'bad-port';
    dpt = numberAt(line, dstDot + 1);
    if (numEnd !== dEnd) return 'bad-port';
    if (spt > 65535 || dpt > 65535) return 'bad-port';
  }

  if (ev.proto < 0) ev.proto = protocolOf(line, q, spt >= 0, v6);
  if (ev.proto < 0) return 'bad-protocol';
  if (hasPorts(ev.proto) && !fragment) {
    ev.srcPort = spt;
    ev.dstPort = dpt;
  }
  if (ev.proto === PROTO_TCP) readTcp(line, q, ev);
  else if (ev.proto === PROTO_ICMP || ev.proto === PROTO_ICMPV6) readIcmp(line, q, ev);
  readOpenBsdTail(line, q, ev);
  return ev;
}

/** Index of the `)` that closes the `(` at `open`, or -1. */
function closingParen(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
  }
  return -1;
}

/**
 * tcpdump.org `-v`: `(tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto TCP (6), length 60)` or,
 * for IPv6, `(flowlabel 0x1, hlim 255, next-header ICMPv6 (58) payload length: 32)`. Returns whether
 * the packet is a non-first fragment (no transport header to read ports from).
 */
function readVerboseBlock(line: string, open: number, close: number, ev: PacketEvent): boolean {
  let ttl = numberAfter(line, 'ttl ', open, close);
  if (ttl < 0) ttl = numberAfter(line, 'hlim ', open, close);
  ev.ttl = ttl;
  ev.ipId = numberAfter(line, ' id ', open, close);
  const len = numberAfter(line, ', length ', open, close);
  if (len >= 0) {
    ev.length = len;
  } else {
    const payload = numberAfter(line, 'payload length: ', open, close);
    if (payload >= 0) ev.length = payload + 40;
  }
  // `proto TCP (6)` / `next-header UDP (17)`: the number in the parentheses after the name.
  let k = line.indexOf('proto ', open);
  if (k < 0 || k > close) k = line.indexOf('next-header ', open);
  if (k >= 0 && k < close) {
    const paren = line.indexOf(' (', k);
    if (paren >= 0 && paren < close) {
      const n = numberAt(line, paren + 2);
      if (n >= 0 && n <= 255 && line.charCodeAt(numEnd) === 41) ev.proto = n;
    }
  }
  const offset = numberAfter(line, 'offset ', open, close);
  return offset > 0;
}

/** In a `SRC > DST` token [s, e): the dot before the port, or -1 when there is no port. */
function portDot(line: string, s: number, e: number): number {
  const lastColon = line.lastIndexOf(':', e - 1);
  const tailStart = lastColon >= s ? lastColon + 1 : s;
  let dots = 0;
  let last = -1;
  for (let i = tailStart; i < e; i++) {
    if (line.charCodeAt(i) === 46) {
      dots++;
      last = i;
    }
  }
  // IPv4 with a port has four dots; IPv6 with a port one after the last colon (or four, with an
  // embedded IPv4 tail). Three or none: no port.
  return dots === 1 || dots === 4 ? last : -1;
}

/** In [s, e): the colon of the first `.digits:` (an address's port followed by its payload), or -1. */
function portColon(line: string, s: number, e: number): number {
  let dot = line.indexOf('.', s);
  while (dot >= 0 && dot < e) {
    let i = dot + 1;
    while (i < e && isDigit(line.charCodeAt(i))) i++;
    if (i > dot + 1 && i < e && line.charCodeAt(i) === 58) return i;
    dot = line.indexOf('.', dot + 1);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Transport

/** Protocols tcpdump names by a keyword at the start of the payload. */
const KEYWORD_PROTOCOLS: readonly (readonly [string, number])[] = [
  ['icmp6', PROTO_ICMPV6],
  ['ICMP6', PROTO_ICMPV6],
  ['icmp', PROTO_ICMP],
  ['ICMP', PROTO_ICMP],
  ['igmp', PROTO_IGMP],
  ['IGMP', PROTO_IGMP],
  ['udp', PROTO_UDP],
  ['UDP', PROTO_UDP],
  ['tcp', PROTO_TCP],
  ['sctp', 132],
  ['esp', 50],
  ['ESP', 50],
  ['ah', 51],
  ['AH', 51],
  ['gre', 47],
  ['GRE', 47],
  ['carp', 112],
  ['CARP', 112],
  ['VRRP', 112],
  ['pim', 103],
  ['PIM', 103],
  ['OSPF', 89],
  ['ospf', 89],
];

/** The transport named by the payload at `q` (see the file comment); -1 when it cannot be told. */
function protocolOf(line: string, q: number, ports: boolean, v6: boolean): number {
  if (line.startsWith('Flags [', q) || line.startsWith('[|tcp]', q) || isOpenBsdTcpFlags(line, q)) return PROTO_TCP;
  if (line.startsWith('ip-proto-', q)) {
    const n = numberAt(line, q + 9);
    return n <= 255 ? n : -1;
  }
  for (const [word, proto] of KEYWORD_PROTOCOLS) {
    if (line.startsWith(word, q)) {
      const after = line.charCodeAt(q + word.length);
      // The keyword alone, or followed by what tcpdump prints after it (`icmp:`, `ICMP6,`, `GREv0`, `ESP(`).
      if (!(after >= 97 && after <= 122) || after === 118) {
        if (proto === PROTO_ICMP && v6) return PROTO_ICMPV6;
        return proto;
      }
    }
  }
  // With ports and no TCP syntax, it is UDP whose payload tcpdump decoded (DNS, NTP, DHCP …).
  return ports ? PROTO_UDP : -1;
}

/** OpenBSD's TCP: a word of flag letters (`S`, `FP`, `.`) then a sequence, `ack`, `win`, `[` or `<`. */
function isOpenBsdTcpFlags(line: string, q: number): boolean {
  let i = q;
  while (i < end && i - q < 8 && openBsdFlagBit(line.charCodeAt(i)) >= 0) i++;
  if (i === q || i - q === 8) return false;
  if (i === end) return true;
  if (line.charCodeAt(i) !== 32) return false;
  const c = line.charCodeAt(i + 1);
  return isDigit(c) || c === 91 || c === 60 || line.startsWith('ack ', i + 1) || line.startsWith('win ', i + 1);
}

/** OpenBSD tcpdump flag letters; `.` is "none of these" (0); -1 when not a flag letter. */
function openBsdFlagBit(c: number): number {
  switch (c) {
    case 83: // S
      return TCP_SYN;
    case 70: // F
      return TCP_FIN;
    case 82: // R
      return TCP_RST;
    case 80: // P
      return TCP_PSH;
    case 85: // U
      return TCP_URG;
    case 69: // E
      return TCP_ECE;
    case 87: // W
      return TCP_CWR;
    case 46: // .
      return 0;
    default:
      return -1;
  }
}

function readTcp(line: string, q: number, ev: PacketEvent): void {
  if (line.startsWith('Flags [', q)) {
    // tcpdump.org: `Flags [S.]`, `.` being ACK; `[none]` for no flags.
    const close = line.indexOf(']', q + 7);
    if (close < 0 || close >= end) return;
    let flags = 0;
    if (!line.startsWith('none', q + 7)) {
      for (let i = q + 7; i < close; i++) {
        const c = line.charCodeAt(i);
        flags |= c === 46 ? TCP_ACK : Math.max(0, openBsdFlagBit(c));
      }
    }
    ev.tcpFlags = flags;
  } else if (isOpenBsdTcpFlags(line, q)) {
    // OpenBSD: the letters, and ACK when an `ack N` follows.
    let flags = 0;
    let i = q;
    for (; i < end; i++) {
      const bit = openBsdFlagBit(line.charCodeAt(i));
      if (bit < 0) break;
      flags |= bit;
    }
    const ack = line.indexOf(' ack ', i - 1);
    const opts = line.indexOf(' <', i);
    if (ack >= 0 && ack < end && (opts < 0 || ack < opts)) flags |= TCP_ACK;
    ev.tcpFlags = flags;
  }
  const win = numberAfter(line, ' win ', q, end);
  if (win >= 0) ev.window = win;
}

/**
 * ICMP type and code from tcpdump's words (`icmp: echo request`, `ICMP 1.2.3.4 udp port 53
 * unreachable`, `ICMP6, neighbor solicitation`). Only the common messages; others stay -1.
 */
const ICMP_WORDS: readonly (readonly [string, number, number, number, number])[] = [
  // [words, v4 type, v4 code, v6 type, v6 code]
  ['echo request', 8, 0, 128, 0],
  ['echo reply', 0, 0, 129, 0],
  [' port ', 3, 3, 1, 4],
  ['protocol ', 3, 2, -1, -1],
  ['host ', 3, 1, 1, 3],
  ['net ', 3, 0, 1, 0],
  ['unreachable', 3, -1, 1, -1],
  ['time exceeded', 11, -1, 3, -1],
  ['packet too big', -1, -1, 2, 0],
  ['redirect', 5, -1, 137, 0],
  ['router advertisement', 9, 0, 134, 0],
  ['router solicitation', 10, 0, 133, 0],
  ['neighbor sol', -1, -1, 135, 0],
  ['neighbor adv', -1, -1, 136, 0],
  ['multicast listener report v2', -1, -1, 143, 0],
  ['multicast listener report', -1, -1, 131, 0],
  ['multicast listener query', -1, -1, 130, 0],
  ['parameter problem', 12, -1, 4, -1],
  ['time stamp', 13, 0, -1, -1],
];

function readIcmp(line: string, q: number, ev: PacketEvent): void {
  const v6 = ev.proto === PROTO_ICMPV6;
  const to = Math.min(end, q + 96);
  for (const [words, t4, c4, t6, c6] of ICMP_WORDS) {
    const k = line.indexOf(words, q);
    if (k < 0 || k + words.length > to) continue;
    // `host`, `net`, `port` and `protocol` only name a code inside an unreachable message.
    if ((words === ' port ' || words === 'protocol ' || words === 'host ' || words === 'net ') &&
        line.indexOf('unreachable', k) < 0) {
      continue;
    }
    const type = v6 ? t6 : t4;
    if (type < 0) continue;
    ev.icmpType = type;
    ev.icmpCode = v6 ? c6 : c4;
    return;
  }
}

/** OpenBSD `-v` puts the IP fields last: `(ttl 42, id 1076, len 44)` (also `(DF)`, `[tos 0x10]`). */
function readOpenBsdTail(line: string, q: number, ev: PacketEvent): void {
  const k = line.indexOf('(ttl ', q);
  if (k < 0 || k >= end) return;
  const close = line.indexOf(')', k);
  const to = close < 0 || close > end ? end : close;
  const ttl = numberAt(line, k + 5);
  if (ttl >= 0) ev.ttl = ttl;
  const id = numberAfter(line, ', id ', k, to);
  if (id >= 0) ev.ipId = id;
  const len = numberAfter(line, ', len ', k, to);
  if (len >= 0) ev.length = len;
}

// ---------------------------------------------------------------------------------------------

/** pf actions: pass, block (and synproxy-drop) decide; match and scrub only log, like ufw AUDIT. */
function actionOf(line: string, s: number, e: number): Action {
  const n = e - s;
  if (n === 4 && line.startsWith('pass', s)) return 'allow';
  if (n === 5 && line.startsWith('block', s)) return 'block';
  if (n === 13 && line.startsWith('synproxy-drop', s)) return 'block';
  if (n === 5 && (line.startsWith('match', s) || line.startsWith('scrub', s))) return 'audit';
  return 'unknown';
}

function directionOf(line: string, s: number, e: number): Direction {
  const n = e - s;
  if (n === 2 && line.startsWith('in', s)) return 'in';
  if (n === 3 && line.startsWith('out', s)) return 'out';
  return 'unknown';
}
