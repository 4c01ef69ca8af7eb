/**
 * What one packet looks like, as bits: the only classifier work done per event. The aggregate ORs
 * and ANDs these into two small integers per source and per port (`anyBits`, `allBits`), so at
 * report time a rule can ask "did every packet of this source look like stale return traffic?"
 * without any per-line state.
 *
 * Every bit is below 2^30 so the masks stay V8 small integers (stored inline, no boxing).
 */
import { EPHEMERAL_RANGES, portNotesData as notes, portTags } from '../registry/registry.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG, type PacketEvent } from '../types.js';

export const B_INBOUND = 1 << 0;
export const B_OUTBOUND = 1 << 1;
export const B_BLOCK = 1 << 2;
export const B_ALLOW = 1 << 3;
export const B_TCP = 1 << 4;
export const B_UDP = 1 << 5;
/** A connection opener: SYN without ACK, FIN or RST. */
export const B_SYN = 1 << 6;
/** NULL, FIN, Xmas or SYN+FIN: flag combinations no TCP stack sends on its own (nmap -sN/-sF/-sX). */
export const B_STEALTH = 1 << 7;
/** Late ACK/FIN/RST from a service port to a client (ephemeral) port: conntrack forgot the connection. */
export const B_STALE = 1 << 8;
/** SYN-ACK or RST (or ICMP echo reply) answering nothing you sent: replies to forged packets. */
export const B_BACKSCATTER = 1 << 9;
/** UDP from an amplifier's source port (DNS, NTP, SSDP, memcached …): reflection. */
export const B_REFLECT = 1 << 10;
/** UDP from a game or peer-to-peer port, from a high port to one, or between equal ports ≥ 10000 (NAT traversal). */
export const B_PEER = 1 << 11;
/** IP ID 54321: ZMap's default (src/probe_modules/packet.c sets `ip_id = htons(54321)`). */
export const B_ZMAP = 1 << 12;
export const B_HAS_FLAGS = 1 << 13;
export const B_HAS_TTL = 1 << 14;
export const B_HAS_IPID = 1 << 15;
export const B_HAS_TIME = 1 << 16;
export const B_NULL = 1 << 17;
export const B_FIN = 1 << 18;
export const B_XMAS = 1 << 19;
export const B_SYNFIN = 1 << 20;
/** Either of the two reply kinds above (stale return or backscatter). */
export const B_REPLY = 1 << 21;

/** The AND-mask a source or port starts with: every bit set. */
export const ALL_BITS = (1 << 30) - 1;

// ---------------------------------------------------------------- port tables

const P_SERVICE = 1;
const P_EPHEMERAL = 2;
const P_AMPLIFIER = 4;
const P_PEER = 8;
const P_DISCOVERY = 16;

/**
 * UDP amplifiers by source port, beyond those the registry tags `amplification`: CISA alert
 * TA14-017A, "UDP-Based Amplification Attacks" (QOTD 17, CharGEN 19, DNS 53, TFTP 69, portmap 111,
 * NTP 123, NetBIOS 137, SNMP 161, CLDAP 389, RIPv1 520, SSDP 1900, ARD 3283, WS-Discovery 3702,
 * mDNS 5353, CoAP 5683, Ubiquiti discovery 10001, memcached 11211).
 */
export const AMPLIFIER_PORTS: readonly number[] = [17, 19, 53, 69, 111, 123, 137, 161, 389, 520, 1900, 3283, 3702, 5353, 5683, 10001, 11211];

/**
 * UDP game and peer-to-peer ports, beyond those the registry tags `game` or `nat-traversal`:
 * BitTorrent 6881-6889 (BEP 3's suggested listen ports) and 6771 (BEP 14 local discovery); Steam
 * game traffic 27015-27030 (Valve, "Required Ports for Steam"). Ours to choose which to include.
 */
export const PEER_PORTS: readonly (number | [number, number])[] = [[6881, 6889], [27015, 27030]];

