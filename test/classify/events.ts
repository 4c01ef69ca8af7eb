/**
 * Events built in the test, for the classifier's rules: every field a rule reads is set on purpose,
 * the rest has a plain default (a blocked inbound TCP SYN to 203.0.113.10:22 at T0).
 */
import { Aggregate } from '../../src/aggregate.js';
import { classify, type Classification, type SourceClass } from '../../src/classify/classify.js';
import type { ClassifierOptions } from '../../src/classify/options.js';
import { newEvent, TCP_SYN, type PacketEvent } from '../../src/types.js';

export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

export const HOST = '203.0.113.10';

export function ev(fields: Partial<PacketEvent> = {}): PacketEvent {
  const e = newEvent('iptables', 'test');
  Object.assign(e, {
    time: T0,
    action: 'block',
    direction: 'in',
    proto: 6,
    src: '198.51.100.7',
    dst: HOST,
    srcPort: 40000,
    dstPort: 22,
    tcpFlags: TCP_SYN,
    ttl: 50,
    ipId: 1000,
    window: 1024,
    length: 44,
  });
  return Object.assign(e, fields);
}

/** `n` events, the i-th made by `each(i)` on top of `base`. */
export function many(n: number, base: Partial<PacketEvent>, each: (i: number) => Partial<PacketEvent> = () => ({})): PacketEvent[] {
  return Array.from({ length: n }, (_, i) => ev({ ...base, ...each(i) }));
}

export function aggregate(events: readonly PacketEvent[]): Aggregate {
  const agg = new Aggregate();
  for (const e of events) agg.addEvent(e);
  return agg;
}

export function run(events: readonly PacketEvent[], options: Partial<ClassifierOptions> = {}): Classification {
  return classify(aggregate(events), options);
}

/** The class of one source. */
export function classOf(c: Classification, address: string): SourceClass {
  const src = c.aggregate.sources.get(address);
  if (src === undefined) throw new Error(`no source ${address}`);
  return c.classOf(src);
}

export function severityOf(c: Classification, address: string): number {
  return c.severity(c.aggregate.sources.get(address)!);
}

export function reasonsOf(c: Classification, address: string) {
  return c.reasons(c.aggregate.sources.get(address)!);
}
