/**
 * The aggregate's compact structures against a plain model: Maps and arrays of the events, counted
 * the obvious way. Random events (a fixed seed) over few enough addresses and ports that sources
 * touch many pairs, pairs repeat, and ports share destinations.
 */
import { Aggregate, ACTIONS, DIRECTIONS, isInbound, isProbe, keyPort, keyProto, PairTable, portKey } from '../../src/aggregate.js';
import { AddressIndex } from '../../src/net/address-index.js';
import { newEvent, type Action, type Direction, type PacketEvent } from '../../src/types.js';
import { rng } from '../helpers/rng.js';
import { ipv4ToNumber } from '../../src/net/ip.js';

const T0 = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

function randomEvents(n: number, seed: number, spanMs: number, fractions = false): PacketEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const sources = Array.from({ length: 300 }, (_, i) => (i % 10 === 9 ? `2001:db8::${(i + 1).toString(16)}` : `198.51.${i >> 8}.${i & 255}`));
  const dsts = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '192.168.1.5', '2001:db8:ffff::1'];
  const out: PacketEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e = newEvent('iptables', 'test');
    // One source in ten is seen once (the Internet's background): its one pair stays inline.
    const once = r() < 0.1;
    e.src = once ? `100.64.${(i >> 8) & 255}.${i & 255}` : pick(sources);
    e.dst = once ? `192.0.2.${i & 255}` : pick(dsts);
    e.proto = pick([6, 6, 6, 17, 17, 1, 47]);
    e.dstPort = e.proto === 6 || e.proto === 17 ? pick([22, 23, 80, 443, 3089, 3389, 5060, 65535, 0]) : -1;
    e.srcPort = e.dstPort < 0 ? -1 : 1024 + Math.floor(r() * 60000);
    e.action = pick<Action>(['block', 'block', 'allow', 'audit', 'unknown']);
    e.direction = pick<Direction>(['in', 'in', 'in', 'out', 'fwd', 'unknown']);
    e.time = r() < 0.05 ? NaN : T0 + Math.floor(r() * spanMs) + (fractions && r() < 0.1 ? 0.5 : 0);
    e.count = r() < 0.05 ? 3 : 1;
    out.push(e);
  }
  return out;
}

interface PairModel {
  count: number;
  probed: boolean;
  first: number;
  last: number;
}

/** The figures the aggregate keeps, from the events by brute force. */
function model(events: readonly PacketEvent[]) {
  const sources = new Map<string, { events: number; probes: number; first: number; last: number; pairs: Map<string, PairModel>; ports: Set<number>; dsts: Set<string> }>();
  const ports = new Map<number, { events: number; probes: number; byAction: number[]; byDirection: number[]; sources: Set<string>; probeSources: Set<string>; dsts: Set<string> }>();
  const min = (a: number, b: number) => (a === a ? (b === b ? Math.min(a, b) : a) : b);
  const max = (a: number, b: number) => (a === a ? (b === b ? Math.max(a, b) : a) : b);
  for (const e of events) {
    const probe = isProbe(e);
    const key = portKey(e.proto, e.dstPort);
    let s = sources.get(e.src);
    if (s === undefined) sources.set(e.src, (s = { events: 0, probes: 0, first: NaN, last: NaN, pairs: new Map(), ports: new Set(), dsts: new Set() }));
    s.events += e.count;
    if (probe) s.probes += e.count;
    s.first = min(s.first, e.time);
    s.last = max(s.last, e.time);
    s.ports.add(key);
    s.dsts.add(e.dst);
    const pk = `${e.dst}|${key}`;
    const pair = s.pairs.get(pk) ?? { count: 0, probed: false, first: NaN, last: NaN };
    pair.count += e.count;
    pair.probed ||= probe;
    pair.first = min(pair.first, e.time);
    pair.last = max(pair.last, e.time);
    s.pairs.set(pk, pair);
    let p = ports.get(key);
    if (p === undefined) ports.set(key, (p = { events: 0, probes: 0, byAction: [0, 0, 0, 0], byDirection: [0, 0, 0, 0], sources: new Set(), probeSources: new Set(), dsts: new Set() }));
    p.events += e.count;
    if (probe) p.probes += e.count;
    p.byAction[ACTIONS.indexOf(e.action)] += e.count;
    p.byDirection[DIRECTIONS.indexOf(e.direction)] += e.count;
    p.sources.add(e.src);
    if (probe) p.probeSources.add(e.src);
    p.dsts.add(e.dst);
  }
  return { sources, ports };
}

