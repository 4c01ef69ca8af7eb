/**
 * pfSense and OPNsense `filterlog`: one CSV record per pf log packet, behind a syslog header.
 *
 *   <134>Jul  3 19:10:30 filterlog[72237]: 146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,12617,0,DF,
 *     6,tcp,60,10.170.12.50,1.1.1.1,49724,853,0,S,1891286705,,64240,,mss;sackOK;TS;nop;wscale
 *   <134>1 2022-06-09T14:44:11-06:00 fw filterlog 76404 - [meta sequenceId="1"] 124,,,fae5…c2,ixl1,…
 *
 * Layout (Netgate "Raw Filter Log Format"; OPNsense ports filterlog/files/description.txt and the
 * printers beside it, which are the authority where the two disagree):
 *
 *   rule, subrule, anchor, tracker, interface, reason, action, direction, ipversion,
 *   v4: tos, ecn, ttl, id, offset, flags, protoid, prototext, length, src, dst
 *   v6: class, flowlabel, hoplimit, prototext, protoid, length, src, dst   (text and id swap places)
 *   tcp: srcport, dstport, datalen, flags, seq, ack, window, urg, options
 *   udp: srcport, dstport, datalen
 *   icmp: pfSense `request,id,seq` / `unreachport,dst,proto,port` / …; OPNsense 26+ `datalength=N,type,code,id,seq,mtu`
 *   carp: type, ttl, vhid, version, advskew, advbase;  anything else: `datalength=N`
 *
 * A non-first IPv4 fragment (offset > 0) stops after dst: it carries no ports. The printers may put
 * a note between the version and the first IP field (`error='truncated-ip 12 bytes missing!'`,
 * OPNsense `truncated-ip=N`); it is skipped.
 *
 * Fields are walked with indexOf(',') in place: nothing is split, and only the interface, the two
 * addresses and (for ICMP) the type name are sliced out of the line.
 */
import { canonicalIpv4, canonicalIpv6, ipv4NumberAt } from '../src/net/ip.js';
import { protoNumber, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../src/net/protocols.js';
import { newSyslogHeader, readSyslogHeader, tagIs } from '../src/syslog.js';
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

const header = newSyslogHeader();

const TAG = 'filterlog';
const PROTO_SCTP = 132;
/**
 * Commas a message needs to be taken for a record: the nine common fields. filterlog's own
 * messages (`Failed to initialize: …`) have none, so they come out as null, not as rejects.
 */
const MIN_COMMAS = 8;

/** Cheap test: the program name, then a comma somewhere after it. */
export function sniffFilterlog(line: string): boolean {
  const t = line.indexOf(TAG);
  return t >= 0 && line.indexOf(',', t + TAG.length) > 0;
}

// ---------------------------------------------------------------------------------------------
// Field cursor: the current field is [fs, fe); `end` is the line's end without trailing CR/space.
// Module-level so walking the record allocates nothing.

let fs = 0;
let fe = 0;
let end = 0;
/** The line's ParseContext.ipv4ByNumber: IPv4 addresses go in srcV4/dstV4, their text left empty. */
let byNumber = false;

function startFields(line: string, from: number): void {
  fs = from;
  const c = line.indexOf(',', from);
  fe = c < 0 || c > end ? end : c;
}

/** Move to the next field; false when the record has no more. */
function nextField(line: string): boolean {
  if (fe >= end) return false;
  fs = fe + 1;
  const c = line.indexOf(',', fs);
  fe = c < 0 || c > end ? end : c;
  return true;
}

/** Decimal value of [s, e), or -1 when empty or not all digits. */
function digits(line: string, s: number, e: number): number {
  if (e <= s || e - s > 10) return -1;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function fieldIs(line: string, text: string): boolean {
  return fe - fs === text.length && line.startsWith(text, fs);
}

function fieldStarts(line: string, text: string): boolean {
  return fe - fs >= text.length && line.startsWith(text, fs);
}

// ---------------------------------------------------------------------------------------------

export function parseFilterlog(line: string, ctx: ParseContext): ParseResult {
  end = line.length;
  byNumber = ctx.ipv4ByNumber === true;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 13 && c !== 10 && c !== 32 && c !== 9) break;
    end--;
  }
  if (end === 0) return null;

  // Framing: the record is the message of a syslog line whose program is `filterlog`.
  const stampOk = readSyslogHeader(line, ctx, header);
  let msg: number;
  if (!stampOk) {
    const t = line.indexOf(TAG);
    return t >= 0 && hasCommas(line, t, MIN_COMMAS) ? 'bad-timestamp' : null;
  }
  if (header.kind !== 'none') {
    if (!tagIs(line, header, TAG)) return null;
    msg = header.msgStart;
  } else {
    // No stamp we can read: `filterlog[123]: …` alone is fine (time unknown); a line that has
    // something before the program name is a syslog frame whose stamp is broken.
    const t = line.indexOf(TAG, header.msgStart);
    if (t < 0) return null;
    const after = line.charCodeAt(t + TAG.length);
    if (after !== 58 && after !== 91 && after !== 32) return null;
    if (t !== header.msgStart) return hasCommas(line, t, MIN_COMMAS) ? 'bad-timestamp' : null;
    const colon = line.indexOf(': ', t);
    if (colon < 0) return null;
    msg = colon + 2;
  }
  while (line.charCodeAt(msg) === 32) msg++;

  // filterlog also logs its own troubles (`Failed to initialize: …`): not records, so not rejects.
  if (!hasCommas(line, msg, MIN_COMMAS)) return null;

  // Variants as the oracle names them: RFC 5424, or the BSD layout (rsyslog's RFC 3339 stamps and
  // a missing stamp keep that layout too).
  const ev = newEvent('filterlog', header.kind === 'rfc5424' ? 'rfc5424' : 'bsd-syslog');
  ev.time = header.time;
  return readRecord(line, msg, ev);
}

