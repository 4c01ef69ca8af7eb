/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers") for the names firewall logs print.
 * Logs spell them in any case (`TCP`, `tcp`, `ipv6-icmp`, `ICMPv6`), so lookups are lower-case.
 */
const NAME_TO_NUMBER: Record<string, number> = {
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ggp: 3,
  ipencap: 4,
  ipip: 4,
  st: 5,
  tcp: 6,
  egp: 8,
  igp: 9,
  pup: 12,
  udp: 17,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  skip: 57,
  icmpv6: 58,
  'ipv6-icmp': 58,
  icmp6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  rspf: 73,
  vmtp: 81,
  eigrp: 88,
  ospf: 89,
  ospfigp: 89,
  'ax.25': 93,
  ipip4: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  carp: 112,
  l2tp: 115,
  isis: 124,
  sctp: 132,
  fc: 133,
  'mobility-header': 135,
  udplite: 136,
  'mpls-in-ip': 137,
  manet: 138,
  hip: 139,
  shim6: 140,
  wesp: 141,
  rohc: 142,
  pfsync: 240,
};

/** Display names, one per number (the first name listed wins, except where a better one is known). */
const NUMBER_TO_NAME: string[] = [];
for (const [name, num] of Object.entries(NAME_TO_NUMBER)) {
  if (NUMBER_TO_NAME[num] === undefined) NUMBER_TO_NAME[num] = name;
}
NUMBER_TO_NAME[4] = 'ipencap';
NUMBER_TO_NAME[58] = 'icmpv6';
NUMBER_TO_NAME[112] = 'vrrp';

export const PROTO_ICMP = 1;
export const PROTO_IGMP = 2;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

/** Protocol number for a name or a decimal number as printed in a log; -1 when unknown. */
export function protoNumber(text: string): number {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const n = Number(text);
    return Number.isInteger(n) && n >= 0 && n <= 255 ? n : -1;
  }
  // Own properties only: `PROTO=constructor` must not find Object.prototype's.
  const own = Object.hasOwn(NAME_TO_NUMBER, text) ? NAME_TO_NUMBER[text] : undefined;
  const lower = text.toLowerCase();
  const n = own ?? (Object.hasOwn(NAME_TO_NUMBER, lower) ? NAME_TO_NUMBER[lower] : undefined);
  return typeof n === 'number' ? n : -1;
}

/** Lower-case display name of a protocol number; unnamed numbers as their decimal string. */
export function protoName(n: number): string {
  if (n < 0) return 'unknown';
  return NUMBER_TO_NAME[n] ?? String(n);
}

/** Whether packets of this protocol carry 16-bit source and destination ports. */
export function hasPorts(n: number): boolean {
  return n === 6 || n === 17 || n === 132 || n === 136 || n === 33;
}
