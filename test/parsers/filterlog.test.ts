/**
 * pfSense / OPNsense filterlog CSV: crafted lines for every layout and framing, rejects by reason,
 * the shared corpus against the oracle's expected summaries, fixtures, and garbage.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { linesOf, parseFileWith, summarize, type OracleSummary } from '../helpers/oracle.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filterlogParser } from '../../parsers/filterlog.js';
import {
  isEvent,
  newParseContext,
  type PacketEvent,
  type ParseContext,
  type ParseResult,
  type RejectReason,
  TCP_ACK,
  TCP_CWR,
  TCP_ECE,
  TCP_SYN,
} from '../../src/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(ROOT, '../shared/corpus');
const FIXTURES = join(ROOT, 'fixtures/filterlog');

/** BSD stamps have no year: the latest one not after this reference (2025-12-31 UTC). */
const REFERENCE = Date.UTC(2025, 11, 31, 12);
const newCtx = (): ParseContext => newParseContext({ referenceTime: REFERENCE, timeZone: 'UTC' });

const parse = (line: string, ctx: ParseContext = newCtx()): ParseResult => filterlogParser.parse(line, ctx);

/** The event's fields with the time as an ISO string (null when the line has none). */
function view(ev: PacketEvent): Omit<PacketEvent, 'time'> & { time: string | null } {
  return { ...ev, time: Number.isNaN(ev.time) ? null : new Date(ev.time).toISOString() };
}

const REASONS: ReadonlySet<string> = new Set<RejectReason>([
  'missing-src', 'missing-dst', 'bad-address', 'bad-port', 'bad-protocol', 'bad-timestamp', 'truncated',
  'bad-field-count', 'bad-action', 'no-fields-header', 'malformed',
]);

// ---------------------------------------------------------------------------------------------

