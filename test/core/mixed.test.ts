/**
 * A central syslog mixes firewalls: lines of every family interleaved in one stream, fed in random
 * chunk sizes, must give the sum of the per-family aggregates (each family read on its own).
 *
 * Interleaving keeps each family's own order, and keeps a pf `-v` record (a header line and its
 * indented continuation) together. `last message repeated` lines are left out: they refer to the
 * previous line of the stream, which interleaving changes on purpose.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeStream } from '../../src/index.js';
import type { Aggregate } from '../../src/aggregate.js';
import { chunked, randomSizes } from '../helpers/report.js';

const fx = (p: string) => join(process.cwd(), 'fixtures', p);
const families: Record<string, string[]> = {
  iptables: ['iptables/mixed-variants.log', 'iptables/crowdsec-proxmox-iptables.log'],
  filterlog: ['filterlog/pfsense-crafted.log', 'filterlog/opnsense-crafted.log', 'filterlog/allddd-filter-valid.log'],
  pf: ['pf/openbsd-tcpdump.log', 'pf/freebsd-tcpdump.log'],
  windows: ['windows/win11-pid-pfirewall.log', 'windows/xp-sp2-pfirewall.log', 'windows/crafted-pfirewall.log'],
};

/** Lines of a file as units: a line plus the indented lines that continue it. */
function units(path: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(fx(path), 'utf8').replace(/\r\n/g, '\n').split('\n')) {
    if (line.includes('message repeated')) continue;
    if (/^\s/.test(line) && out.length > 0) out[out.length - 1] += `\n${line}`;
    else if (line !== '') out.push(line);
  }
  return out;
}

function counts(agg: Aggregate): { events: number; ports: Map<number, number>; sources: Map<string, number>; byFamily: Record<string, number> } {
  const ports = new Map<number, number>();
  for (const p of agg.ports.values()) ports.set(p.key, p.events);
  const sources = new Map<string, number>();
  for (const s of agg.sources.values()) sources.set(s.address, s.events);
  return { events: agg.events, ports, sources, byFamily: { ...agg.eventsByFamily } };
}

function add<K>(into: Map<K, number>, from: Map<K, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

test('interleaved families in random chunks = the sum of each family alone', async () => {
  const perFamily: string[][] = [];
  const want = { events: 0, ports: new Map<number, number>(), sources: new Map<string, number>(), byFamily: {} as Record<string, number> };
  for (const [family, files] of Object.entries(families)) {
    const u = files.flatMap(units);
    perFamily.push(u);
    const c = counts(await analyzeStream(chunked(Buffer.from(u.join('\n') + '\n'), [1 << 20]), { timeZone: 'UTC' }));
    expect(c.byFamily).toEqual({ [family]: c.events }); // each file set really is one family
    expect(c.events).toBeGreaterThan(5);
    want.events += c.events;
    add(want.ports, c.ports);
    add(want.sources, c.sources);
    want.byFamily[family] = c.events;
  }

  // Round-robin with a deterministic skip, so neighbours differ from line to line.
  const mixed: string[] = [];
  const at = perFamily.map(() => 0);
  const order = randomSizes(42, 100000, perFamily.length);
  for (let k = 0; mixed.length < perFamily.reduce((n, u) => n + u.length, 0); k++) {
    const f = order[k % order.length] - 1;
    if (at[f] < perFamily[f].length) mixed.push(perFamily[f][at[f]++]);
  }
  const bytes = Buffer.from(mixed.join('\n') + '\n');
  for (const seed of [1, 2, 3]) {
    const got = counts(await analyzeStream(chunked(bytes, randomSizes(seed, 20000, 61)), { timeZone: 'UTC' }));
    expect(got.byFamily).toEqual(want.byFamily);
    expect(got.events).toBe(want.events);
    expect(got.ports).toEqual(want.ports);
    expect(got.sources).toEqual(want.sources);
  }
});