/** Feed the events (deriving once after `deriveAfter` of them, as a library user may), then compare. */
/** `feed`: the event as the aggregate gets it (the model always reads the original). */
function check(events: readonly PacketEvent[], deriveAfter = -1, feed: (e: PacketEvent) => PacketEvent = (e) => e): Aggregate {
  const agg = new Aggregate();
  events.forEach((e, i) => {
    if (i === deriveAfter) agg.derive();
    agg.addEvent(feed(e));
  });
  const m = model(events);
  agg.derive();

  expect(agg.sources.size).toBe(m.sources.size);
  expect([...agg.sources.keys()]).toEqual([...m.sources.keys()]);
  for (const [address, want] of m.sources) {
    const s = agg.sources.get(address)!;
    expect({ address: s.address, events: s.events, probes: s.probes, first: s.firstSeen, last: s.lastSeen, ports: agg.portCount(s), dsts: agg.destinationCount(s) }).toEqual({
      address,
      events: want.events,
      probes: want.probes,
      first: want.first,
      last: want.last,
      ports: want.ports.size,
      dsts: want.dsts.size,
    });
    const pairs = new Map<string, PairModel>();
    agg.eachPair(s, (dstId, key, count, first, last) => pairs.set(`${agg.destinationNames[dstId]}|${key}`, { count: Math.abs(count), probed: count > 0, first, last }));
    expect(pairs).toEqual(want.pairs);
    // Newest pair first: the reverse of their first appearance.
    expect([...pairs.keys()]).toEqual([...want.pairs.keys()].reverse());
    // The same pairs, in the same order, written into columns.
    const size = Math.max(1, s.pairRows);
    const cols = { dst: new Int32Array(size), key: new Int32Array(size), count: new Float64Array(size), first: new Float64Array(size), last: new Float64Array(size) };
    const n = agg.pairsInto(s, cols.dst, cols.key, cols.count, cols.first, cols.last);
    const written = new Map<string, PairModel>();
    for (let i = 0; i < n; i++) {
      written.set(`${agg.destinationNames[cols.dst[i]]}|${cols.key[i]}`, { count: Math.abs(cols.count[i]), probed: cols.count[i] > 0, first: cols.first[i], last: cols.last[i] });
    }
    expect(n).toBe(pairs.size);
    expect([...written]).toEqual([...pairs]);
    // Per port: the sorted runs and the unordered totals say the same.
    const runs = new Map<number, [number, number]>();
    agg.eachPort(s, (key, _signed, index, inbound) => runs.set(key, [index, inbound]));
    const totals = new Map<number, [number, number]>();
    agg.eachPortTotal(s, (key, index, inbound) => totals.set(key, [index, inbound]));
    expect(new Set(runs.keys())).toEqual(want.ports);
    expect(totals).toEqual(runs);
    for (const [key, [index]] of runs) expect(agg.ports.at(index).key).toBe(key);
  }
  expect(agg.ports.size).toBe(m.ports.size);
  for (const [key, want] of m.ports) {
    const p = agg.ports.get(key)!;
    expect({ proto: keyProto(key), port: keyPort(key), events: p.events, probes: p.probes, byAction: p.byAction, byDirection: p.byDirection, sources: p.sources, probeSources: p.probeSources, destinations: p.destinations }).toEqual({
      proto: keyProto(key),
      port: keyPort(key),
      events: want.events,
      probes: want.probes,
      byAction: want.byAction,
      byDirection: want.byDirection,
      sources: want.sources.size,
      probeSources: want.probeSources.size,
      destinations: want.dsts.size,
    });
  }
  // The records read by index say what the views say; one view per port, whichever way it is asked for.
  const ports = agg.ports;
  const lastMadeFirst = ports.at(ports.size - 1);
  const views = [...ports.values()];
  expect(views).toHaveLength(ports.size);
  expect(views[ports.size - 1]).toBe(lastMadeFirst);
  for (let i = 0; i < ports.size; i++) {
    const p = ports.at(i);
    expect(views[i]).toBe(p);
    expect(ports.get(p.key)).toBe(p);
    expect(p.index).toBe(i);
    const byIndex = [ports.keyAt(i), ports.eventsAt(i), ports.probesAt(i), ports.probeSourcesAt(i), ports.anyBitsAt(i), [0, 1, 2, 3].map((a) => ports.actionAt(i, a))];
    expect(byIndex).toEqual([p.key, p.events, p.probes, p.probeSources, p.anyBits, p.byAction]);
  }
  return agg;
}