describe('filterlog records', () => {
  test.each<[string, string, Partial<ReturnType<typeof view>>]>([
    [
      'pfSense, BSD syslog with host, no PID (crowdsec corpus line)',
      'Sep 30 14:35:50 pfSense filterlog: 53,,,1000102631,em0,match,block,in,4,0x0,,64,892,0,none,6,tcp,44,10.0.2.2,10.0.2.15,59576,22,0,S,17536001,,65535,,mss',
      {
        variant: 'bsd-syslog', time: '2025-09-30T14:35:50.000Z', action: 'block', direction: 'in', iface: 'em0',
        proto: 6, src: '10.0.2.2', dst: '10.0.2.15', srcPort: 59576, dstPort: 22, tcpFlags: TCP_SYN,
        ttl: 64, ipId: 892, length: 44, window: 65535,
      },
    ],
    [
      'pfSense, <PRI> and [PID], no host, TCP',
      '<134>Jan  5 08:00:01 filterlog[4242]: 5,,,1000000103,igb0,match,block,in,4,0x0,,241,54321,0,none,6,tcp,40,198.51.100.23,203.0.113.10,48211,3389,0,S,2791836521,,1024,,',
      {
        variant: 'bsd-syslog', time: '2025-01-05T08:00:01.000Z', proto: 6, src: '198.51.100.23', dst: '203.0.113.10',
        srcPort: 48211, dstPort: 3389, tcpFlags: TCP_SYN, ttl: 241, window: 1024, iface: 'igb0',
      },
    ],
    [
      'protocol text in capitals (TCP)',
      '<134>Jan  5 08:00:02 filterlog[4242]: 5,,,1000000103,igb0,match,block,in,4,0x0,,241,54322,0,none,6,TCP,40,198.51.100.23,203.0.113.10,48211,445,0,S,2791836521,,1024,,',
      { proto: 6, dstPort: 445 },
    ],
    [
      'UDP',
      '<134>Jan  5 08:00:03 filterlog[4242]: 9,,,1000000105,igb0,match,block,in,4,0x0,,52,0,0,DF,17,udp,56,198.51.100.50,203.0.113.10,5060,5060,36',
      { proto: 17, srcPort: 5060, dstPort: 5060, tcpFlags: -1, ttl: 52, length: 56 },
    ],
    [
      'unpadded day, host and [PID], IPv6 TCP with zero-padded addresses (canonical out)',
      'Jan 5 08:00:06 fw.example.net filterlog[4242]: 9,,,1000000105,igb0,match,block,in,6,0x00,0x00000,57,tcp,6,20,2001:db8:0:0::1,2001:0db8::0002,61000,22,0,S,123456,,1024,,',
      {
        variant: 'bsd-syslog', time: '2025-01-05T08:00:06.000Z', proto: 6, src: '2001:db8::1', dst: '2001:db8::2',
        srcPort: 61000, dstPort: 22, ttl: 57, length: 60, tcpFlags: TCP_SYN,
      },
    ],
    [
      'IPv6 UDP, protocol text in capitals (pfSense prints tcpdump names for IPv6)',
      'Jan 5 08:00:07 fw.example.net filterlog[4242]: 6,,,1000000105,igb0,match,block,in,6,0x00,0x0a1b2,1,UDP,17,32,fe80::208:9bff:fe00:1,ff02::1:2,546,547,32',
      { proto: 17, src: 'fe80::208:9bff:fe00:1', dst: 'ff02::1:2', srcPort: 546, dstPort: 547, ttl: 1, length: 72 },
    ],
    [
      'RFC 5424 without <PRI>, TCP flags SEC, ECN field set',
      '1 2024-01-05T08:00:08.250000+01:00 fw.example.net filterlog 4242 - - 98,,,1627710987,vmx1,match,pass,in,4,0x2,0,128,848,0,DF,6,tcp,52,192.0.2.100,198.51.100.200,1029,443,0,SEC,3291118522,,8192,,mss;nop;wscale;nop;nop;sackOK',
      {
        variant: 'rfc5424', time: '2024-01-05T07:00:08.250Z', action: 'allow', proto: 6, dstPort: 443,
        tcpFlags: TCP_SYN | TCP_ECE | TCP_CWR, window: 8192,
      },
    ],
    [
      'OPNsense RFC 5424 with <PRI>, structured data and a 32-hex tracker',
      '<134>1 2024-03-01T10:00:00+00:00 OPNsense.example.net filterlog 12345 - [meta sequenceId="1"] 82,,,02f4bab031b57d1e30553ce08e0ec131,vtnet0,match,block,in,4,0x0,,244,10001,0,none,6,tcp,40,198.51.100.23,203.0.113.10,40001,23,0,S,1001,,1024,,',
      { variant: 'rfc5424', time: '2024-03-01T10:00:00.000Z', iface: 'vtnet0', proto: 6, dstPort: 23, ttl: 244 },
    ],
    [
      'OPNsense UUID tracker',
      '<134>1 2024-03-01T10:00:01+00:00 OPNsense.example.net filterlog 12345 - [meta sequenceId="2"] 82,,,a7a4c7d4-1f5b-4c9a-9e0b-3f1c2d4e5f60,vtnet0,match,block,in,4,0x0,,244,10002,0,none,6,tcp,40,198.51.100.23,203.0.113.10,40001,2323,0,S,1001,,1024,,',
      { proto: 6, dstPort: 2323 },
    ],
    [
      'OPNsense IPv6 (allddd corpus line), udp in lower case',
      '<134>1 2025-10-10T00:00:00+02:00 opnsense.filter.log filterlog 86605 - [meta sequenceId="1"] 61,,,1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d,eth0,match,pass,in,6,0x00,0xfd492,128,udp,17,60,fd00:1234:5678:9abc::1,fd00:1234:5678:9abc::2,63511,53,60',
      {
        variant: 'rfc5424', time: '2025-10-09T22:00:00.000Z', action: 'allow', proto: 17,
        src: 'fd00:1234:5678:9abc::1', dst: 'fd00:1234:5678:9abc::2', srcPort: 63511, dstPort: 53, ttl: 128, length: 100,
      },
    ],
    [
      'OPNsense 26 ICMPv6: ipv6-icmp, datalength, type and code keywords',
      '<134>1 2024-03-01T10:00:02+00:00 OPNsense.example.net filterlog 12345 - [meta sequenceId="3"] 82,,,02f4bab031b57d1e30553ce08e0ec131,vtnet0,match,block,in,6,0x00,0x00000,255,ipv6-icmp,58,32,fe80::1,ff02::1:ff00:2,datalength=32,neighbrsol,0,,,',
      { proto: 58, src: 'fe80::1', dst: 'ff02::1:ff00:2', srcPort: -1, dstPort: -1, icmpType: 135, icmpCode: 0 },
    ],
    [
      'OPNsense 26 ICMP echo request',
      '<134>1 2024-03-01T10:00:03+00:00 OPNsense.example.net filterlog 12345 - [meta sequenceId="4"] 82,,,02f4bab031b57d1e30553ce08e0ec131,vtnet0,match,block,in,4,0x0,,51,10003,0,none,1,icmp,84,198.51.100.24,203.0.113.10,datalength=64,echoreq,0,4660,1,',
      { proto: 1, icmpType: 8, icmpCode: 0, srcPort: -1, dstPort: -1 },
    ],
    [
      'OPNsense ICMP port unreachable by keyword',
      '<134>1 2024-03-01T10:00:03+00:00 fw filterlog 1 - - 82,,,0,vtnet0,match,block,out,4,0x0,,64,1,0,none,1,icmp,56,203.0.113.10,198.51.100.24,datalength=36,unreach,port-unr,,,',
      { proto: 1, direction: 'out', icmpType: 3, icmpCode: 3 },
    ],
    [
      'pfSense ICMP request,id,seq',
      'Jan  5 08:00:04 pfSense filterlog: 9,,,1000000105,igb0,match,block,in,4,0x0,,52,8,0,none,1,icmp,84,198.51.100.51,203.0.113.10,request,4711,10',
      { proto: 1, icmpType: 8, srcPort: -1, dstPort: -1 },
    ],
    [
      'pfSense ICMP unreachport,dst,proto,port: the quoted port is not the packet\'s',
      'Jan  5 08:00:04 pfSense filterlog: 9,,,1000000105,igb0,match,pass,out,4,0x0,,64,9,0,none,1,icmp,56,203.0.113.1,198.51.100.9,unreachport,198.51.100.200,UDP,33434',
      { proto: 1, icmpType: 3, icmpCode: 3, srcPort: -1, dstPort: -1 },
    ],
    [
      'older ICMP record: datalength only (wazuh corpus line)',
      'Jan 22 18:34:00 filterlog: 65,,,0,vmx1,match,pass,out,4,0x0,,63,21011,0,none,1,icmp,56,192.168.105.11,192.168.105.1,datalength=36',
      { variant: 'bsd-syslog', time: '2025-01-22T18:34:00.000Z', proto: 1, icmpType: -1, direction: 'out' },
    ],
    [
      'IGMP: no ports',
      'Jan  5 08:00:05 pfSense filterlog[4242]: 12,,,1000000107,igb0.20,match,pass,in,4,0xc0,,1,0,0,DF,2,igmp,32,192.0.2.17,239.255.255.250,datalength=8',
      { proto: 2, srcPort: -1, dstPort: -1, iface: 'igb0.20' },
    ],
    [
      'CARP: type, ttl, vhid, version, advskew, advbase',
      '<134>Jan  5 08:00:10 filterlog[4242]: 61,,,1000000114,lagg0,match,pass,out,4,0x0,,255,0,0,none,112,carp,56,203.0.113.2,224.0.0.18,advertise,255,1,2,0,1',
      { proto: 112, srcPort: -1, dstPort: -1, dst: '224.0.0.18' },
    ],
    [
      'a later fragment (offset 1480) carries no ports',
      '<134>Jan  5 08:00:09 filterlog[4242]: 9,,,1000000105,igb0,match,block,in,4,0x0,,64,4711,1480,none,17,udp,1500,198.51.100.60,203.0.113.10,',
      { proto: 17, srcPort: -1, dstPort: -1, length: 1500 },
    ],
    [
      'action unkn(%u), printed as the format itself by pfSense',
      '<134>Jan  5 08:00:11 filterlog[4242]: 9,,,1000000105,igb0,match,unkn(%u),in,4,0x0,,52,77,0,none,17,udp,68,198.51.100.70,203.0.113.10,33000,161,40',
      { action: 'unknown', proto: 17, dstPort: 161 },
    ],
    [
      'OPNsense truncated-ip=N note before the IPv4 fields',
      '<134>1 2024-03-01T10:00:04+00:00 OPNsense.example.net filterlog 12345 - [meta sequenceId="5"] 82,,,02f4bab031b57d1e30553ce08e0ec131,vtnet0,match,block,in,4,truncated-ip=1500,0x0,,51,10004,0,DF,17,udp,1500,198.51.100.25,203.0.113.10,4500,4500,1480',
      { proto: 17, srcPort: 4500, dstPort: 4500, ttl: 51, ipId: 10004 },
    ],
    [
      "pfSense error='truncated-ip …' note before the IPv4 fields",
      "<134>Jan  5 08:00:12 filterlog[4242]: 9,,,1000000105,igb0,match,block,in,4,error='truncated-ip 12 bytes missing!',0x0,,52,78,0,none,6,tcp,60,198.51.100.71,203.0.113.10,33001,80,0,PA,5:17,9,229,,",
      { proto: 6, dstPort: 80, tcpFlags: 0x08 | TCP_ACK, window: 229 },
    ],
    [
      'a TCP header too short to read: the packet, without ports',
      "<134>Jan  5 08:00:13 filterlog[4242]: 9,,,1000000105,igb0,match,block,in,4,0x0,,52,79,0,none,6,tcp,24,198.51.100.72,203.0.113.10,errormsg='tcp 0 [bad hdr length 4 - too short < 20]',",
      { proto: 6, srcPort: -1, dstPort: -1, src: '198.51.100.72' },
    ],
    [
      'direction in/out',
      '<134>Jan  5 08:00:14 filterlog[4242]: 9,,,1000000105,igb0,match,block,in/out,4,0x0,,52,80,0,none,17,udp,68,198.51.100.73,203.0.113.10,1,2,40',
      { direction: 'unknown', dstPort: 2 },
    ],
    [
      'CRLF line end',
      'Sep 30 14:35:50 pfSense filterlog: 53,,,1000102631,em0,match,block,in,4,0x0,,64,892,0,none,17,udp,44,10.0.2.2,10.0.2.15,59576,53,16\r',
      { proto: 17, dstPort: 53 },
    ],
  ])('%s', (_name, line, expected) => {
    expect(filterlogParser.sniff(line)).toBe(true);
    const r = parse(line);
    if (!isEvent(r)) throw new Error(`expected an event, got ${String(r)}`);
    expect(view(r)).toMatchObject({ family: 'filterlog', count: 1, ...expected });
  });
});

