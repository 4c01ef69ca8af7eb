/**
 * What kind of address a canonical address string is: private, link-local, multicast, broadcast.
 * Read straight from the text (one pass over at most 39 characters), no allocation, so the
 * aggregate can ask about forwarded packets per event and the classifier about every destination.
 *
 * Ranges: RFC 1918 (10/8, 172.16/12, 192.168/16), RFC 6598 shared address space (100.64/10),
 * loopback 127/8, link-local 169.254/16 (RFC 3927), multicast 224/4 (RFC 5771), limited broadcast
 * 255.255.255.255 (RFC 919); IPv6 loopback ::1, unique local fc00::/7 (RFC 4193), link-local
 * fe80::/10 (RFC 4291), multicast ff00::/8 (RFC 4291).
 */
import { ipv4ToNumber, parseIpv6 } from '../net/ip.js';

const groups = [0, 0, 0, 0, 0, 0, 0, 0];

/** Not routable on the Internet: RFC 1918, shared (CGNAT), loopback, link-local, IPv6 ULA and link-local. */
export function isPrivateAddress(a: string): boolean {
  if (a.indexOf(':') < 0) {
    const n = ipv4ToNumber(a);
    return n >= 0 && isPrivateIpv4(n);
  }
  if (!parseIpv6(a, groups)) return false;
  const g0 = groups[0];
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80) return true;
  return g0 === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0 && groups[6] === 0 && groups[7] === 1;
}

/** isPrivateAddress of an IPv4 address given as its number (no text needed). */
export function isPrivateIpv4(n: number): boolean {
  const o1 = n >>> 24;
  const o2 = (n >>> 16) & 0xff;
  return (
    o1 === 10 ||
    o1 === 127 ||
    (o1 === 172 && o2 >= 16 && o2 <= 31) ||
    (o1 === 192 && o2 === 168) ||
    (o1 === 169 && o2 === 254) ||
    (o1 === 100 && o2 >= 64 && o2 <= 127)
  );
}

/** Multicast (224/4, ff00::/8) or the limited broadcast 255.255.255.255. */
export function isMulticastOrBroadcast(a: string): boolean {
  if (a.indexOf(':') < 0) {
    const n = ipv4ToNumber(a);
    return n >= 0xe0000000 && (n < 0xf0000000 || n === 0xffffffff);
  }
  return parseIpv6(a, groups) && (groups[0] & 0xff00) === 0xff00;
}

/**
 * A directed broadcast on the sender's own /24 (`192.168.1.255` from `192.168.1.20`): what LAN
 * discovery protocols send to. A /24 is an assumption (the log does not carry netmasks); it is the
 * common home and office LAN size, and only private senders are asked about.
 */
export function isDirectedBroadcastFrom(dst: string, src: string): boolean {
  const d = ipv4ToNumber(dst);
  if (d < 0 || (d & 0xff) !== 0xff) return false;
  const s = ipv4ToNumber(src);
  return s >= 0 && s >>> 8 === d >>> 8;
}

/** `2001:db8:1::/48`-style text key of an IPv6 address's first `bits` bits (a multiple of 16), or ''. */
export function ipv6Prefix(a: string, bits: number): string {
  if (a.indexOf(':') < 0 || !parseIpv6(a, groups)) return '';
  const n = Math.max(1, Math.min(8, Math.floor(bits / 16)));
  return groups.slice(0, n).map((g) => g.toString(16)).join(':');
}

/** Text of a /bits network holding an address: `203.0.113.0/24`, `2001:db8:1::/48`. */
export function prefixLabel(a: string, v4bits: number, v6bits: number): string {
  if (a.indexOf(':') < 0) {
    const n = ipv4ToNumber(a);
    const size = 2 ** (32 - v4bits);
    const base = Math.floor(n / size) * size;
    return `${base >>> 24}.${(base >>> 16) & 0xff}.${(base >>> 8) & 0xff}.${base & 0xff}/${v4bits}`;
  }
  const head = ipv6Prefix(a, v6bits);
  const n = head.split(':').length;
  return `${head}${n < 8 ? '::' : ''}/${v6bits}`;
}