/**
 * LAN discovery and configuration protocols, sent to broadcast or multicast by every LAN device
 * (ours, from each protocol's RFC or vendor page): DHCP 67/68, NetBIOS 137/138, DHCPv6 546/547,
 * SSDP 1900, WS-Discovery 3702, mDNS 5353, LLMNR 5355, BitTorrent LSD 6771, Ubiquiti 10001,
 * Dropbox LAN sync 17500. Plus what the registry tags `lan-noise`.
 */
export const DISCOVERY_PORTS: readonly number[] = [67, 68, 137, 138, 546, 547, 1900, 3702, 5353, 5355, 6771, 10001, 17500];

/**
 * Service ports above 1023 that answer clients often enough to send late ACK/FIN/RST (ours): OpenVPN,
 * MS SQL, MQTT, MySQL, RDP, SIP, XMPP, Apple and Google push, alternate HTTP(S).
 */
export const HIGH_SERVICE_PORTS: readonly number[] = [1194, 1433, 1883, 3306, 3389, 5060, 5061, 5222, 5223, 5228, 8080, 8443, 8883, 9443];

let table: Uint8Array | null = null;

/**
 * Per-port flags, built once from the registry and the lists above. The building is a function of
 * its own: this one is asked for every event, so V8 compiles it, and with the building inside it
 * compiled every loop of that too (24 ms of compiling, measured with --trace-opt, for code that
 * ran once).
 */
function portTable(): Uint8Array {
  return table ?? buildPortTable();
}

function buildPortTable(): Uint8Array {
  const t = new Uint8Array(65536);
  // The client port ranges first, as fills while the array is still zero (each flag is a bit of
  // its own, so the order does not matter): 48,592 ports one at a time were a loop V8 compiled on
  // the stack (16 ms of compiling).
  for (const r of EPHEMERAL_RANGES) t.fill(P_EPHEMERAL, r.from, r.to + 1);
  for (let p = 1; p < 1024; p++) t[p] |= P_SERVICE;
  for (const p of HIGH_SERVICE_PORTS) t[p] |= P_SERVICE;
  for (const p of AMPLIFIER_PORTS) t[p] |= P_AMPLIFIER;
  for (const p of DISCOVERY_PORTS) t[p] |= P_DISCOVERY;
  for (const e of PEER_PORTS) {
    const [from, to] = typeof e === 'number' ? [e, e] : e;
    for (let p = from; p <= to; p++) t[p] |= P_PEER;
  }
  // The registry's tags, for UDP (the tag may hold for UDP only: amplification on 11211).
  for (const p of registryTagged(['amplification'])) t[p] |= P_AMPLIFIER;
  for (const p of registryTagged(['game', 'nat-traversal'])) t[p] |= P_PEER;
  for (const p of registryTagged(['lan-noise'])) t[p] |= P_DISCOVERY;
  table = t;
  return t;
}

/** UDP ports whose registry entry (or a range around them) carries one of `tags`. */
function registryTagged(tags: readonly string[]): number[] {
  const out: number[] = [];
  // Ports with notes are few (data/ports.json): 218 with the named ranges' ports.
  for (const p of notedPorts()) {
    if (portTags('udp', p).some((t) => tags.includes(t))) out.push(p);
  }
  return out;
}

let noted: number[] | null = null;

function notedPorts(): number[] {
  if (noted !== null) return noted;
  // Named ranges (a game range, x11) are small; the RFC 6335 and ephemeral ranges carry no tags.
  const ports = new Set<number>();
  for (const e of notes().entries) {
    if (e.port !== null) ports.add(e.port);
    else if (e.scope === 'service-range' && e.range !== null) for (let p = e.range.from; p <= e.range.to; p++) ports.add(p);
  }
  noted = [...ports].sort((a, b) => a - b);
  return noted;
}

export function isServicePort(p: number): boolean {
  return p >= 0 && (portTable()[p] & P_SERVICE) !== 0;
}

export function isEphemeralPort(p: number): boolean {
  return p >= 0 && (portTable()[p] & P_EPHEMERAL) !== 0;
}

export function isAmplifierPort(p: number): boolean {
  return p >= 0 && (portTable()[p] & P_AMPLIFIER) !== 0;
}

export function isPeerPort(p: number): boolean {
  return p >= 0 && (portTable()[p] & P_PEER) !== 0;
}