describe('filterlog rejects', () => {
  const head = '<134>Jan  5 08:00:01 filterlog[4242]: 5,,,1000000103,igb0,match,block,in,';
  test.each<[string, string, RejectReason]>([
    ['a bad address', `${head}4,0x0,,241,1,0,none,6,tcp,40,198.51.100.300,203.0.113.10,1,2,0,S,1,,1024,,`, 'bad-address'],
    ['an IPv4 address in an IPv6 record', `${head}6,0x00,0x00000,57,tcp,6,20,198.51.100.3,2001:db8::2,1,2,0,S,1,,1024,,`, 'bad-address'],
    ['protocol id and text disagree', `${head}4,0x0,,241,1,0,none,6,udp,40,198.51.100.3,203.0.113.10,1,2,8`, 'bad-protocol'],
    ['no protocol at all', `${head}4,0x0,,241,1,0,none,,,40,198.51.100.3,203.0.113.10,1,2,8`, 'bad-protocol'],
    ['a port out of range', `${head}4,0x0,,241,1,0,none,17,udp,40,198.51.100.3,203.0.113.10,70000,53,8`, 'bad-port'],
    ['a port that is not a number', `${head}4,0x0,,241,1,0,none,17,udp,40,198.51.100.3,203.0.113.10,domain,53,8`, 'bad-port'],
    ['UDP with a field too many', `${head}4,0x0,,241,1,0,none,17,udp,40,198.51.100.3,203.0.113.10,1,53,8,9`, 'bad-field-count'],
    ['TCP without its tail', `${head}4,0x0,,241,1,0,none,6,tcp,40,198.51.100.3,203.0.113.10,1,22,0,S,1`, 'bad-field-count'],
    ['a record cut after the addresses', `${head}4,0x0,,241,1,0,none,6,tcp,40,198.51.100.3,203.0.113.10`, 'bad-field-count'],
    ['IPv6 fields under an IPv4 version', `${head}4,0x00,0x00000,57,tcp,6,20,2001:db8::1,2001:db8::2,1,2,0,S,1,,1024,,`, 'malformed'],
    ['an IP version that is neither', `${head}5,0x0,,241,1,0,none,6,tcp,40,198.51.100.3,203.0.113.10,1,22,0,S,1,,1024,,`, 'malformed'],
    ['TCP flags that are not flags', `${head}4,0x0,,241,1,0,none,6,tcp,40,198.51.100.3,203.0.113.10,1,22,0,17,1,,1024,,`, 'malformed'],
    [
      'an action that is no pf action',
      '<134>Jan  5 08:00:01 filterlog[4242]: 5,,,1000000103,igb0,match,allow,in,4,0x0,,241,1,0,none,6,tcp,40,198.51.100.3,203.0.113.10,1,22,0,S,1,,1024,,',
      'bad-action',
    ],
    [
      'a rule number that is not a number (RFC 5424 with a broken structured-data field)',
      '<134>1 2025-10-10T00:00:00+02:00 fw filterlog 86605 missing bracket] 68,,,x,eth1,match,pass,out,4,0x0,,64,0,0,DF,17,udp,80,192.168.1.100,10.0.0.2,12162,53,60',
      'malformed',
    ],
    [
      'an impossible RFC 5424 stamp',
      '<134>1 2025-99-99T99:99:99+02:00 fw filterlog 86605 - - 68,,,x,eth1,match,pass,out,4,0x0,,64,0,0,DF,17,udp,80,192.168.1.100,10.0.0.1,12162,53,60',
      'bad-timestamp',
    ],
    [
      'a syslog frame whose stamp is not one',
      '<134>1 notastamp fw filterlog 86605 - - 68,,,x,eth1,match,pass,out,4,0x0,,64,0,0,DF,17,udp,80,192.168.1.100,10.0.0.1,12162,53,60',
      'bad-timestamp',
    ],
    ['a truncated IPv4 header', `${head}4,truncated-ip=12,`, 'truncated'],
  ])('%s', (_name, line, reason) => {
    expect(parse(line)).toBe(reason);
  });
});

