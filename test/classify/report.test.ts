/**
 * What the classifier adds to the reports: the JSON contract (schemaVersion 2), the CSV columns,
 * and "what this means" in the text report, told from events built here.
 */
import { buildReport, type Report } from '../../src/report.js';
import { renderCsv } from '../../src/reports/csv.js';
import { renderText } from '../../src/reports/text.js';
import type { PacketEvent } from '../../src/types.js';
import { aggregate, ev, HOST, many, SEC, T0 } from './events.js';

const DAY = 86_400_000;

/** 3089/tcp as the issue tells it: 41 SYNs from 37 sources over 14 days, none sent more than 2, none another port. */
function port3089(): PacketEvent[] {
  const events: PacketEvent[] = [];
  for (let s = 0; s < 37; s++) {
    const n = s < 4 ? 2 : 1;
    for (let k = 0; k < n; k++) events.push(ev({ src: `198.51.100.${s + 1}`, dstPort: 3089 }));
  }
  events.forEach((e, i) => (e.time = T0 + Math.round((i * 14 * DAY) / (events.length - 1))));
  return events;
}

function report(events: PacketEvent[], kind: 'json' | 'text' = 'json'): Report {
  return buildReport(aggregate(events), {
    top: kind === 'text' ? 20 : 0,
    portTop: 0,
    sourceOrder: kind === 'text' ? 'probes' : 'events',
    sourceTopPorts: 5,
    timeZone: 'UTC',
    portSelection: kind === 'text' ? 'text' : 'ranked',
    portRegistry: kind === 'json',
  });
}

function text(events: PacketEvent[]): string {
  return renderText(report(events, 'text'), { top: 20, color: false, timeZone: 'UTC' });
}

/** The WHAT THIS MEANS section, one line per paragraph. */
function meaning(events: PacketEvent[]): string[] {
  const t = text(events);
  const section = t.slice(t.indexOf('WHAT THIS MEANS\n') + 16, t.indexOf('\n\nTOP PROBED PORTS'));
  return section.split('\n\n').map((p) => p.replace(/\s+/g, ' ').trim());
}

describe('the text report: what this means', () => {
  test('3089/tcp tells its story: the registry, what the log shows, the verdict', () => {
    const p = meaning(port3089()).find((l) => l.startsWith('3089/tcp'))!;
    expect(p).toMatch(/^3089\/tcp — ptk-alink \("ParaTek Agent Linking"\)\. /);
    expect(p).toContain('Registered with IANA, but nothing is known to use it (dormant).');
    expect(p).toContain('Sits inside UDP 3074-3174, reported for Ubisoft multiplayer');
    expect(p).toContain('— a weak source, and irrelevant for TCP.');
    expect(p).toContain('This log: 41 packets towards you from 37 sources over 14 days; no source sent more than 2; all SYN; none touched another port;');
    expect(p).toMatch(/Verdict: background — opportunistic sweeps of the whole Internet, not aimed at you\.$/);
  });

  test('the first line counts the sources per class', () => {
    expect(meaning(port3089())[0]).toBe('37 sources: 37 background probes.');
  });

  test('targeted ports and sources come before background noise', () => {
    const attempts = many(12, { src: '192.0.2.99', dstPort: 22 }, (i) => ({ time: T0 + i * 2 * 60 * SEC }));
    const lines = meaning([...port3089(), ...attempts]);
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at('22/tcp — ssh')).toBeGreaterThan(0);
    expect(at('22/tcp — ssh')).toBeLessThan(at('3089/tcp'));
    expect(lines[at('22/tcp')]).toMatch(/Verdict: targeted — 1 source made repeated attempts on it \(12 of 12 packets\)\.$/);
    expect(lines.find((l) => l.startsWith('192.0.2.99'))).toMatch(
      /^192\.0\.2\.99 — source of repeated targeted attempts, severity 2: 12 packets to 203\.0\.113\.10 port 22\/tcp over 22 min/,
    );
  });

  test('a log that watches one address says it cannot see sweeps', () => {
    expect(meaning(port3089())).toContain(
      'This log watches 1 address (the destinations seen inbound): a sweep across hosts needs 10 to be seen, so none is claimed, and none can be ruled out.',
    );
  });

  test('a log without IP ID or TCP flags says what was not checked', () => {
    const lines = meaning(many(3, { ipId: -1, ttl: -1, tcpFlags: -1, dstPort: 3389 }, (i) => ({ src: `198.51.100.${i + 1}` })));
    expect(lines).toContain(
      "This log has no TCP flags (stale return, backscatter and stealth-flag rules were skipped); no IP ID (ZMap's fingerprint was not checked).",
    );
  });

  test('the tables carry the verdict and the class', () => {
    const t = text(port3089());
    expect(t).toMatch(/^3089\/tcp\s+ptk-alink\s+41\s+37\s+1 background\s+2024-05-15 12:00$/m);
    expect(t).toMatch(/^198\.51\.100\.1\s+2\s+1\s+1\s+1 background\s+3089\/tcp$/m);
  });
});