export function isDiscoveryPort(p: number): boolean {
  return p >= 0 && (portTable()[p] & P_DISCOVERY) !== 0;
}

// ---------------------------------------------------------------- flags

const FLAG_BITS = new Int32Array(256);
for (let f = 0; f < 256; f++) {
  const syn = (f & TCP_SYN) !== 0;
  const ack = (f & TCP_ACK) !== 0;
  const fin = (f & TCP_FIN) !== 0;
  const rst = (f & TCP_RST) !== 0;
  let b = 0;
  if (syn && !ack && !fin && !rst) b |= B_SYN;
  if ((f & 0x3f) === 0) b |= B_NULL | B_STEALTH;
  else if ((f & 0x3f) === TCP_FIN) b |= B_FIN | B_STEALTH;
  else if ((f & 0x3f) === (TCP_FIN | TCP_PSH | TCP_URG)) b |= B_XMAS | B_STEALTH;
  if (syn && fin) b |= B_SYNFIN | B_STEALTH;
  FLAG_BITS[f] = b;
}

/** Flags that may be a late packet of a finished connection: ACK, FIN or RST set, SYN clear. */
function isLateFlags(f: number): boolean {
  return (f & TCP_SYN) === 0 && (f & (TCP_ACK | TCP_FIN | TCP_RST)) !== 0 && (f & 0x3f) !== TCP_FIN;
}

/** SYN-ACK, or RST with or without ACK. */
function isAnswerFlags(f: number): boolean {
  return ((f & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK) && (f & (TCP_FIN | TCP_RST)) === 0) || ((f & TCP_RST) !== 0 && (f & TCP_SYN) === 0);
}

/**
 * Equal source and destination ports from here up look like NAT traversal between peers (ours).
 * Below it, equal ports are more often a service scanned from its own port (SIP scanners send from
 * 5060 to 5060).
 */
export const EQUAL_PEER_PORTS_FROM = 10000;

/** ZMap's default IP ID. */
export const ZMAP_IP_ID = 54321;

/**
 * The bits of one packet. `inbound` is decided by the aggregate (it knows about forwarding).
 * Constant work: a few comparisons and table lookups.
 */
export function packetBits(ev: PacketEvent, inbound: boolean): number {
  let b = inbound ? B_INBOUND : B_OUTBOUND;
  const action = ev.action;
  if (action === 'block') b |= B_BLOCK;
  else if (action === 'allow') b |= B_ALLOW;
  if (ev.time === ev.time) b |= B_HAS_TIME;
  if (ev.ttl >= 0) b |= B_HAS_TTL;
  const id = ev.ipId;
  if (id >= 0) {
    b |= B_HAS_IPID;
    if (id === ZMAP_IP_ID) b |= B_ZMAP;
  }
  const proto = ev.proto;
  if (proto === 6) {
    b |= B_TCP;
    const f = ev.tcpFlags;
    if (f >= 0) {
      b |= B_HAS_FLAGS | FLAG_BITS[f & 0xff];
      const t = portTable();
      const sp = ev.srcPort;
      const dp = ev.dstPort;
      if (isLateFlags(f) && sp >= 0 && dp >= 0 && (t[sp] & P_SERVICE) !== 0 && (t[dp] & P_EPHEMERAL) !== 0) b |= B_STALE | B_REPLY;
      else if (isAnswerFlags(f)) b |= B_BACKSCATTER | B_REPLY;
    }
  } else if (proto === 17) {
    b |= B_UDP;
    const sp = ev.srcPort;
    const dp = ev.dstPort;
    if (sp >= 0) {
      const t = portTable();
      if ((t[sp] & P_AMPLIFIER) !== 0) b |= B_REFLECT;
      if ((t[sp] & P_PEER) !== 0 || (sp >= 1024 && (dp >= 0 && (t[dp] & P_PEER) !== 0)) || (sp === dp && sp >= EQUAL_PEER_PORTS_FROM)) b |= B_PEER;
    }
  } else if ((proto === 1 && ev.icmpType === 0) || (proto === 58 && ev.icmpType === 129)) {
    b |= B_BACKSCATTER | B_REPLY;
  }
  return b;
}