describe('Aggregate against a brute-force model', () => {
  test('a week of random events: per source, per pair and per port figures agree', () => {
    const agg = check(randomEvents(20_000, 7, 7 * DAY));
    // Whole milliseconds within a week: the Int32 slots of the rows held every time.
    expect(agg.pairs.widened).toBe(false);
  });

  test('a year of events (times beyond what Int32 milliseconds hold) stays exact', () => {
    expect(check(randomEvents(20_000, 11, 365 * DAY)).pairs.widened).toBe(true);
  });

  test('fractions of a millisecond (pcap microseconds) stay exact', () => {
    expect(check(randomEvents(20_000, 13, DAY, true)).pairs.widened).toBe(true);
  });

  test('events added after a report (rows regrouped, index rebuilt) are counted like the others', () => {
    check(randomEvents(20_000, 17, 7 * DAY), 8_000);
  });

  test('events that carry their IPv4 addresses as numbers, with text or without (the parse worker)', () => {
    // Destinations from 128.0.0.0 up are negative as int32 keys; 255.255.255.255 is -1 and 0.0.0.0 is 0.
    const events = randomEvents(20_000, 19, 7 * DAY).map((e, i) => (i % 7 === 0 ? { ...e, dst: i % 14 === 0 ? '255.255.255.255' : '0.0.0.0' } : e));
    const numbered = (keepText: boolean) => (e: PacketEvent): PacketEvent => {
      const srcV4 = ipv4ToNumber(e.src);
      const dstV4 = ipv4ToNumber(e.dst);
      // Forwarded packets keep their text, as the wire decoder gives it to them.
      const text = keepText || e.direction === 'fwd';
      return { ...e, srcV4, dstV4, src: srcV4 >= 0 && !text ? '' : e.src, dst: dstV4 >= 0 && !text ? '' : e.dst };
    };
    check(events, -1, numbered(true));
    check(events, -1, numbered(false));
    check(events, 9_000, numbered(false));
  });

  test('events without times only', () => {
    check(randomEvents(2_000, 3, 0).map((e) => ({ ...e, time: NaN })));
  });

  test('inbound and probe follow direction and action', () => {
    const e = newEvent('iptables', 'test');
    Object.assign(e, { src: '192.168.1.10', dst: '8.8.8.8', direction: 'fwd', action: 'block' });
    expect(isInbound(e)).toBe(false);
    Object.assign(e, { src: '8.8.8.8', dst: '192.168.1.10' });
    expect(isProbe(e)).toBe(true);
  });
});

