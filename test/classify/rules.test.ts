/**
 * Each classifier rule at its boundary, with events built here: n−1 against n, inside against
 * outside the window. The expected class is a fact of the rule (src/classify/classify.ts), not a
 * copy of the classifier's output.
 */
import { CidrSet } from '../../src/classify/cidr.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG, type PacketEvent } from '../../src/types.js';
import { classOf, ev, HOST, HOUR, many, MIN, reasonsOf, run, SEC, severityOf, T0 } from './events.js';

const SRC = '198.51.100.7';
const LAN = '192.168.1.20';

type Case = [string, PacketEvent[], string, string];

describe('1. outbound policy block', () => {
  test.each<Case>([
    ['every packet out', many(3, { direction: 'out', src: HOST, dst: '192.0.2.53', proto: 17, dstPort: 53, tcpFlags: -1 }), HOST, 'outbound'],
    [
      'one of them in',
      [...many(2, { direction: 'out', src: HOST, dst: '192.0.2.53', proto: 17, dstPort: 53, tcpFlags: -1 }), ev({ src: HOST, dst: '192.0.2.99' })],
      HOST,
      'background',
    ],
    ['forwarded from a private to a public address', [ev({ direction: 'fwd', src: LAN, dst: '192.0.2.80', dstPort: 443 })], LAN, 'outbound'],
    ['forwarded between public addresses (a routed extra IP)', [ev({ direction: 'fwd', src: SRC, dst: '192.0.2.80' })], SRC, 'background'],
  ])('%s', (_name, events, address, expected) => {
    expect(classOf(run(events), address)).toBe(expected);
  });
});

describe('2. LAN broadcast and discovery noise', () => {
  const udp = { proto: 17, tcpFlags: -1, srcPort: 137 };
  test.each<Case>([
    ['NetBIOS to its own /24 broadcast', [ev({ ...udp, src: LAN, dst: '192.168.1.255', dstPort: 137 })], LAN, 'lan-noise'],
    ['mDNS to its multicast group', [ev({ ...udp, src: LAN, dst: '224.0.0.251', srcPort: 5353, dstPort: 5353 })], LAN, 'lan-noise'],
    ['DHCP to the limited broadcast', [ev({ ...udp, src: LAN, dst: '255.255.255.255', srcPort: 68, dstPort: 67 })], LAN, 'lan-noise'],
    ['IPv6 link-local to ff02::fb', [ev({ ...udp, src: 'fe80::1', dst: 'ff02::fb', srcPort: 5353, dstPort: 5353 })], 'fe80::1', 'lan-noise'],
    ['a public source to the multicast group', [ev({ ...udp, src: SRC, dst: '224.0.0.251', srcPort: 40000, dstPort: 5353 })], SRC, 'background'],
    ['TCP to another /24 broadcast address', [ev({ src: LAN, dst: '192.168.2.255', dstPort: 445 })], LAN, 'background'],
  ])('%s', (_name, events, address, expected) => {
    expect(classOf(run(events), address)).toBe(expected);
  });
});

describe('3-4. stale return traffic and backscatter', () => {
  test.each<[string, number, number, number, string]>([
    ['ACK from 443 to a client port', TCP_ACK, 443, 51234, 'stale-return'],
    ['FIN+ACK from 443 to a client port', TCP_FIN | TCP_ACK, 443, 51234, 'stale-return'],
    ['RST from 443 to a client port', TCP_RST, 443, 51234, 'stale-return'],
    ['ACK from 80 to 1025 (first legacy Windows client port)', TCP_ACK, 80, 1025, 'stale-return'],
    ['ACK from 80 to 1024 (not a client port)', TCP_ACK, 80, 1024, 'background'],
    ['ACK from 1023 (a system port) to a client port', TCP_ACK, 1023, 51234, 'stale-return'],
    ['ACK from 1024 (no service) to a client port', TCP_ACK, 1024, 51234, 'background'],
    ['SYN from 443 to a client port', TCP_SYN, 443, 51234, 'background'],
    ['SYN-ACK from 80 to 22', TCP_SYN | TCP_ACK, 80, 22, 'backscatter'],
    ['SYN-ACK from 80 to a client port', TCP_SYN | TCP_ACK, 80, 51234, 'backscatter'],
    ['RST+ACK from a client port to 25', TCP_RST | TCP_ACK, 47746, 25, 'backscatter'],
  ])('%s', (_name, flags, sport, dport, expected) => {
    expect(classOf(run([ev({ tcpFlags: flags, srcPort: sport, dstPort: dport })]), SRC)).toBe(expected);
  });

  test('ICMP echo reply answering nothing is backscatter', () => {
    const c = run([ev({ proto: 1, srcPort: -1, dstPort: -1, tcpFlags: -1, icmpType: 0, icmpCode: 0 })]);
    expect(classOf(c, SRC)).toBe('backscatter');
  });

  test('SYN-ACKs from an address this log shows you sending to are your own return traffic', () => {
    const out = ev({ direction: 'out', action: 'allow', src: HOST, dst: SRC, srcPort: 51234, dstPort: 80 });
    const reply = ev({ tcpFlags: TCP_SYN | TCP_ACK, srcPort: 80, dstPort: 22 });
    expect(classOf(run([reply]), SRC)).toBe('backscatter');
    expect(classOf(run([out, reply]), SRC)).toBe('stale-return');
  });
});

