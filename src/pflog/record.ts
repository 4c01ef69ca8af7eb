/**
 * One pflog record: the pflog header pf prepends to a logged packet, then the IP packet itself.
 *
 * Header layouts (sys/net/if_pflog.h of each system; tcpdump print-pflog.c, Wireshark packet-pflog.c):
 *
 *   offset  field                                  OpenBSD ≥ 4.9   FreeBSD ≥ 14   classic   OpenBSD 3.4
 *   0       length (u8, before padding)                 100             69           61          45
 *   1       af (u8): 2 inet; inet6 24 (Open/Net/DragonFly), 28 (FreeBSD), 30 (macOS)
 *   2       action (u8), 3 reason (u8)
 *   4       ifname[16], 20 ruleset[16]             NUL-terminated
 *   36      rulenr, 40 subrulenr (u32)             network order; subrulenr 0xffffffff = no anchor rule
 *   44      uid, pid, rule_uid, rule_pid (32 bit)  the writer's host order (not in 3.4, whose dir is at 44)
 *   60      dir (u8)
 *   61      OpenBSD: rewritten, naf, pad, saddr[16], daddr[16], sport, dport (the translated addresses)
 *           FreeBSD: pad[3], ridentifier (u32, network order), reserve, pad2[3]
 *
 * "classic" is the 61-byte header of OpenBSD 3.8–4.8, NetBSD, DragonFly, macOS and FreeBSD < 14.
 * The packet starts at `length` rounded up to a multiple of 4 (BPF_WORDALIGN as tcpdump and
 * Wireshark apply it), so a layout this decoder has never seen still finds its packet.
 *
 * uid/pid are in the byte order of the host that wrote them; pflogd writes the pcap file in that
 * same order, so they are read in the file's order (Wireshark guesses the reader's order instead).
 *
 * Event fields come from the IP packet (what travelled on the wire), not from the OpenBSD
 * saddr/daddr fields, which hold the addresses after NAT when `rewritten` is set.
 */
import { formatIpv6, numberToIpv4 } from '../net/ip.js';
import { hasPorts, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP } from '../net/protocols.js';
import type { Action, Direction, PacketEvent, RejectReason } from '../types.js';

/** The decoded pflog header of the current record (reused: copy what you keep). */
export interface PflogHeader {
  /** `length` as written (unpadded) and the padded size the packet starts after. */
  length: number;
  paddedLength: number;
  af: number;
  action: number;
  reason: number;
  ifname: string;
  ruleset: string;
  rulenr: number;
  /** 0xffffffff when the rule is not in an anchor. */
  subrulenr: number;
  /** -1 when the layout has no such field (OpenBSD 3.4). uid 0xffffffff means "no user lookup". */
  uid: number;
  pid: number;
  ruleUid: number;
  rulePid: number;
  dir: number;
  /** OpenBSD ≥ 4.9: 1 when pf rewrote the packet (NAT); -1 on other layouts. */
  rewritten: number;
  /** FreeBSD ≥ 14: the rule's `ridentifier`; -1 on other layouts. */
  ridentifier: number;
}

export function newPflogHeader(): PflogHeader {
  return {
    length: 0,
    paddedLength: 0,
    af: 0,
    action: 0,
    reason: 0,
    ifname: '',
    ruleset: '',
    rulenr: 0,
    subrulenr: 0,
    uid: -1,
    pid: -1,
    ruleUid: -1,
    rulePid: -1,
    dir: 0,
    rewritten: -1,
    ridentifier: -1,
  };
}

/** Header lengths (unpadded) of the known layouts. */
export const PFLOG_LEN_OPENBSD = 100;
export const PFLOG_LEN_FREEBSD = 69;
export const PFLOG_LEN_CLASSIC = 61;
export const PFLOG_LEN_OPENBSD_3_4 = 45;

/** Variant name of a header length: which system's layout wrote it. */
export function pflogVariant(length: number): string {
  if (length >= PFLOG_LEN_OPENBSD) return 'openbsd';
  if (length >= PFLOG_LEN_FREEBSD) return 'freebsd';
  if (length >= PFLOG_LEN_CLASSIC) return 'classic';
  return 'openbsd-3.4';
}

const AF_INET = 2;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

