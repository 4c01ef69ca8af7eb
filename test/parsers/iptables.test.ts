/**
 * netfilter LOG lines, one row per variant seen in the wild. Lines marked (corpus) are copied from
 * ../shared/corpus/iptables (origin in its SOURCES.md); the others are written for the variant named.
 */
import { parseIptables, sniffIptables } from '../../parsers/iptables.js';
import { protoName } from '../../src/net/protocols.js';
import { newParseContext, type PacketEvent, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, TCP_URG } from '../../src/types.js';

// Reference "now" for stamps without a year: 2026-06-30 12:00 UTC.
const ctx = () => newParseContext({ referenceTime: Date.UTC(2026, 5, 30, 12), timeZone: 'UTC' });

type Want = Partial<Omit<PacketEvent, 'proto' | 'time'>> & { proto?: string; time?: string | null };

function summarise(ev: PacketEvent, want: Want): Record<string, unknown> {
  const got: Record<string, unknown> = {};
  for (const k of Object.keys(want)) {
    if (k === 'proto') got.proto = protoName(ev.proto);
    else if (k === 'time') got.time = Number.isNaN(ev.time) ? null : new Date(ev.time).toISOString();
    else got[k] = ev[k as keyof PacketEvent];
  }
  return got;
}

const rows: [string, string, Want][] = [
  [
    'ufw, BSD syslog, kernel uptime (corpus: ufw-spazz-pogo-bot)',
    'Jul 31 20:23:19 Team-Harmony kernel: [   43.132314] [UFW BLOCK] IN=eth0 OUT= MAC=b2:09:12:69:72:6f:84:b5:9c:f9:18:30:08:00 SRC=37.139.50.4 DST=104.131.169.143 LEN=40 TOS=0x00 PREC=0x00 TTL=246 ID=54321 PROTO=TCP SPT=53172 DPT=8545 WINDOW=65535 RES=0x00 SYN URGP=0 ',
    { variant: 'ufw', action: 'block', direction: 'in', proto: 'tcp', src: '37.139.50.4', dst: '104.131.169.143', srcPort: 53172, dstPort: 8545, tcpFlags: TCP_SYN, ttl: 246, ipId: 54321, window: 65535, length: 40, iface: 'eth0', time: '2025-07-31T20:23:19.000Z' },
  ],
  [
    'rsyslog RFC 3339 with microseconds and offset, AUDIT (corpus: ufw-alfonsodeuna-iso)',
    '2025-01-23T12:22:21.537693-05:00 ubuntu2204 kernel: [UFW AUDIT] IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.53 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=35134 DF PROTO=TCP SPT=46734 DPT=80 WINDOW=250 RES=0x00 ACK FIN URGP=0 ',
    { action: 'audit', direction: 'in', proto: 'tcp', dstPort: 80, tcpFlags: TCP_ACK | TCP_FIN, time: '2025-01-23T17:22:21.537Z' },
  ],
  [
    '<PRI> + BSD, EdgeOS rule name glued to IN= (corpus: elastic)',
    '<161>Oct 10 07:25:12 Hostname kernel: [wan-lan-default-D]IN=eth0 OUT= MAC=90:10:20:76:8d:20:90:10:65:29:b6:2a:08:00 SRC=67.43.156.15 DST=10.4.0.5 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=38842 DPT=443 WINDOW=2853 RES=0x00 ACK URGP=0',
    { action: 'block', direction: 'in', src: '67.43.156.15', dstPort: 443, tcpFlags: TCP_ACK, time: '2025-10-10T07:25:12.000Z' },
  ],
  [
    '<PRI> + RFC 3339 Z (corpus: elastic)',
    '<6>2021-03-12T14:10:18Z Hostname kernel: [wan-lan-default-D]IN=eth0 OUT= MAC=90:10:20:76:8d:20:90:10:65:29:b6:2a:08:00 SRC=67.43.156.15 DST=10.4.0.5 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=38842 DPT=443 WINDOW=2853 RES=0x00 ACK URGP=0',
    { time: '2021-03-12T14:10:18.000Z', action: 'block' },
  ],
  [
    'EdgeOS accept rule -A] (corpus: elastic)',
    'Jan  5 20:17:01 MainFirewall kernel: [WAN_OUT-2000-A]IN=eth0 OUT=eth2 MAC=90:10:20:76:8d:20:90:10:24:67:f4:89:08:00 SRC=192.168.134.158 DST=192.168.2.25 LEN=265 TOS=0x00 PREC=0x00 TTL=63 ID=51768 DF PROTO=TCP SPT=43189 DPT=443 WINDOW=159 RES=0x00 ACK PSH URGP=0',
    { action: 'allow', direction: 'fwd', tcpFlags: TCP_ACK | TCP_PSH, iface: 'eth0' },
  ],
  [
    'no host, no program: the prefix where the tag would be (corpus: elastic)',
    'Jan  8 03:37:09 DENY: IN=eth0 OUT= MAC=90:10:28:5f:62:24:90:10:18:5a:89:2a:08:00 SRC=192.168.2.71 DST=192.168.2.83 LEN=88 TOS=0x00 PREC=0x00 TTL=118 ID=21684 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.168.2.83 DST=192.168.173.191 LEN=60 TOS=0x00 PREC=0x00 TTL=127 ID=4017 PROTO=UDP SPT=9993 DPT=47042 LEN=40 ] ',
    // ICMP error: the event is the outer packet; the quoted inner DPT=47042 is not a port of it.
    { action: 'block', proto: 'icmp', src: '192.168.2.71', dst: '192.168.2.83', srcPort: -1, dstPort: -1, icmpType: 3, icmpCode: 3, ipId: 21684 },
  ],
  [
    'IPv6 zero-padded addresses, HOPLIMIT, ICMPv6 with its own ID= (corpus: psad-topera)',
    'Dec 20 20:10:01 rohan kernel: [  449.059606] DROP IN=eth0 OUT= MAC=00:1b:b9:76:9c:e4:00:13:46:3a:41:36:86:dd SRC=2012:1234:1234:0000:0000:0000:0000:0001 DST=2012:1234:1234:0000:0000:0000:0000:0002 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=136 CODE=0',
    { src: '2012:1234:1234::1', dst: '2012:1234:1234::2', proto: 'icmpv6', ttl: 255, ipId: -1, icmpType: 136, icmpCode: 0, action: 'block' },
  ],
  [
    'IPv6 extension headers printed as OPT ( ) (corpus: psad-topera)',
    'Dec 20 20:10:01 rohan kernel: [  449.059230] DROP IN=eth0 OUT= MAC=00:1b:b9:76:9c:e4:00:13:46:3a:41:36:86:dd SRC=2012:1234:1234:0000:0000:0000:0000:0001 DST=2012:1234:1234:0000:0000:0000:0000:0002 LEN=132 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) OPT ( ) PROTO=TCP SPT=58537 DPT=1234 WINDOW=8192 RES=0x00 SYN URGP=0 ',
    { proto: 'tcp', dstPort: 1234, srcPort: 58537, tcpFlags: TCP_SYN },
  ],
  [
    'Shorewall prefix glued to IN=, numeric protocol 2 (corpus: psad-ipv4-igmp)',
    'Apr 24 12:06:50 localhost kernel: [ 3445.031964] Shorewall:wlan0_mac:DROP:IN=wlan0 OUT= MAC=02:00:5e:02:03:01:18:53:33:33:d6:41:03:00 SRC=192.168.10.55 DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=0 PROTO=2',
    { action: 'block', proto: 'igmp', dstPort: -1, iface: 'wlan0' },
  ],
  [
    'unnamed protocol number; SCTP without ports (corpus: psad-proto-scan)',
    'Mar 15 20:59:01 linux kernel: [810520.898006] DROP IN=eth0 OUT= MAC=23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00 SRC=192.168.10.55 DST=192.168.10.1 LEN=52 TOS=0x00 PREC=0x00 TTL=49 ID=20091 PROTO=132 ',
    { proto: 'sctp', dstPort: -1 },
  ],
  [
    'INCOMPLETE packet: no ports (corpus: psad-proto-scan)',
    'Mar 15 20:58:59 linux kernel: [810518.886753] DROP IN=eth0 OUT= MAC=23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00 SRC=192.168.10.55 DST=192.168.10.1 LEN=20 TOS=0x00 PREC=0x00 TTL=40 ID=40147 PROTO=UDPLITE INCOMPLETE [0 bytes] ',
    { proto: 'udplite', dstPort: -1, srcPort: -1 },
  ],
  [
    'Proxmox pvefw-logger, no OUT= (corpus: crowdsec-proxmox)',
    '0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0.94 MAC=24:8a:07:9a:2a:f2:24:8a:07:50:2c:9e:08:00 SRC=10.3.94.11 DST=10.3.94.12 LEN=52 TOS=0x00 PREC=0xC0 TTL=255 ID=64317 DF PROTO=UDP SPT=49152 DPT=3784 LEN=32',
    { variant: 'proxmox', action: 'block', direction: 'in', proto: 'udp', dstPort: 3784, time: '2022-06-20T11:09:14.000Z' },
  ],
  [
    'Proxmox, only OUT= (corpus: crowdsec-proxmox)',
    '0 1 PVEFW-HOST-OUT 20/Jun/2022:13:16:23 +0200 REJECT: OUT=vmbr0.94 SRC=10.3.94.12 DST=10.3.94.10 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=59156 DF PROTO=TCP SPT=49566 DPT=22 SEQ=708451139 ACK=0 WINDOW=64240 SYN ',
    { action: 'block', direction: 'out', dstPort: 22, tcpFlags: TCP_SYN, window: 64240 },
  ],
  [
    'Proxmox bridge: PHYSIN= is not IN=, no action word (corpus: crowdsec-proxmox)',
    '0 5 GROUP-security1-IN 20/Jun/2022:15:52:26 +0200 IN=fwbr101i0 OUT=fwbr101i0 PHYSIN=fwln101i0 PHYSOUT=tap101i0 MAC=a2:1b:bb:df:61:a5:6e:68:28:cc:2a:0c:08:00 SRC=10.3.95.34 DST=10.3.95.200 LEN=60 TOS=0x10 PREC=0x00 TTL=63 ID=8526 DF PROTO=TCP SPT=51606 DPT=22 SEQ=3720078294 ACK=0 WINDOW=64240 SYN',
    { action: 'unknown', direction: 'fwd', iface: 'fwbr101i0' },
  ],
  [
    'plain kernel LOG with no prefix, CRLF already stripped (corpus: knocker)',
    'Aug 28 15:34:27 raspberrypi kernel: [ 1048.213512] IN=wlan0 OUT= MAC=b8:27:eb:6b:be:6a:98:de:d0:16:02:f7:08:00 SRC=192.168.1.5 DST=192.168.1.4 LEN=104 TOS=0x00 PREC=0x00 TTL=128 ID=4385 DF PROTO=TCP SPT=63644 DPT=22 WINDOW=353 RES=0x00 ACK PSH URGP=0',
    { action: 'unknown', direction: 'in', tcpFlags: TCP_ACK | TCP_PSH },
  ],
  [
    'ESP has no ports (corpus: elastic)',
    'Jan  5 20:17:01 firewall kernel: [4276041.728154] IN=eno1 OUT= MAC=0c:c4:7a:0f:51:0c:d4:66:24:80:d8:da:08:00 SRC=192.168.110.116 DST=192.168.2.25 LEN=120 TOS=0x00 PREC=0x00 TTL=55 ID=0 DF PROTO=ESP SPI=0xcb886522',
    { proto: 'esp', dstPort: -1 },
  ],
  [
    'journalctl short-iso with +0000, firewalld prefix with quotes',
    '2024-03-01T10:00:00+0000 web1 kernel: filter_IN_public_REJECT: IN=eth0 OUT= MAC=00:00:00:00:00:01:00:00:00:00:00:02:08:00 SRC=198.51.100.7 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=3089 WINDOW=1024 RES=0x00 SYN URGP=0',
    { action: 'block', dstPort: 3089, time: '2024-03-01T10:00:00.000Z' },
  ],
  [
    'RFC 5424 framing',
    '<4>1 2024-03-01T10:00:00.5+01:00 gw kernel - - - [UFW LIMIT BLOCK] IN=eth0 OUT= MAC=00:00:00:00:00:01:00:00:00:00:00:02:08:00 SRC=198.51.100.8 DST=203.0.113.10 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=40001 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0',
    { action: 'block', variant: 'ufw', time: '2024-03-01T09:00:00.500Z' },
  ],
  [
    'printk caller id [  C0] after the uptime; DROP(src wan) glued prefix',
    'Mar  1 10:00:00 router kernel: [ 1234.567890] [  C0] DROP(src wan)IN=wan OUT= MAC=00:00:00:00:00:01:00:00:00:00:00:02:08:00 SRC=198.51.100.9 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=55555 DPT=23 WINDOW=65535 RES=0x00 SYN URGP=0',
    { action: 'block', iface: 'wan', dstPort: 23 },
  ],
  [
    'nftables log prefix and stealth flags (Xmas: FIN PSH URG)',
    'Mar  1 10:00:00 host kernel: nft-drop-in: IN=eth0 OUT= MAC=00:00:00:00:00:01:00:00:00:00:00:02:08:00 SRC=198.51.100.10 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=1 PROTO=TCP SPT=1234 DPT=80 WINDOW=1024 RES=0x00 URG PSH FIN URGP=0',
    { action: 'block', tcpFlags: TCP_URG | TCP_PSH | TCP_FIN },
  ],
  [
    'NULL scan: no flags at all',
    'Mar  1 10:00:00 host kernel: DROP IN=eth0 OUT= SRC=198.51.100.11 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=1 PROTO=TCP SPT=1234 DPT=81 WINDOW=1024 RES=0x00 URGP=0',
    { tcpFlags: 0, dstPort: 81 },
  ],
  [
    'a host name that contains a block word does not make the action',
    'Mar  1 10:00:00 dropbox-backup kernel: IN=eth0 OUT= SRC=198.51.100.12 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=1 PROTO=UDP SPT=1234 DPT=53 LEN=20',
    { action: 'unknown', proto: 'udp', dstPort: 53 },
  ],
  [
    'a non-first fragment has no ports',
    'Mar  1 10:00:00 host kernel: DROP IN=eth0 OUT= SRC=198.51.100.13 DST=203.0.113.1 LEN=1500 TOS=0x00 PREC=0x00 TTL=40 ID=7 FRAG=185 PROTO=UDP ',
    { proto: 'udp', dstPort: -1 },
  ],
];

