/**
 * The rules visit the sources out of order (spreadOrder: every 64th first, for V8's sake); what a
 * source is classed as must not depend on that, nor on where in the log it first appears.
 */
import { spreadOrder } from '../../src/classify/classify.js';
import type { PacketEvent } from '../../src/types.js';
import { classOf, ev, HOST, many, MIN, run, SEC, T0 } from './events.js';

describe('spreadOrder', () => {
  test.each([0, 1, 63, 64, 65, 200, 1000])('visits each of %i ids once: every 64th first, then the rest in order', (n) => {
    const seen: number[] = [];
    spreadOrder(n, (id) => seen.push(id));
    const sample = Array.from({ length: Math.ceil(n / 64) }, (_, k) => k * 64);
    const rest = Array.from({ length: n }, (_, id) => id).filter((id) => id % 64 !== 0);
    expect(seen).toEqual([...sample, ...rest]);
  });
});

describe('a log of 260 sources, the ones that matter among them at ids visited early and late', () => {
  // One SYN each from its own /24: background, and a candidate of the distributed pass (alone in its group).
  const filler = (i: number): PacketEvent[] => [ev({ src: `45.${1 + (i >> 8)}.${i & 255}.9`, time: T0 + i * SEC })];
  const ports = (src: string, first: number, n: number) => many(n, { src }, (i) => ({ dstPort: first + i, time: T0 + (first + i - 1000) * SEC }));
  const special = new Map<number, PacketEvent[]>([
    [64, ports('198.51.100.7', 2000, 20)], // vertical: 20 ports of one host in 100 s
    [100, ports('198.51.100.8', 3000, 16)],
    [128, many(12, { src: '192.0.2.44', dstPort: 3389 }, (i) => ({ time: T0 + i * 2 * MIN }))], // targeted: 12 over 22 min
    [63, ports('203.0.113.200', 1000, 8)], // distributed, IPv4: 8 + 7 ports of one host from one /24
    [192, ports('203.0.113.201', 1008, 7)],
    [65, ports('2001:db8:1:1::20', 1100, 8)], // distributed, IPv6: 8 + 7 ports from one /48
    [250, ports('2001:db8:1:2::21', 1108, 7)],
  ]);
  const events: PacketEvent[] = [];
  for (let id = 0; id < 260; id++) events.push(...(special.get(id) ?? filler(id)));
  const c = run(events);

  test('the ids are where the test put them', () => {
    expect(c.aggregate.sources.size).toBe(260);
    expect(c.aggregate.sources.get('203.0.113.200')!.id).toBe(63);
    expect(c.aggregate.sources.get('2001:db8:1:2::21')!.id).toBe(250);
  });

  test('each source is classed as its rule says', () => {
    expect(classOf(c, '198.51.100.7')).toBe('vertical-scan');
    expect(classOf(c, '198.51.100.8')).toBe('vertical-scan');
    expect(classOf(c, '192.0.2.44')).toBe('targeted');
    for (const a of ['203.0.113.200', '203.0.113.201', '2001:db8:1:1::20', '2001:db8:1:2::21']) expect(classOf(c, a)).toBe('distributed-scan');
    for (let id = 0; id < 260; id++) if (!special.has(id)) expect(classOf(c, `45.${1 + (id >> 8)}.${id & 255}.9`)).toBe('background');
    expect(c.classCounts).toEqual(expect.objectContaining({ 'vertical-scan': 2, targeted: 1, 'distributed-scan': 4, background: 253 }));
  });

  test('the groups are found with their members, most packets first', () => {
    const groups = c.scans.filter((s) => s.kind === 'distributed');
    expect(groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ group: '203.0.113.0/24', sources: ['203.0.113.200', '203.0.113.201'], target: HOST, ports: 15 }),
        expect.objectContaining({ group: '2001:db8:1::/48', sources: ['2001:db8:1:1::20', '2001:db8:1:2::21'], target: HOST, ports: 15 }),
      ]),
    );
    expect(groups).toHaveLength(2);
  });
});
