/**
 * ParseContext.ipv4ByNumber (set by the parse worker, whose consumer reads IPv4 addresses by
 * number): every parser then gives an IPv4 address as srcV4/dstV4 and may leave its text empty. The
 * same lines must give the same events otherwise, and the same rejects: every line of every
 * fixture, of the shared corpus where it is present, and addresses made bad on purpose.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ipv4ToNumber } from '../../src/net/ip.js';
import { isEvent, newParseContext, type PacketEvent, type ParseResult } from '../../src/types.js';
import { detectionOrder } from '../../parsers/index.js';

/** Every .log file below `dir` (recursively). */
function logs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? logs(join(dir, e.name)) : e.name.endsWith('.log') ? [join(dir, e.name)] : [],
  );
}

const files = [...logs(join(process.cwd(), 'fixtures')), ...logs(join(process.cwd(), '..', 'shared', 'corpus'))];

/** Each line's result, parsed with ipv4ByNumber off and on (contexts of their own, same anchors). */
function both(lines: string[]): [ParseResult | undefined, ParseResult | undefined][] {
  const ctx = (byNumber: boolean) => {
    const c = newParseContext({ referenceTime: Date.UTC(2026, 0, 1), timeZone: 'UTC' });
    c.ipv4ByNumber = byNumber;
    return c;
  };
  const plain = ctx(false);
  const numbered = ctx(true);
  return lines.map((line) => {
    const p = detectionOrder.find((x) => x.sniff(line));
    const a = p?.parse(line, plain);
    const r1 = a !== undefined && a !== null && isEvent(a) ? { ...a } : a;
    const b = p?.parse(line, numbered);
    const r2 = b !== undefined && b !== null && isEvent(b) ? { ...b } : b;
    return [r1, r2];
  });
}

/** The event `plain` as a parser reading IPv4 by number may give it. */
function byNumber(plain: PacketEvent, got: PacketEvent): PacketEvent {
  const src = plain.src.includes(':') ? plain.src : '';
  const dst = plain.dst.includes(':') ? plain.dst : '';
  return {
    ...plain,
    // The text may stay (the iptables string path keeps it); the number must be there.
    src: got.src === plain.src ? plain.src : src,
    dst: got.dst === plain.dst ? plain.dst : dst,
    srcV4: plain.src.includes(':') ? -1 : ipv4ToNumber(plain.src),
    dstV4: plain.dst.includes(':') ? -1 : ipv4ToNumber(plain.dst),
  };
}

function expectSame(pairs: [ParseResult | undefined, ParseResult | undefined][]): number {
  let events = 0;
  for (const [plain, numbered] of pairs) {
    if (plain !== undefined && plain !== null && isEvent(plain)) {
      expect(numbered !== undefined && numbered !== null && isEvent(numbered)).toBe(true);
      const got = numbered as PacketEvent;
      expect(got).toEqual(byNumber(plain, got));
      events++;
    } else {
      expect(numbered).toEqual(plain);
    }
  }
  return events;
}

test('the files read give IPv4 events of every line family (guards the test itself)', () => {
  const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n'));
  const families = new Set(
    both(lines)
      .map(([p]) => p)
      .filter((p): p is PacketEvent => p !== undefined && p !== null && isEvent(p) && !p.src.includes(':'))
      .map((p) => p.family),
  );
  expect([...families].sort()).toEqual(['filterlog', 'iptables', 'pf', 'windows']);
});

test.each(files.map((f) => [relative(process.cwd(), f), f]))('%s: the same events and rejects', (_name, f) => {
  expectSame(both(readFileSync(f, 'utf8').split('\n')));
});

test('bad IPv4 addresses are rejected the same way, in every family', () => {
  const lines = [
    'Nov 19 00:00:00 fw filterlog[3313]: 5,,,1000000103,igb0,match,block,in,4,0x0,,40,0,0,none,6,tcp,44,118.251.247.720,203.0.113.1,65201,80,0,S,0,,1024,,mss',
    'Nov 19 00:00:00 fw filterlog[3313]: 5,,,1000000103,igb0,match,block,in,4,0x0,,40,0,0,none,6,tcp,44,118.251.247.72,203.0.113,65201,80,0,S,0,,1024,,mss',
    'Nov 19 00:00:00 fw filterlog[3313]: 5,,,1000000103,igb0,match,block,in,4,0x0,,40,0,0,none,6,tcp,44,118.251.247.072,203.0.113.1,65201,80,0,S,0,,1024,,mss',
    'Nov 19 00:00:00.000000 rule 4/(match) block in on em0: 118.251.247.272.65201 > 203.0.113.1.80: S 0:0(0) win 1024 <mss 1460>',
    'Nov 19 00:00:00.000000 rule 4/(match) block in on em0: 118.251.247.72.65201 > 203.0.x.1.80: S 0:0(0) win 1024 <mss 1460>',
    'Nov 19 00:00:00.000000 rule 4/(match) block in on em0: 118.251.247.72.65201 > 203.0.113.1.80: S 0:0(0) win 1024 <mss 1460>',
    '#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path',
    '2024-03-31 01:59:58 DROP TCP 203.0.113.700 192.0.2.10 40001 22 44 S 1001 0 1024 - - - RECEIVE',
    '2024-03-31 01:59:58 DROP TCP 203.0.113.7 192.0.2 40001 22 44 S 1001 0 1024 - - - RECEIVE',
    '2024-03-31 01:59:58 DROP TCP 203.0.113.7 192.0.2.10 40001 22 44 S 1001 0 1024 - - - RECEIVE',
  ];
  const pairs = both(lines);
  expect(pairs.map(([p]) => (p !== undefined && p !== null && isEvent(p) ? 'event' : p))).toEqual([
    'bad-address',
    'bad-address',
    'event',
    'bad-address',
    'bad-address',
    'event',
    null,
    'bad-address',
    'bad-address',
    'event',
  ]);
  expectSame(pairs);
});