export const filterlogParser: Parser = { family: 'filterlog', sniff: sniffFilterlog, parse: parseFilterlog };

function hasCommas(line: string, from: number, n: number): boolean {
  let i = from - 1;
  for (let k = 0; k < n; k++) {
    i = line.indexOf(',', i + 1);
    if (i < 0 || i >= end) return false;
  }
  return true;
}

function readRecord(line: string, msg: number, ev: PacketEvent): ParseResult {
  // rule, subrule, anchor, tracker
  startFields(line, msg);
  if (fe > fs && digits(line, fs, fe) < 0) return 'malformed';
  if (!nextField(line) || !nextField(line) || !nextField(line) || !nextField(line)) return 'bad-field-count';
  // interface
  if (fe > fs) ev.iface = line.slice(fs, fe);
  if (!nextField(line) || !nextField(line)) return 'bad-field-count'; // reason, action
  const action = actionOf(line);
  if (action === null) return 'bad-action';
  ev.action = action;
  if (!nextField(line)) return 'bad-field-count';
  const dir = directionOf(line);
  if (dir === null) return 'malformed';
  ev.direction = dir;
  if (!nextField(line)) return 'bad-field-count';
  const version = fe - fs === 1 ? line.charCodeAt(fs) : 0;
  if (!nextField(line) || !skipNote(line)) return 'truncated';
  if (version === 52) return readIpv4(line, ev);
  if (version === 54) return readIpv6(line, ev);
  return 'malformed';
}

/**
 * A printer's note in place of the first IP field (`error='truncated-ip …'`, `truncated-ip=N`):
 * skip it when real fields follow. False when the record stops there (too short to read).
 */
function skipNote(line: string): boolean {
  if (fieldStarts(line, '0x')) return true;
  if (fieldStarts(line, 'error=') || fieldStarts(line, 'truncated-ip')) {
    if (!nextField(line)) return false;
    return fieldStarts(line, '0x');
  }
  return false;
}

function readIpv4(line: string, ev: PacketEvent): ParseResult {
  // tos (current), ecn, ttl, id, offset, flags, protoid, prototext, length, src, dst
  if (!nextField(line) || !nextField(line)) return 'bad-field-count';
  ev.ttl = digits(line, fs, fe);
  if (!nextField(line)) return 'bad-field-count';
  ev.ipId = digits(line, fs, fe);
  if (!nextField(line)) return 'bad-field-count';
  const offset = digits(line, fs, fe);
  if (ev.ttl < 0 || ev.ipId < 0 || offset < 0) return 'malformed';
  if (!nextField(line) || !nextField(line)) return 'bad-field-count'; // flags, protoid
  const idStart = fs;
  const idEnd = fe;
  if (!nextField(line)) return 'bad-field-count';
  const proto = protocolOf(line, idStart, idEnd, fs, fe);
  if (proto < 0) return 'bad-protocol';
  ev.proto = proto;
  if (!nextField(line)) return 'bad-field-count';
  ev.length = digits(line, fs, fe);
  if (ev.length < 0) return 'malformed';
  const addr = readAddresses(line, ev, false);
  if (addr !== null) return addr;
  // A later fragment has no transport header: the record ends after dst.
  if (offset > 0) return ev;
  return readTransport(line, ev, false);
}