test.each(rows)('%s', (_name, line, want) => {
  expect(sniffIptables(line)).toBe(true);
  const ev = parseIptables(line, ctx());
  expect(typeof ev).toBe('object');
  expect(summarise(ev as PacketEvent, want)).toEqual(want);
});

const rejects: [string, string, string][] = [
  [
    'two kernel messages interleaved: no DST (corpus: ufw-alfonsodeuna-iso line 48)',
    '2025-01-23T12:34:44.725769-05:00 ubuntu2204 kernel: [UFW AUDIT] IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.53 DS.189.91.96 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=35134 DF PROTO=TCP SPT=46734 DPT=80 WINDOW=250 RES=0x00 ACK FIN URGP=0 ',
    'missing-dst',
  ],
  ['bad address', 'Mar  1 10:00:00 host kernel: DROP IN=eth0 OUT= SRC=300.1.2.3 DST=203.0.113.1 LEN=40 PROTO=TCP SPT=1 DPT=2', 'bad-address'],
  ['port out of range', 'Mar  1 10:00:00 host kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=203.0.113.1 LEN=40 PROTO=TCP SPT=1 DPT=70000', 'bad-port'],
  ['unknown protocol name', 'Mar  1 10:00:00 host kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=203.0.113.1 LEN=40 PROTO=FOO', 'bad-protocol'],
  ['TCP cut before its ports', 'Mar  1 10:00:00 host kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=203.0.113.1 LEN=40 TTL=3 PROTO=TCP', 'truncated'],
];