describe('the JSON contract, schemaVersion 2', () => {
  const scan = many(20, { src: '192.0.2.50' }, (i) => ({ dstPort: 1000 + i, time: T0 + i * SEC }));
  const r = report([...port3089(), ...scan]);

  test('top-level keys, in order', () => {
    expect(r.schemaVersion).toBe(2);
    expect(Object.keys(r)).toEqual(['schemaVersion', 'summary', 'ports', 'sources', 'scans', 'timeline']);
    expect(r.summary).toMatchObject({
      ignored: { bySource: 0, byDestination: 0 },
      home: { origin: 'inbound-destinations', watched: 1, sweepsVisible: false, sweepMinWatched: 10 },
      fields: { tcpFlags: true, ttl: true, ipId: true, time: true },
      probedPorts: 21,
      otherPorts: 0,
    });
    expect(r.summary.classes).toMatchObject({ background: 37, 'vertical-scan': 1 });
  });

  test('a port row has the registry and the verdict', () => {
    const p = r.ports.find((x) => x.port === 3089)!;
    expect(Object.keys(p.registry!)).toEqual(['name', 'description', 'status', 'range', 'activity', 'tags', 'uses', 'scanVolume', 'ranges']);
    expect(p.registry).toMatchObject({ name: 'ptk-alink', status: 'assigned', range: 'user', activity: 'dormant', scanVolume: { class: 'background' } });
    expect(p.registry!.ranges).toEqual([
      expect.objectContaining({ label: 'Ubisoft multiplayer range (reported)', from: 3074, to: 3174, protocols: ['udp'], applies: false }),
    ]);
    expect(p.verdict).toMatchObject({ verdict: 'background', packets: 41, sources: 37, maxPerSource: 2, singlePortSources: 37, allSyn: true, stealth: false, classes: { background: 37 } });
  });

  test('a source row has its class, severity and the reasons that fired', () => {
    const s = r.sources.find((x) => x.address === '192.0.2.50')!;
    expect(s).toMatchObject({ class: 'vertical-scan', severity: 2 });
    expect(s.reasons[0]).toMatchObject({ rule: 'vertical-scan', figures: { target: HOST, ports: 20, windowPorts: 20, windowMs: 19 * SEC, thresholdPorts: 15, thresholdWindowMs: 300 * SEC } });
  });

  test('scans are listed with their figures and times', () => {
    expect(r.scans).toEqual([
      {
        kind: 'vertical',
        sources: ['192.0.2.50'],
        group: null,
        target: HOST,
        proto: null,
        port: null,
        ports: 20,
        hosts: 1,
        windowCount: 20,
        windowMs: 19 * SEC,
        packets: 20,
        firstSeen: new Date(T0).toISOString(),
        lastSeen: new Date(T0 + 19 * SEC).toISOString(),
      },
    ]);
  });

  test('ICMP has no registry block', () => {
    const icmp = report([ev({ proto: 1, srcPort: -1, dstPort: -1, tcpFlags: -1, icmpType: 8, icmpCode: 0 })]);
    expect(icmp.ports[0]).toMatchObject({ proto: 'icmp', port: null, registry: null });
  });
});

describe('CSV', () => {
  test('the ports table gains name, status and verdict; the sources table class and severity', () => {
    const r = report(port3089());
    const ports = renderCsv(r, 'ports').trim().split('\n');
    expect(ports[0].split(',').slice(-3)).toEqual(['name', 'status', 'verdict']);
    expect(ports[1].split(',').slice(-3)).toEqual(['ptk-alink', 'assigned', 'background']);
    const sources = renderCsv(r, 'sources').trim().split('\n');
    expect(sources[0].split(',').slice(-2)).toEqual(['class', 'severity']);
    expect(sources[1].split(',').slice(-2)).toEqual(['background', '1']);
  });
});