/**
 * pf logs the action of the rule that decided. Only pass and block are filter decisions:
 * - PF_PASS 0 → allow; PF_DROP 1 → block (covers `block return` too).
 * - PF_SYNPROXY_DROP 10 (FreeBSD logs the action pf_test returns) is the SYN of a
 *   `pass … synproxy state` rule: pf answers the handshake itself and lets the connection through
 *   once it completes, so the policy said allow.
 * - scrub/noscrub 2–3, nat/rdr/binat and their no- forms 4–9, defer 11, match 12 (the packet's
 *   fate is decided by a later rule), OpenBSD divert/route-to/af-to 13–15, macOS dummynet/nat64
 *   11–14: not a pass/block decision → 'unknown'.
 */
function actionOf(a: number): Action {
  if (a === 0 || a === 10) return 'allow';
  if (a === 1) return 'block';
  return 'unknown';
}

/** PF_IN 1 → in, PF_OUT 2 → out, OpenBSD PF_FWD 3 → fwd; PF_INOUT 0 (rule matched both) → unknown. */
function directionOf(d: number): Direction {
  switch (d) {
    case 1:
      return 'in';
    case 2:
      return 'out';
    case 3:
      return 'fwd';
    default:
      return 'unknown';
  }
}

function cString(buf: Buffer, at: number, size: number): string {
  let end = at;
  const limit = at + size;
  while (end < limit && buf[end] !== 0) end++;
  return buf.toString('latin1', at, end);
}

/** Detail text of the last rejection, for the reject samples. */
export const rejectDetail = { text: '' };

function reject(reason: RejectReason, text: string): RejectReason {
  rejectDetail.text = text;
  return reason;
}

/**
 * Decode the record body in buf[at, at + caplen) (`wireLen` = the record's original length) into
 * `ev` and `hdr`. Returns null on success or a reject reason (with `rejectDetail.text`).
 */
export function decodePflogRecord(
  buf: Buffer,
  at: number,
  caplen: number,
  wireLen: number,
  littleEndian: boolean,
  ev: PacketEvent,
  hdr: PflogHeader,
): RejectReason | null {
  if (caplen < 1) return reject('truncated', 'empty record');
  const length = buf[at];
  if (length < PFLOG_LEN_OPENBSD_3_4) return reject('malformed', `pflog header length ${length} is below 45`);
  const padded = (length + 3) & ~3;
  if (caplen < padded) return reject('truncated', `record of ${caplen} bytes is shorter than its pflog header (${padded})`);

  hdr.length = length;
  hdr.paddedLength = padded;
  hdr.af = buf[at + 1];
  hdr.action = buf[at + 2];
  hdr.reason = buf[at + 3];
  hdr.ifname = cString(buf, at + 4, 16);
  hdr.ruleset = cString(buf, at + 20, 16);
  hdr.rulenr = buf.readUInt32BE(at + 36);
  hdr.subrulenr = buf.readUInt32BE(at + 40);
  hdr.rewritten = -1;
  hdr.ridentifier = -1;
  if (length >= PFLOG_LEN_CLASSIC) {
    if (littleEndian) {
      hdr.uid = buf.readUInt32LE(at + 44);
      hdr.pid = buf.readInt32LE(at + 48);
      hdr.ruleUid = buf.readUInt32LE(at + 52);
      hdr.rulePid = buf.readInt32LE(at + 56);
    } else {
      hdr.uid = buf.readUInt32BE(at + 44);
      hdr.pid = buf.readInt32BE(at + 48);
      hdr.ruleUid = buf.readUInt32BE(at + 52);
      hdr.rulePid = buf.readInt32BE(at + 56);
    }
    hdr.dir = buf[at + 60];
    if (length >= PFLOG_LEN_OPENBSD) hdr.rewritten = buf[at + 61];
    else if (length >= PFLOG_LEN_FREEBSD) hdr.ridentifier = buf.readUInt32BE(at + 64);
  } else {
    hdr.uid = -1;
    hdr.pid = -1;
    hdr.ruleUid = -1;
    hdr.rulePid = -1;
    hdr.dir = buf[at + 44];
  }

  ev.variant = pflogVariant(length);
  ev.action = actionOf(hdr.action);
  ev.direction = directionOf(hdr.dir);
  ev.iface = hdr.ifname;

  const p = at + padded;
  const cap = caplen - padded;
  const wire = wireLen - padded;
  const af = hdr.af;
  if (af === AF_INET) return decodeIpv4(buf, p, cap, wire, ev);
  if (af === AF_INET6_BSD || af === AF_INET6_FREEBSD || af === AF_INET6_DARWIN) return decodeIpv6(buf, p, cap, wire, ev);
  return reject('malformed', `address family ${af} is neither inet nor inet6`);
}