describe('5-6. reflected UDP and game/peer traffic', () => {
  const udp = { proto: 17, tcpFlags: -1 };
  test.each<[string, number, number, string]>([
    ['from NTP (123), an amplifier', 123, 40000, 'reflection'],
    ['from 124, no amplifier', 124, 40000, 'background'],
    ['from memcached (11211)', 11211, 40000, 'reflection'],
    ['from WS-Discovery (3702)', 3702, 40000, 'reflection'],
    ['BitTorrent 6881 to 6881', 6881, 6881, 'peer'],
    ['equal ports from 10000 (NAT traversal)', 10000, 10000, 'peer'],
    ['equal ports below 10000 (SIP scanners send 5060 to 5060)', 9999, 9999, 'background'],
    ['SIP 5060 to 5060', 5060, 5060, 'background'],
    ['a high port to Xbox 3074 (registry: game)', 40000, 3074, 'peer'],
    ['a system port to Xbox 3074', 1000, 3074, 'background'],
  ])('%s', (_name, sport, dport, expected) => {
    expect(classOf(run([ev({ ...udp, srcPort: sport, dstPort: dport })]), SRC)).toBe(expected);
  });
});

describe('7. repeated targeted attempts (≥ 10 to one host and port, over ≥ 10 min or on ≥ 2 days)', () => {
  const spread = (n: number, spanMs: number, start = T0) => (i: number) => ({ time: start + Math.round((i * spanMs) / (n - 1)) });
  const nearMidnight = Date.UTC(2024, 4, 1, 23, 59, 0);
  test.each<[string, PacketEvent[], string]>([
    ['10 packets over exactly 10 min', many(10, {}, spread(10, 10 * MIN)), 'targeted'],
    ['9 packets over 20 min', many(9, {}, spread(9, 20 * MIN)), 'unclassified'],
    ['10 packets over 9 min 59 s', many(10, {}, spread(10, 10 * MIN - SEC)), 'unclassified'],
    ['10 packets in 90 s across midnight (2 calendar days)', many(10, {}, spread(10, 90 * SEC, nearMidnight)), 'targeted'],
    ['10 packets in 90 s on one day', many(10, {}, spread(10, 90 * SEC)), 'unclassified'],
    ['10 packets over 20 min, all allowed through', many(10, { action: 'allow' }, spread(10, 20 * MIN)), 'allowed'],
    ['10 packets over 20 min, 5 on each of two ports', many(10, {}, (i) => ({ ...spread(10, 20 * MIN)(i), dstPort: i % 2 ? 22 : 2222 })), 'unclassified'],
  ])('%s', (_name, events, expected) => {
    expect(classOf(run(events), SRC)).toBe(expected);
  });

  test('calendar days are counted in the report zone', () => {
    // 23:59 to 00:00:30 UTC is 01:59 to 02:00:30 in Berlin (summer time): one day there.
    const events = many(10, {}, spread(10, 90 * SEC, nearMidnight));
    expect(classOf(run(events, { timeZone: 'UTC' }), SRC)).toBe('targeted');
    expect(classOf(run(events, { timeZone: 'Europe/Berlin' }), SRC)).toBe('unclassified');
  });

  test('the reason names the host, the port and the figures', () => {
    const c = run(many(12, {}, spread(12, 30 * MIN)));
    const [r] = reasonsOf(c, SRC);
    expect(r.rule).toBe('targeted');
    expect(r.figures).toMatchObject({ target: HOST, proto: 'tcp', port: 22, packets: 12, spanMs: 30 * MIN, thresholdPackets: 10 });
  });
});