describe('Aggregate.derive', () => {
  test('is made again after any event, even one that counts no packet (rows added, index rebuilt)', () => {
    const ev = (dst: string, port: number, count = 1): PacketEvent =>
      Object.assign(newEvent('iptables', 'test'), { time: T0, action: 'block', direction: 'in', proto: 6, src: '198.51.100.7', dst, srcPort: 40000, dstPort: port, tcpFlags: 2, count });
    const agg = new Aggregate();
    for (const [dst, port] of [['203.0.113.1', 22], ['203.0.113.2', 22], ['203.0.113.1', 23]] as const) agg.addEvent(ev(dst, port));
    const src = agg.sources.get('198.51.100.7')!;
    const totals = () => {
      const out: number[] = [];
      agg.eachPortTotal(src, (key, index, inbound) => out.push(keyPort(key), agg.ports.at(index).key === key ? 1 : 0, inbound));
      return out;
    };
    expect(totals()).toEqual([22, 1, 2, 23, 1, 1]);
    // New pairs with no packets: the events' sum stays, the rows and their index change.
    agg.addEvent(ev('203.0.113.3', 22, 0));
    agg.addEvent(ev('203.0.113.3', 25, 0));
    expect(totals()).toEqual([22, 1, 2, 23, 1, 1, 25, 1, 0]);
    expect([22, 23, 25].map((port) => agg.ports.get(portKey(6, port))!.destinations)).toEqual([3, 1, 1]);
  });
});

describe('PairTable', () => {
  test('finds every row among 200,000, and nothing that was not added', () => {
    const t = new PairTable();
    const r = rng(5);
    const rows = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      const s = Math.floor(r() * 50_000);
      const d = Math.floor(r() * 300);
      const k = portKey(6, Math.floor(r() * 65536));
      const id = `${s},${d},${k}`;
      if (rows.has(id)) continue;
      rows.set(id, t.add(s, d, k, 1, T0 + i, T0 + i, 1));
    }
    const wrong: string[] = [];
    for (const [id, row] of rows) {
      const [s, d, k] = id.split(',').map(Number);
      if (t.find(s, d, k) !== row || t.src(row) !== s || t.dst(row) !== d || t.key(row) !== k) wrong.push(id);
    }
    expect(wrong).toEqual([]);
    expect(t.find(50_001, 0, portKey(6, 22))).toBe(-1);
    expect(t.size).toBe(rows.size);
  });

  test('counts saturate and keep their sign; times widen when they spread', () => {
    const t = new PairTable();
    const r = t.add(1, 2, 3, -5, T0, T0, 2);
    t.bump(r, 0x7fffffff, T0 + 1000, false, 2);
    expect(t.count(r)).toBe(-0x7fffffff);
    t.bump(r, 1, T0 - 5, true, 1);
    expect([t.count(r), t.dirs(r), t.first(r), t.last(r)]).toEqual([0x7fffffff, 3, T0 - 5, T0 + 1000]);
    t.bump(r, 1, T0 + 400 * DAY, false, 1);
    expect([t.first(r), t.last(r)]).toEqual([T0 - 5, T0 + 400 * DAY]);
    const q = t.add(4, 5, portKey(-1, -1), 1, NaN, NaN, 1);
    expect([t.first(q), t.last(q), t.key(q), t.dirs(q)]).toEqual([NaN, NaN, portKey(-1, -1), 1]);
  });
});

describe('AddressIndex', () => {
  test('dense ids in order of first appearance, IPv4 as numbers and IPv6 as text', () => {
    const ix = new AddressIndex();
    const addresses: string[] = [];
    for (let i = 0; i < 70_000; i++) addresses.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    addresses.splice(5, 0, '2001:db8::1', '255.255.255.255', '0.0.0.0');
    const fresh = addresses.filter((a, i) => ix.intern(a) !== i);
    const again = addresses.filter((a, i) => ix.get(a) !== i || ix.intern(a) !== i || ix.address(i) !== a);
    expect([fresh, again]).toEqual([[], []]);
    expect(ix.size).toBe(addresses.length);
    expect([ix.address(5), ix.address(6), ix.address(7), ix.address(100)]).toEqual(['2001:db8::1', '255.255.255.255', '0.0.0.0', addresses[100]]);
    expect([ix.ipv4(5), ix.ipv4(6)]).toEqual([-1, 4294967295]);
    expect(ix.get('10.255.0.1')).toBe(-1);
    expect(ix.get('2001:db8::2')).toBe(-1);
  });
});