function readIpv6(line: string, ev: PacketEvent): ParseResult {
  // class (current), flowlabel, hoplimit, prototext, protoid, payload length, src, dst
  if (!nextField(line)) return 'bad-field-count';
  if (!fieldStarts(line, '0x')) return 'malformed';
  if (!nextField(line)) return 'bad-field-count';
  ev.ttl = digits(line, fs, fe);
  if (ev.ttl < 0) return 'malformed';
  if (!nextField(line)) return 'bad-field-count';
  const textStart = fs;
  const textEnd = fe;
  if (!nextField(line)) return 'bad-field-count';
  const proto = protocolOf(line, fs, fe, textStart, textEnd);
  if (proto < 0) return 'bad-protocol';
  ev.proto = proto;
  if (!nextField(line)) return 'bad-field-count';
  const payload = digits(line, fs, fe);
  if (payload < 0) return 'malformed';
  ev.length = payload + 40;
  const addr = readAddresses(line, ev, true);
  if (addr !== null) return addr;
  return readTransport(line, ev, true);
}

/**
 * The protocol from the number field, checked against the text field. Both are printed from the
 * same header byte, so a known name that names another number means the columns are shifted.
 */
function protocolOf(line: string, idStart: number, idEnd: number, textStart: number, textEnd: number): number {
  const id = digits(line, idStart, idEnd);
  const named = commonProto(line, textStart, textEnd);
  if (id >= 0) {
    if (id > 255 || (named >= 0 && named !== id)) return -1;
    return id;
  }
  if (named >= 0) return named;
  // No number: fall back to the name (an unusual printer), which allocates, but only here.
  return textEnd > textStart ? protoNumber(line.slice(textStart, textEnd)) : -1;
}

/** The names filterlog prints for the common protocols, any case, without a slice. */
function commonProto(line: string, s: number, e: number): number {
  switch (e - s) {
    case 3:
      if (eqIgnoreCase(line, s, 'tcp')) return PROTO_TCP;
      if (eqIgnoreCase(line, s, 'udp')) return PROTO_UDP;
      return -1;
    case 4:
      if (eqIgnoreCase(line, s, 'icmp')) return PROTO_ICMP;
      if (eqIgnoreCase(line, s, 'igmp')) return 2;
      return -1;
    case 6:
      return eqIgnoreCase(line, s, 'icmpv6') ? PROTO_ICMPV6 : -1;
    case 9:
      return eqIgnoreCase(line, s, 'ipv6-icmp') ? PROTO_ICMPV6 : -1;
    default:
      return -1;
  }
}