describe('8. vertical scan (≥ 15 ports of one host within 5 min: Zeek)', () => {
  const ports = (n: number, stepMs: number) => many(n, {}, (i) => ({ dstPort: 1000 + i, time: T0 + i * stepMs }));
  test.each<[string, PacketEvent[], string]>([
    ['15 ports, the last exactly 5 min after the first', ports(15, (5 * MIN) / 14), 'vertical-scan'],
    ['14 ports in 1 min', ports(14, (1 * MIN) / 13), 'unclassified'],
    ['15 ports, 22 s apart (5 min 8 s)', ports(15, 22 * SEC), 'unclassified'],
  ])('%s', (_name, events, expected) => {
    expect(classOf(run(events), SRC)).toBe(expected);
  });

  // A LAN source's discovery pairs (NetBIOS, SSDP) are left out of rules 7-11 (their pairs are
  // collected again without them after rule 2 read them all).
  describe('a LAN source: its discovery pairs do not count', () => {
    const tcp = (n: number) => many(n, { src: LAN, dst: '192.168.1.10' }, (i) => ({ dstPort: 1000 + i, time: T0 + i * SEC }));
    const discovery = [137, 138, 1900].map((p, i) => ev({ src: LAN, dst: '192.168.1.10', proto: 17, tcpFlags: -1, srcPort: p, dstPort: p, time: T0 + (20 + i) * SEC }));
    // 13 ports in 13 s: under rule 8's 15, and no later rule fits one host in a minute.
    test.each<Case>([
      ['15 TCP ports and 3 discovery ports', [...tcp(15), ...discovery], LAN, 'vertical-scan'],
      ['13 TCP ports and 3 discovery ports (16 in all)', [...tcp(13), ...discovery], LAN, 'unclassified'],
    ])('%s', (_name, events, address, expected) => {
      expect(classOf(run(events), address)).toBe(expected);
    });
  });

  test('the scan is listed with its window', () => {
    const c = run(ports(20, 5 * SEC));
    expect(c.scans).toEqual([
      expect.objectContaining({ kind: 'vertical', sources: [SRC], target: HOST, ports: 20, windowCount: 20, windowMs: 19 * 5 * SEC, packets: 20 }),
    ]);
  });

  test("another host's few ports stay out of the scanned host's figures", () => {
    const other = many(2, { dst: '203.0.113.11' }, (i) => ({ dstPort: 3000 + i, time: T0 + i * SEC }));
    const c = run([...other, ...ports(20, 5 * SEC)]);
    expect(c.scans).toEqual([
      expect.objectContaining({ kind: 'vertical', sources: [SRC], target: HOST, ports: 20, windowCount: 20, windowMs: 19 * 5 * SEC, packets: 20 }),
    ]);
  });
});

describe('9. distributed scan (a /24 together crossing the vertical threshold)', () => {
  const from = (src: string, first: number, n: number) => many(n, { src }, (i) => ({ dstPort: first + i, time: T0 + (first + i - 1000) * SEC }));
  test.each<[string, PacketEvent[], string[], string]>([
    ['8 + 7 ports from one /24', [...from('198.51.100.20', 1000, 8), ...from('198.51.100.21', 1008, 7)], ['198.51.100.20', '198.51.100.21'], 'distributed-scan'],
    ['8 + 6 ports from one /24', [...from('198.51.100.20', 1000, 8), ...from('198.51.100.21', 1008, 6)], ['198.51.100.20', '198.51.100.21'], 'unclassified'],
    ['8 + 7 ports from two /24s', [...from('198.51.100.20', 1000, 8), ...from('198.51.101.21', 1008, 7)], ['198.51.100.20', '198.51.101.21'], 'unclassified'],
  ])('%s', (_name, events, members, expected) => {
    const c = run(events);
    for (const m of members) expect(classOf(c, m)).toBe(expected);
  });

  test('the group is named, with its members', () => {
    const c = run([...from('198.51.100.20', 1000, 8), ...from('198.51.100.21', 1008, 7)]);
    expect(c.scans).toEqual([
      expect.objectContaining({ kind: 'distributed', group: '198.51.100.0/24', sources: ['198.51.100.20', '198.51.100.21'], target: HOST, ports: 15 }),
    ]);
  });
});