test.each(rejects)('rejects: %s', (_name, line, reason) => {
  expect(parseIptables(line, ctx())).toBe(reason);
});

test.each([
  ['May 29 00:00:50 vultr systemd[1]: Started Rotate log files.'],
  ['May 29 00:04:31 vultr dockerd[433]: time="2022-05-29T00:04:31Z" level=info msg="NetworkDB stats"'],
  [''],
])('not a netfilter line: %s', (line) => {
  expect(sniffIptables(line)).toBe(false);
});

test('a truncated line never throws: every prefix of a real line parses to an event or a reason', () => {
  const line = rows[0][1];
  for (let n = 0; n <= line.length; n++) {
    const r = parseIptables(line.slice(0, n), ctx());
    expect(r === null || typeof r === 'string' || typeof r === 'object').toBe(true);
  }
});

test('a syslog stamp without a year takes the latest year not after the reference time', () => {
  // Reference 2026-01-02: a December line is from 2025 (New Year inside the log), January from 2026.
  const c = newParseContext({ referenceTime: Date.UTC(2026, 0, 2), timeZone: 'UTC' });
  const dec = parseIptables(rows[0][1].replace('Jul 31', 'Dec 31'), c) as PacketEvent;
  const jan = parseIptables(rows[0][1].replace('Jul 31', 'Jan  1'), c) as PacketEvent;
  expect(new Date(dec.time).toISOString()).toBe('2025-12-31T20:23:19.000Z');
  expect(new Date(jan.time).toISOString()).toBe('2026-01-01T20:23:19.000Z');
});

test('--tz: a stamp without offset is wall-clock time in the given zone', () => {
  const c = newParseContext({ referenceTime: Date.UTC(2026, 5, 30), timeZone: 'Europe/Berlin' });
  const ev = parseIptables(rows[0][1], c) as PacketEvent;
  // 31 July is summer time in Berlin (UTC+2); the reference makes it 2025.
  expect(new Date(ev.time).toISOString()).toBe('2025-07-31T18:23:19.000Z');
});