/** Whether line[s…] equals the lower-case ASCII `lower`, ignoring case. */
function eqIgnoreCase(line: string, s: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((line.charCodeAt(s + i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** src, dst (the next two fields); null when both are good. */
function readAddresses(line: string, ev: PacketEvent, v6: boolean): ParseResult {
  if (byNumber && !v6) {
    // The parse worker's consumer reads IPv4 by number: no slice, no text, no parse of it again.
    if (!nextField(line)) return 'missing-src';
    ev.srcV4 = ipv4NumberAt(line, fs, fe);
    if (!nextField(line)) return 'missing-dst';
    ev.dstV4 = ipv4NumberAt(line, fs, fe);
    return ev.srcV4 < 0 || ev.dstV4 < 0 ? 'bad-address' : null;
  }
  if (!nextField(line)) return 'missing-src';
  const src = line.slice(fs, fe);
  if (!nextField(line)) return 'missing-dst';
  const dst = line.slice(fs, fe);
  ev.src = v6 ? canonicalIpv6(src) : canonicalIpv4(src);
  ev.dst = v6 ? canonicalIpv6(dst) : canonicalIpv4(dst);
  if (ev.src === '' || ev.dst === '') return 'bad-address';
  return null;
}

function readTransport(line: string, ev: PacketEvent, v6: boolean): ParseResult {
  const proto = ev.proto;
  if (proto === PROTO_TCP || proto === PROTO_UDP || proto === PROTO_SCTP) {
    if (!nextField(line)) return 'bad-field-count';
    // `errormsg='tcp 0 [bad hdr length 4 - too short < 20]'`: a TCP header too short to read.
    if (fieldStarts(line, 'errormsg=')) return ev;
    const spt = digits(line, fs, fe);
    if (!nextField(line)) return 'bad-field-count';
    const dpt = digits(line, fs, fe);
    if (spt < 0 || spt > 65535 || dpt < 0 || dpt > 65535) return 'bad-port';
    ev.srcPort = spt;
    ev.dstPort = dpt;
    if (!nextField(line)) return 'bad-field-count'; // datalen
    if (proto === PROTO_TCP) return readTcp(line, ev);
    // UDP and SCTP end at datalen; anything after it means the columns are not what they seem.
    return fe < end ? 'bad-field-count' : ev;
  }
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) {
    // pfSense prints nothing after dst for ICMPv6 (its decoder is compiled out).
    if (nextField(line)) readIcmp(line, ev, v6 || proto === PROTO_ICMPV6);
    return ev;
  }
  // CARP/VRRP, IGMP, ESP …: `datalength=N` or the CARP fields; nothing a report needs.
  return ev;
}

/** flags, seq, ack, window, urg, options (options may hold `[bad opt],>` and so more commas). */
function readTcp(line: string, ev: PacketEvent): ParseResult {
  if (!nextField(line)) return 'bad-field-count';
  let flags = 0;
  for (let i = fs; i < fe; i++) {
    const bit = tcpFlagBit(line.charCodeAt(i));
    if (bit === 0) return 'malformed';
    flags |= bit;
  }
  ev.tcpFlags = flags;
  if (!nextField(line) || !nextField(line) || !nextField(line)) return 'bad-field-count'; // seq, ack, window
  ev.window = digits(line, fs, fe);
  if (!nextField(line) || !nextField(line)) return 'bad-field-count'; // urg, options
  return ev;
}

/** filterlog's TCP flag letters (print-tcp.c: F S R P A U E C). */
function tcpFlagBit(c: number): number {
  switch (c) {
    case 70: // F
      return TCP_FIN;
    case 83: // S
      return TCP_SYN;
    case 82: // R
      return TCP_RST;
    case 80: // P
      return TCP_PSH;
    case 65: // A
      return TCP_ACK;
    case 85: // U
      return TCP_URG;
    case 69: // E
      return TCP_ECE;
    case 67: // C
      return TCP_CWR;
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// ICMP

/** pfSense's words (print-icmp.c): [type, code] (code -1 when the word does not say). */
const PFSENSE_ICMP: Record<string, readonly [number, number]> = {
  request: [8, -1],
  reply: [0, -1],
  unreachproto: [3, 2],
  unreachport: [3, 3],
  unreach: [3, -1],
  needfrag: [3, 4],
  redirect: [5, -1],
  timexceed: [11, -1],
  paramprob: [12, -1],
  maskreply: [18, -1],
  tstamp: [13, -1],
  tstampreply: [14, -1],
};

/** OPNsense 26+ type keywords (pf.conf(5) icmp-type), IPv4. */
const ICMP4_TYPES: Record<string, number> = {
  echorep: 0, unreach: 3, squench: 4, redir: 5, althost: 6, echoreq: 8, routeradv: 9, routersol: 10,
  timex: 11, paramprob: 12, timereq: 13, timerep: 14, inforeq: 15, inforep: 16, maskreq: 17, maskrep: 18,
  trace: 30, dataconv: 31, mobredir: 32, 'ipv6-where': 33, 'ipv6-here': 34, mobregreq: 35, mobregrep: 36,
  skip: 39, photuris: 40,
};

/** icmp6-type keywords. */
const ICMP6_TYPES: Record<string, number> = {
  unreach: 1, toobig: 2, timex: 3, paramprob: 4, echoreq: 128, echorep: 129, listqry: 130, listenrep: 131,
  listendone: 132, routersol: 133, routeradv: 134, neighbrsol: 135, neighbradv: 136, redir: 137,
  routrrenum: 138, niqry: 139, nirep: 140, listenrepv2: 143, mtraceresp: 200, mtrace: 201,
};

/** icmp-code keywords, for both families (the same word means the same code where both have it). */
const ICMP4_CODES: Record<string, number> = {
  'net-unr': 0, 'host-unr': 1, 'proto-unr': 2, 'port-unr': 3, needfrag: 4, srcfail: 5, 'net-unk': 6,
  'host-unk': 7, isolate: 8, 'net-prohib': 9, 'host-prohib': 10, 'net-tos': 11, 'host-tos': 12,
  'filter-prohib': 13, 'host-preced': 14, 'cutoff-preced': 15, 'redir-net': 0, 'redir-host': 1,
  'redir-tos-net': 2, 'redir-tos-host': 3, 'normal-adv': 0, 'common-adv': 16, transit: 0, reassemb: 1,
  badhead: 0, optmiss: 1, badlen: 2,
};

const ICMP6_CODES: Record<string, number> = {
  'noroute-unr': 0, 'admin-unr': 1, 'beyond-unr': 2, 'addr-unr': 3, 'port-unr': 4, transit: 0, reassemb: 1,
  badhead: 0, nxthdr: 1, redironlink: 0, redirrouter: 1,
};

/** The current field is the first after dst. ICMP detail never rejects a line: it is extra. */
function readIcmp(line: string, ev: PacketEvent, v6: boolean): void {
  if (fieldStarts(line, 'datalength=')) {
    // OPNsense 26+: datalength=N, type, code, id, seq, mtu. Older printers stop at datalength.
    if (!nextField(line) || fe === fs) return;
    ev.icmpType = keywordOrNumber(line, v6 ? ICMP6_TYPES : ICMP4_TYPES);
    if (ev.icmpType < 0 || !nextField(line)) return;
    ev.icmpCode = keywordOrNumber(line, v6 ? ICMP6_CODES : ICMP4_CODES);
    return;
  }
  // pfSense: the first word names the type (`routeradv` runs into its lifetime, `redirect,` may too).
  let wordEnd = fs;
  while (wordEnd < fe && isLowerAlpha(line.charCodeAt(wordEnd))) wordEnd++;
  if (wordEnd === fs) return;
  const known = PFSENSE_ICMP[line.slice(fs, wordEnd)];
  if (known !== undefined) {
    ev.icmpType = v6 ? icmp6Of(known[0]) : known[0];
    ev.icmpCode = v6 ? -1 : known[1];
  } else if (line.startsWith('routeradv', fs)) {
    ev.icmpType = v6 ? 134 : 9;
  }
}

/** pfSense's IPv4 words applied to an ICMPv6 record: echo request and reply are the ones it prints. */
function icmp6Of(type4: number): number {
  if (type4 === 8) return 128;
  if (type4 === 0) return 129;
  return -1;
}

function isLowerAlpha(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** A keyword of `table`, `unknown(N)`, or a plain number, in the current field; -1 otherwise. */
function keywordOrNumber(line: string, table: Record<string, number>): number {
  const n = digits(line, fs, fe);
  if (n >= 0) return n <= 255 ? n : -1;
  if (fieldStarts(line, 'unknown(')) {
    const v = digits(line, fs + 8, fe - 1);
    return v <= 255 ? v : -1;
  }
  const v = table[line.slice(fs, fe)];
  return v === undefined ? -1 : v;
}

// ---------------------------------------------------------------------------------------------

/**
 * The action field: pfSense and OPNsense print `pass`, `block`, the NAT words and `scrub`, or
 * `unkn(%u)` (pfSense prints the format itself) / `unknown(N)` (OPNsense). Anything else means the
 * columns are off: null.
 */
function actionOf(line: string): Action | null {
  if (fieldIs(line, 'block') || fieldIs(line, 'synproxy-drop')) return 'block';
  if (fieldIs(line, 'pass')) return 'allow';
  if (
    fieldIs(line, 'scrub') ||
    fieldIs(line, 'nat') ||
    fieldIs(line, 'binat') ||
    fieldIs(line, 'rdr') ||
    fieldIs(line, 'match') ||
    fieldStarts(line, 'unkn')
  ) {
    return 'unknown';
  }
  return null;
}

function directionOf(line: string): Direction | null {
  if (fieldIs(line, 'in')) return 'in';
  if (fieldIs(line, 'out')) return 'out';
  if (fieldIs(line, 'in/out') || fieldStarts(line, 'unkn')) return 'unknown';
  return null;
}