describe('10. slow scan (≥ 15 ports over more than 1 h: psad SCAN_TIMEOUT)', () => {
  const slow = (n: number, spanMs: number) => many(n, {}, (i) => ({ dstPort: 1000 + i, time: T0 + Math.round((i * spanMs) / (n - 1)) }));
  test.each<[string, PacketEvent[], string]>([
    ['15 ports over 1 h 0 min 1 s', slow(15, HOUR + SEC), 'slow-scan'],
    ['15 ports over exactly 1 h', slow(15, HOUR), 'unclassified'],
    ['14 ports over 2 h', slow(14, 2 * HOUR), 'unclassified'],
  ])('%s', (_name, events, expected) => {
    expect(classOf(run(events), SRC)).toBe(expected);
  });
});

describe('11. horizontal sweep (≥ 25 hosts on one port within 5 min: Zeek)', () => {
  const sweep = (n: number, stepMs: number) => many(n, { dstPort: 23 }, (i) => ({ dst: `203.0.113.${i + 1}`, time: T0 + i * stepMs }));
  test.each<[string, PacketEvent[], string]>([
    ['25 hosts in 2 min', sweep(25, 5 * SEC), 'horizontal-scan'],
    ['24 hosts in 2 min', sweep(24, 5 * SEC), 'unclassified'],
    ['25 hosts 13 s apart (5 min 12 s)', sweep(25, 13 * SEC), 'unclassified'],
  ])('%s', (_name, events, expected) => {
    expect(classOf(run(events), SRC)).toBe(expected);
  });

  test('a log that watches fewer than 10 addresses cannot see a sweep, and says so', () => {
    const c = run(sweep(25, 5 * SEC), { homeNet: CidrSet.parse(['203.0.113.0/29']) });
    expect(c.home).toEqual({ origin: 'option', watched: 8, sweepsVisible: false, sweepMinWatched: 10 });
    expect(classOf(c, SRC)).toBe('unclassified');
    expect(run([ev()]).home).toMatchObject({ origin: 'inbound-destinations', watched: 1, sweepsVisible: false });
  });
});

describe('12. background probe (≤ 6 packets, ≤ 2 ports, ≤ 2 hosts, no stealth flags)', () => {
  test.each<[string, PacketEvent[], string]>([
    ['6 packets', many(6, {}, (i) => ({ time: T0 + i * SEC })), 'background'],
    ['7 packets', many(7, {}, (i) => ({ time: T0 + i * SEC })), 'unclassified'],
    ['2 ports', many(2, {}, (i) => ({ dstPort: 22 + i })), 'background'],
    ['3 ports', many(3, {}, (i) => ({ dstPort: 22 + i })), 'unclassified'],
    ['2 hosts', many(2, {}, (i) => ({ dst: `203.0.113.${i + 1}` })), 'background'],
    ['3 hosts', many(3, {}, (i) => ({ dst: `203.0.113.${i + 1}` })), 'unclassified'],
  ])('%s', (_name, events, expected) => {
    expect(classOf(run(events), SRC)).toBe(expected);
  });

  test.each<[string, number]>([
    ['NULL', 0],
    ['FIN', TCP_FIN],
    ['Xmas', TCP_FIN | TCP_PSH | TCP_URG],
    ['SYN+FIN', TCP_SYN | TCP_FIN],
  ])('one %s packet is marked and kept out of background', (kind, flags) => {
    const c = run([ev({ tcpFlags: flags })]);
    expect(classOf(c, SRC)).toBe('unclassified');
    expect(reasonsOf(c, SRC).map((r) => r.rule)).toContain('stealth-flags');
    expect(reasonsOf(c, SRC).find((r) => r.rule === 'stealth-flags')!.text).toContain(kind);
  });
});

