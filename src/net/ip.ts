/**
 * Address parsing and canonical forms. Firewall logs print IPv6 zero-padded
 * (`2001:0db8:0000:…`); reports print RFC 5952 (`2001:db8::…`). Both functions build a new string,
 * so the result never keeps the whole log line alive behind a slice.
 */

/**
 * Canonical dotted-quad form of an IPv4 address, or '' when `s` is not one. Returns `s` itself when
 * it is already canonical (the common case: no allocation per line); callers that keep the result
 * long-term must copy it (the aggregate does, once per distinct address).
 */
export function canonicalIpv4(s: string): string {
  // One pass: ipv4ToNumber's reading, noting an octet of two or three digits that starts with 0.
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) leadingZero = true;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return '';
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return '';
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return '';
    }
  }
  if (dots !== 3 || digits === 0) return '';
  return leadingZero ? numberToIpv4(value * 256 + octet) : s;
}

/** IPv4 address as an unsigned 32-bit number, or -1 when `s` is not a dotted quad. */
export function ipv4ToNumber(s: string): number {
  return ipv4NumberAt(s, 0, s.length);
}

/**
 * ipv4ToNumber of s[from, to), without taking the slice (a parser reading a field of its line): the
 * same grammar as canonicalIpv4, so a text it refuses gives -1 here too.
 */
export function ipv4NumberAt(s: string, from: number, to: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/**
 * Whether s[from, to) holds a colon: the text of an IPv6 address, not IPv4 (a parser choosing how
 * to read a field of its line). Looks no further than `to`.
 */
export function isIpv6At(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 58) return true;
  return false;
}

export function numberToIpv4(n: number): string {
  return `${Math.floor(n / 16777216)}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/**
 * Parse an IPv6 address (optionally with an embedded IPv4 tail and a `%zone`) into 8 groups.
 * Returns false when it is not one.
 */
export function parseIpv6(s: string, groups: number[]): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  if (end < 2) return false;
  let gap = -1;
  let n = 0;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (end === 2) {
      for (let k = 0; k < 8; k++) groups[k] = 0;
      return true;
    }
  }
  while (i < end) {
    if (n === 8) return false;
    let v = 0;
    let digits = 0;
    const start = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else break;
      v = v * 16 + d;
      i++;
      if (++digits > 4) return false;
    }
    if (i < end && s.charCodeAt(i) === 46) {
      // Embedded IPv4 (::ffff:1.2.3.4) takes the last two groups.
      const v4 = ipv4ToNumber(s.slice(start, end));
      if (v4 < 0 || n > 6) return false;
      groups[n++] = Math.floor(v4 / 65536);
      groups[n++] = v4 % 65536;
      i = end;
      break;
    }
    if (digits === 0) return false;
    groups[n++] = v;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return false;
    }
  }
  if (gap < 0) return n === 8;
  if (n === 8) return false;
  const tail = n - gap;
  for (let k = 0; k < tail; k++) groups[7 - k] = groups[n - 1 - k];
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}

const scratch: number[] = [0, 0, 0, 0, 0, 0, 0, 0];

/** RFC 5952 text of an IPv6 address, or '' when `s` is not one. */
export function canonicalIpv6(s: string): string {
  if (!parseIpv6(s, scratch)) return '';
  return formatIpv6(scratch);
}

export function formatIpv6(g: readonly number[]): string {
  // Longest run of two or more zero groups becomes '::' (the first one on a tie).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += g[i].toString(16);
  }
  return out;
}

/** Canonical text of an IPv4 or IPv6 address, or '' when it is neither (see canonicalIpv4 on copies). */
export function canonicalAddress(s: string): string {
  return s.indexOf(':') >= 0 ? canonicalIpv6(s) : canonicalIpv4(s);
}

/** A fresh copy of a canonical address, safe to keep as a long-lived key (never a slice of a line). */
export function ownAddress(canonical: string): string {
  if (canonical.indexOf(':') >= 0) return canonicalIpv6(canonical);
  return numberToIpv4(ipv4ToNumber(canonical));
}
