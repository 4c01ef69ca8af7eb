/**
 * Conformance: every file of the open corpus (../shared/corpus), read through the whole pipeline
 * (files → stream → core → aggregate) as the CLI reads it, against the counts of the independent
 * reference parser in the `*.expected.json` beside it: events, per protocol/destination port, per
 * source.
 *
 * Where we disagree with the reference on purpose, the difference is listed in DIFFERENCES with the
 * line and the reason; everything else must match exactly. The corpus is not shipped (most files
 * have no permissive licence); without ../shared this suite says so and skips.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../../src/index.js';
import { keyPort, keyProto } from '../../src/aggregate.js';
import { protoName, protoNumber } from '../../src/net/protocols.js';
import { parsers } from '../../parsers/index.js';

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');
const FAMILY_DIRS: Record<string, string> = {
  iptables: 'iptables',
  pf: 'pf',
  'pfsense-filterlog': 'filterlog',
  opnsense: 'filterlog',
  'windows-firewall': 'windows',
};

interface Expected {
  events: number;
  by_protocol_dst_port: Record<string, number>;
  by_src_ip: Record<string, number>;
}

/** A deliberate difference from the reference: the same key, our count and theirs, and why. */
interface Difference {
  table: 'events' | 'ports' | 'sources';
  key: string;
  ours: number;
  reference: number;
  why: string;
}

const DIFFERENCES: Record<string, Difference[]> = {
  // Line 16: `kernel: message repeated 28 times: [ [UFW BLOCK] … SRC=192.168.1.1 DST=224.0.0.1 … PROTO=2 ]`.
  // rsyslog writes this instead of 28 more copies of the previous message, so it stands for 28
  // packets; the reference counts the line once.
  'iptables/ufw-alfonsodeuna-iso.log': [
    { table: 'events', key: '', ours: 4047 + 27, reference: 4047, why: 'message repeated 28 times = 28 packets' },
    { table: 'ports', key: 'igmp/-', ours: 656 + 27, reference: 656, why: 'the repeated packet is IGMP' },
    { table: 'sources', key: '192.168.1.1', ours: 329 + 27, reference: 329, why: 'the repeated packet came from 192.168.1.1' },
  ],
  // Line 83: two records glued on one line (33 columns under a 17-column #Fields header, the 17th
  // reading `-2006-09-19`). A row that does not match its header cannot be trusted: we reject it
  // (bad-field-count); the reference counts its first half as an event.
  'windows-firewall/ossec-docs-windows-firewall-samples.log': [
    { table: 'events', key: '', ours: 200, reference: 201, why: 'glued rows rejected' },
    { table: 'ports', key: 'udp/123', ours: 1, reference: 2, why: 'glued rows rejected' },
    { table: 'sources', key: '192.168.72.12', ours: 49, reference: 50, why: 'glued rows rejected' },
  ],
};

/** Normalise a reference key (`tcp/80`, `icmp/-`, `0/-`) to ours (protocol by number). */
function normalisePortKey(key: string): string {
  const slash = key.lastIndexOf('/');
  const proto = protoNumber(key.slice(0, slash));
  return `${protoName(proto)}/${key.slice(slash + 1)}`;
}

const available = existsSync(CORPUS);
const files: { rel: string; family: string }[] = [];
if (available) {
  for (const dir of Object.keys(FAMILY_DIRS)) {
    const full = join(CORPUS, dir);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full).sort()) {
      if (f.endsWith('.log') && existsSync(join(full, `${f}.expected.json`))) files.push({ rel: `${dir}/${f}`, family: FAMILY_DIRS[dir] });
    }
  }
}

const registered = new Set(Object.keys(parsers));

if (!available) {
  test.skip('corpus conformance (../shared/corpus not present: skipped)', () => undefined);
} else {
  test('the corpus is there and has every family', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(files.filter((f) => registered.has(f.family)))('$rel', ({ rel }) => {
    const expected = JSON.parse(readFileSync(join(CORPUS, `${rel}.expected.json`), 'utf8')) as Expected;
    const diffs = DIFFERENCES[rel] ?? [];
    const want = (table: Difference['table'], key: string, reference: number): number => {
      const d = diffs.find((x) => x.table === table && x.key === key);
      if (d === undefined) return reference;
      expect(d.reference).toBe(reference); // the documented difference is about the reference as it is
      return d.ours;
    };
    let agg: Awaited<ReturnType<typeof analyzeFiles>>;
    beforeAll(async () => {
      agg = await analyzeFiles([join(CORPUS, rel)], { timeZone: 'UTC' });
    });

    test('events', () => {
      expect(agg.events).toBe(want('events', '', expected.events));
    });

    test('per protocol and destination port', () => {
      const ours: Record<string, number> = {};
      for (const p of agg.ports.values()) {
        const port = keyPort(p.key);
        ours[`${protoName(keyProto(p.key))}/${port < 0 ? '-' : port}`] = p.events;
      }
      const theirs: Record<string, number> = {};
      for (const [k, n] of Object.entries(expected.by_protocol_dst_port)) {
        const key = normalisePortKey(k);
        theirs[key] = want('ports', key, n);
      }
      expect(ours).toEqual(theirs);
    });

    test('per source', () => {
      const ours: Record<string, number> = {};
      for (const s of agg.sources.values()) ours[s.address] = s.events;
      const theirs: Record<string, number> = {};
      for (const [k, n] of Object.entries(expected.by_src_ip)) {
        theirs[k] = want('sources', k, n);
      }
      expect(ours).toEqual(theirs);
    });
  });

  test('families not yet registered are listed, not silently passed', () => {
    const missing = [...new Set(files.filter((f) => !registered.has(f.family)).map((f) => f.family))];
    // Every family of the corpus has a parser.
    expect(missing).toEqual([]);
  });
}