describe('lines that are not filterlog records', () => {
  test.each([
    ['blank', ''],
    ['another program on the firewall', '<190>Mar  1 10:00:06 fw.example.net dhcpd[4711]: DHCPREQUEST for 192.0.2.50 via vtnet1'],
    ['filterlog about itself', 'Jan  5 08:00:01 fw filterlog[4242]: Failed to initialize: pflog0(No such device)'],
    ['another program mentioning filterlog', 'Jan  5 08:00:01 fw php-fpm[1]: /status_logs_filter.php: filterlog, 1,2,3,4,5,6,7,8,9'],
    ['a netfilter line', 'Jan  8 03:37:09 host kernel: [UFW BLOCK] IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 PROTO=TCP SPT=1 DPT=2'],
  ])('%s', (_name, line) => {
    expect(filterlogParser.sniff(line) === false || parse(line) === null).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The shared corpus against the oracle

function parseFile(path: string): ParseResult[] {
  return parseFileWith(filterlogParser, path, newCtx());
}

const corpusFiles = ['pfsense-filterlog', 'opnsense'].flatMap((dir) =>
  existsSync(join(CORPUS, dir))
    ? readdirSync(join(CORPUS, dir))
        .filter((f) => f.endsWith('.log'))
        .map((f) => `${dir}/${f}`)
    : [],
);

if (corpusFiles.length === 0) {
  test.skip(`shared corpus comparison (skipped: ${CORPUS} is absent)`, () => {});
} else {
  describe('shared corpus vs the oracle', () => {
    // Documented differences with the oracle: none so far. A difference goes here with the line
    // and the reasoning, never into the parser as a special case.
    test.each(corpusFiles)('%s', (file) => {
      const expected = JSON.parse(readFileSync(join(CORPUS, `${file}.expected.json`), 'utf8')) as OracleSummary;
      const results = parseFile(join(CORPUS, file));
      const got = summarize(results);
      expect(got.events).toBe(expected.events);
      expect(got.by_protocol_dst_port).toEqual(expected.by_protocol_dst_port);
      expect(got.by_src_ip).toEqual(expected.by_src_ip);
      expect(got.by_direction).toEqual(expected.by_direction);
      expect(got.events_by_variant).toEqual(expected.events_by_variant);
      // Lines the oracle does not count are not firewall records: sniff false or null, no rejects.
      expect(results.filter((r) => typeof r === 'string')).toEqual([]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures (they travel with the repository, so they run without the shared corpus too)

describe('fixtures/filterlog', () => {
  test.each<[string, number, Record<string, number>]>([
    [
      'crowdsec-pf-scan-multi-port.log',
      16,
      {
        'tcp/22': 1, 'tcp/2222': 1, 'tcp/21': 1, 'tcp/23': 1, 'tcp/25': 1, 'tcp/80': 1, 'tcp/8081': 1, 'tcp/8082': 1,
        'tcp/443': 1, 'tcp/4443': 1, 'tcp/145': 1, 'tcp/3306': 1, 'tcp/336': 1, 'tcp/1234': 1, 'tcp/4567': 1, 'tcp/9090': 1,
      },
    ],
    ['allddd-filter-valid.log', 20, { 'tcp/443': 8, 'tcp/45236': 1, 'tcp/80': 1, 'tcp/8002': 2, 'udp/53': 8 }],
    [
      'pfsense-crafted.log',
      11,
      {
        'tcp/3389': 1, 'tcp/445': 1, 'udp/5060': 1, 'icmp/-': 1, 'igmp/-': 1, 'tcp/22': 1, 'udp/547': 1,
        'tcp/443': 1, 'udp/-': 1, 'vrrp/-': 1, 'udp/161': 1,
      },
    ],
    ['opnsense-crafted.log', 6, { 'tcp/23': 1, 'tcp/2323': 1, 'icmpv6/-': 1, 'icmp/-': 1, 'udp/4500': 1, 'tcp/8443': 1 }],
  ])('%s', (file, events, byPort) => {
    const results = parseFile(join(FIXTURES, file));
    const got = summarize(results);
    expect(got.events).toBe(events);
    expect(got.by_protocol_dst_port).toEqual(byPort);
    expect(results.filter((r) => typeof r === 'string')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Never throws

function realLines(): string[] {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.log')).map((f) => join(FIXTURES, f));
  for (const file of corpusFiles) files.push(join(CORPUS, file));
  return files.flatMap(linesOf);
}

describe('garbage', () => {
  const ok = (r: ParseResult): boolean => r === null || isEvent(r) || (typeof r === 'string' && REASONS.has(r));

  test('every prefix of every real line gives an event, a reject reason or null', () => {
    const ctx = newCtx();
    let checked = 0;
    for (const line of realLines()) {
      for (let n = 0; n <= line.length; n++) {
        const prefix = line.slice(0, n);
        filterlogParser.sniff(prefix);
        const r = filterlogParser.parse(prefix, ctx);
        if (!ok(r)) throw new Error(`prefix ${n} of ${line} gave ${String(r)}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  test.each([
    'filterlog',
    'filterlog:,,,,,,,,,,,,,,,,,,,,,,,,,,,,',
    'filterlog: ,,,,,,,,,',
    '<134>filterlog[]: 1,2,3,4,5,6,7,8,9,10',
    '1 2024-01-01T00:00:00Z h filterlog 1 - [a="]" 1,,,,,,,,',
    'Jan  1 00:00:00 h filterlog: 1,,,0,em0,match,block,in,6,0x00,0x00000,57,tcp,6,20,::,::,1,2,0,SSSSSSSSS,1,,1,,',
    `Jan  1 00:00:00 h filterlog: ${'9'.repeat(400)},,,,,,,,`,
    '\u0000\uffff filterlog \ud800,,,,,,,,,',
  ])('%j', (line) => {
    expect(ok(parse(line))).toBe(true);
  });
});