describe('severity 1-5: packets 5/15/150/1500/10000 (psad), hosts 10/20/50/100/500 (ours)', () => {
  // One record standing for n packets: one port, one host, one instant (never "targeted").
  test.each<[number, number]>([
    [14, 1],
    [15, 2],
    [149, 2],
    [150, 3],
    [1499, 3],
    [1500, 4],
    [9999, 4],
    [10000, 5],
  ])('%i packets → %i', (n, expected) => {
    expect(severityOf(run([ev({ count: n })]), SRC)).toBe(expected);
  });

  test.each<[number, number]>([
    [49, 2],
    [50, 3],
  ])('%i hosts, one packet each, no sweep window → %i', (n, expected) => {
    const c = run(many(n, { dstPort: 23 }, (i) => ({ dst: `203.0.113.${i + 1}`, time: T0 + i * 13 * SEC })));
    expect(classOf(c, SRC)).toBe('unclassified');
    expect(severityOf(c, SRC)).toBe(expected);
  });

  test('stealth flags add one; noise that is not a probe stays at 1', () => {
    expect(severityOf(run(many(5, { tcpFlags: 0 }, (i) => ({ dstPort: 1000 + i }))), SRC)).toBe(2);
    expect(severityOf(run([ev({ tcpFlags: TCP_ACK, srcPort: 443, dstPort: 51234, count: 20000 })]), SRC)).toBe(1);
    expect(severityOf(run([ev({ proto: 17, tcpFlags: -1, srcPort: 123, dstPort: 40000, count: 20000 })]), SRC)).toBe(5);
  });
});

describe('port verdicts', () => {
  const probes = (n: number, port: number) => many(n, { dstPort: port }, (i) => ({ src: `198.51.100.${i + 1}` }));
  const verdict = (events: PacketEvent[], port: number) => {
    const c = run(events);
    return c.portVerdict(c.aggregate.ports.get(6 * 65537 + port + 1)!);
  };

  test.each<[string, PacketEvent[], string]>([
    ['3 background sources', probes(3, 3089), 'background'],
    ['2 background sources', probes(2, 3089), 'too-little-data'],
  ])('%s', (_name, events, expected) => {
    expect(verdict(events, 3089).verdict).toBe(expected);
  });

  const targeted = many(10, { src: '192.0.2.99' }, (i) => ({ time: T0 + i * 2 * MIN }));
  test.each<[string, number, string]>([
    ['10 targeted packets of 20', 10, 'targeted'],
    ['10 targeted packets of 21', 11, 'mixed'],
  ])('%s', (_name, background, expected) => {
    const v = verdict([...targeted, ...probes(background, 22)], 22);
    expect(v.verdict).toBe(expected);
    expect(v.targetedSources).toBe(1);
    expect(v.targetedPackets).toBe(10);
  });

  test('a port that only saw traffic going out has no verdict to give', () => {
    const v = verdict(many(5, { direction: 'out', src: HOST, dst: '192.0.2.80', dstPort: 80 }), 80);
    expect(v).toMatchObject({ verdict: 'too-little-data', sources: 0, packets: 0 });
  });
});

describe('logs without TCP flags, TTL or IP ID (Windows pfirewall.log)', () => {
  const bare = { tcpFlags: -1, ttl: -1, ipId: -1 };
  test('the log says which fields it lacks; nothing is guessed from them', () => {
    const c = run([ev({ ...bare, srcPort: 443, dstPort: 51234 })]);
    expect(c.fields).toEqual({ tcpFlags: false, ttl: false, ipId: false, time: true });
    expect(classOf(c, SRC)).toBe('background');
    expect(reasonsOf(c, SRC).map((r) => r.rule)).toEqual(['background']);
  });

  test.each<[string, number, boolean]>([
    ["ZMap's IP ID", 54321, true],
    ['another IP ID', 54320, false],
    ['no IP ID in the log', -1, false],
  ])('%s', (_name, ipId, marked) => {
    const rules = reasonsOf(run([ev({ ipId })]), SRC).map((r) => r.rule);
    expect(rules.includes('zmap-ip-id')).toBe(marked);
  });
});