function decodeIpv4(buf: Buffer, p: number, cap: number, wire: number, ev: PacketEvent): RejectReason | null {
  if (cap < 20) return reject('truncated', `IPv4 header cut at ${cap} bytes`);
  const vihl = buf[p];
  if (vihl >> 4 !== 4) return reject('malformed', `af inet but IP version ${vihl >> 4}`);
  const ihl = (vihl & 15) * 4;
  if (ihl < 20) return reject('malformed', `IPv4 header length ${ihl}`);
  const total = buf.readUInt16BE(p + 2);
  ev.length = total > 0 ? total : wire;
  ev.ipId = buf.readUInt16BE(p + 4);
  const fragOffset = buf.readUInt16BE(p + 6) & 0x1fff;
  ev.ttl = buf[p + 8];
  ev.proto = buf[p + 9];
  ev.srcV4 = buf.readUInt32BE(p + 12);
  ev.dstV4 = buf.readUInt32BE(p + 16);
  ev.src = numberToIpv4(ev.srcV4);
  ev.dst = numberToIpv4(ev.dstV4);
  // A non-first fragment carries no transport header; the capture may end before it.
  if (fragOffset === 0 && cap > ihl) decodeTransport(buf, p + ihl, cap - ihl, ev, PROTO_ICMP);
  return null;
}

const groups: number[] = [0, 0, 0, 0, 0, 0, 0, 0];

function ipv6At(buf: Buffer, at: number): string {
  for (let i = 0; i < 8; i++) groups[i] = buf.readUInt16BE(at + i * 2);
  return formatIpv6(groups);
}

function decodeIpv6(buf: Buffer, p: number, cap: number, wire: number, ev: PacketEvent): RejectReason | null {
  if (cap < 40) return reject('truncated', `IPv6 header cut at ${cap} bytes`);
  if (buf[p] >> 4 !== 6) return reject('malformed', `af inet6 but IP version ${buf[p] >> 4}`);
  const payload = buf.readUInt16BE(p + 4);
  ev.length = payload > 0 ? 40 + payload : wire;
  ev.ttl = buf[p + 7];
  ev.src = ipv6At(buf, p + 8);
  ev.dst = ipv6At(buf, p + 24);

  // Walk the extension headers to the transport header, as far as the capture goes.
  let nh = buf[p + 6];
  let q = p + 40;
  const end = p + cap;
  for (;;) {
    if (nh === 0 || nh === 43 || nh === 60) {
      // hop-by-hop, routing, destination options: (len + 1) * 8 bytes
      if (q + 2 > end) break;
      const next = buf[q];
      q += (buf[q + 1] + 1) * 8;
      nh = next;
    } else if (nh === 44) {
      // fragment: 8 bytes; a non-first fragment has no transport header
      if (q + 8 > end) break;
      const next = buf[q];
      if (buf.readUInt16BE(q + 2) >> 3 !== 0) {
        ev.proto = next;
        return null;
      }
      q += 8;
      nh = next;
    } else if (nh === 51) {
      // authentication header: (len + 2) * 4 bytes
      if (q + 2 > end) break;
      const next = buf[q];
      q += (buf[q + 1] + 2) * 4;
      nh = next;
    } else {
      ev.proto = nh;
      if (q < end) decodeTransport(buf, q, end - q, ev, PROTO_ICMPV6);
      return null;
    }
  }
  // The capture ended inside the extension headers: the protocol is the header we could not pass.
  ev.proto = nh;
  return null;
}

/** Ports, TCP flags and window, ICMP type and code, from the `cap` captured bytes at `t`. */
function decodeTransport(buf: Buffer, t: number, cap: number, ev: PacketEvent, icmpProto: number): void {
  const proto = ev.proto;
  if (hasPorts(proto)) {
    if (cap < 4) return;
    ev.srcPort = buf.readUInt16BE(t);
    ev.dstPort = buf.readUInt16BE(t + 2);
    if (proto === PROTO_TCP) {
      if (cap >= 14) ev.tcpFlags = buf[t + 13];
      if (cap >= 16) ev.window = buf.readUInt16BE(t + 14);
    }
  } else if (proto === icmpProto) {
    if (cap >= 1) ev.icmpType = buf[t];
    if (cap >= 2) ev.icmpCode = buf[t + 1];
  }
}
