/**
 * The classifier on real logs of the open corpus (../shared/corpus, not shipped: without it these
 * tests are skipped, and say so). Each expectation is a fact of the log, checked where it can be
 * against a plain reading of the file here (a regex per line), not against the classifier itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../../src/index.js';
import { classify } from '../../src/classify/classify.js';
import { buildReport } from '../../src/report.js';
import { renderText } from '../../src/reports/text.js';

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');
const file = (rel: string) => join(CORPUS, rel);
const has = (rel: string) => existsSync(file(rel));
const when = (rel: string) => (has(rel) ? test : test.skip);

const PSAD = 'iptables/psad-syn-scan-1000-1500.log';
const CROWDSEC = 'pfsense-filterlog/crowdsec-pf-scan-multi-port.log';
const VULTR = 'iptables/ufw-teliten-vultr-syslog.log';

if (!existsSync(CORPUS)) {
  test.skip(`corpus facts: ${CORPUS} is absent, so they are not checked`, () => undefined);
}

when(PSAD)('psad syn_scan_1000_1500: one source, a vertical scan of ports 1000-1500 of one host', async () => {
  const agg = await analyzeFiles([file(PSAD)], { timeZone: 'UTC' });
  const c = classify(agg);
  expect([...agg.sources.keys()]).toEqual(['192.168.10.55']);
  expect(c.classOf(agg.sources.get('192.168.10.55')!)).toBe('vertical-scan');
  expect(c.scans).toEqual([
    expect.objectContaining({ kind: 'vertical', sources: ['192.168.10.55'], target: '192.168.10.1', ports: 501, windowCount: 501, packets: 1002 }),
  ]);
});

when(CROWDSEC)('crowdsec pf-scan-multi-port: one source probing 16 TCP ports of one host', async () => {
  const agg = await analyzeFiles([file(CROWDSEC)], { timeZone: 'UTC' });
  const c = classify(agg);
  expect(agg.eventsByFamily).toEqual({ filterlog: 16 });
  const src = agg.sources.get('10.0.2.2')!;
  expect(c.classOf(src)).toBe('vertical-scan');
  expect(c.reasons(src)[0].figures).toMatchObject({ target: '10.0.2.15', ports: 16, windowPorts: 16, thresholdPorts: 15 });
});

/** A plain reading of the ufw log: per source, packets, ports, hosts, and whether every packet was a bare SYN. */
function readUfw(text: string) {
  const line = /SRC=(\S+) DST=(\S+) .*?PROTO=(\S+)(?: SPT=\d+ DPT=(\d+))?(?: WINDOW=\d+ RES=\S+ ((?:[A-Z]{3} )*)URGP)?/;
  const sources = new Map<string, { packets: number; ports: Set<string>; hosts: Set<string>; synOnly: boolean }>();
  for (const l of text.split('\n')) {
    if (!l.includes('[UFW BLOCK]')) continue;
    const m = line.exec(l);
    if (m === null) continue;
    const [, src, dst, proto, dpt, flags] = m;
    let s = sources.get(src);
    if (s === undefined) {
      s = { packets: 0, ports: new Set(), hosts: new Set(), synOnly: true };
      sources.set(src, s);
    }
    s.packets++;
    s.ports.add(`${proto}/${dpt ?? '-'}`);
    s.hosts.add(dst);
    if (proto !== 'TCP' || (flags ?? '').trim() !== 'SYN') s.synOnly = false;
  }
  return sources;
}

when(VULTR)('ufw on a VPS: ~1,400 sources, most of them background probes, told apart from scans', async () => {
  const plain = readUfw(readFileSync(file(VULTR), 'utf8'));
  const agg = await analyzeFiles([file(VULTR)], { timeZone: 'UTC' });
  const c = classify(agg);
  expect(agg.sources.size).toBe(plain.size);
  expect(plain.size).toBe(1411);

  // Every source that sent at most 6 bare SYNs to at most 2 ports of at most 2 hosts is background.
  const simple = [...plain].filter(([, s]) => s.synOnly && s.packets <= 6 && s.ports.size <= 2 && s.hosts.size <= 2);
  expect(simple.length).toBeGreaterThan(1000);
  for (const [address] of simple) expect([address, c.classOf(agg.sources.get(address)!)]).toEqual([address, 'background']);
  expect(c.classCounts.background).toBeGreaterThan(plain.size * 0.8);

  // Every source that touched 15 or more ports of one host is some kind of scan, with its figures.
  const scanners = [...plain].filter(([, s]) => s.ports.size >= 30);
  expect(scanners.length).toBeGreaterThan(10);
  for (const [address] of scanners) {
    const src = agg.sources.get(address)!;
    expect([address, c.classOf(src)]).toEqual([address, expect.stringMatching(/-scan$/)]);
    expect(c.reasons(src)[0].figures.thresholdPorts).toBe(15);
  }

  // 193.233.182.221: 152 SYNs to 158.247.223.84 port 25 over 11 h 43 min.
  const smtp = plain.get('193.233.182.221')!;
  expect([smtp.packets, [...smtp.ports], [...smtp.hosts]]).toEqual([152, ['TCP/25'], ['158.247.223.84']]);
  const r = c.reasons(agg.sources.get('193.233.182.221')!)[0];
  expect(r).toMatchObject({ rule: 'targeted', figures: { target: '158.247.223.84', port: 25, packets: 152 } });
  expect(r.figures.spanMs).toBeGreaterThan(11 * 3_600_000);

  // Two addresses are watched: sweeps cannot be seen, and none is claimed.
  expect(c.home).toMatchObject({ watched: 2, sweepsVisible: false });
  expect(c.classCounts['horizontal-scan']).toBe(0);
});

when(VULTR)('the text report on it says what this means, with reasons a user can check', async () => {
  const agg = await analyzeFiles([file(VULTR)], { timeZone: 'UTC' });
  const report = buildReport(agg, { top: 20, portTop: 0, sourceOrder: 'probes', sourceTopPorts: 3, timeZone: 'UTC', portSelection: 'text', portRegistry: false });
  const text = renderText(report, { top: 20, color: false, timeZone: 'UTC' });
  const meaning = text.slice(text.indexOf('WHAT THIS MEANS'), text.indexOf('TOP PROBED PORTS')).replace(/\s+/g, ' ');
  expect(meaning).toMatch(/^WHAT THIS MEANS 1,411 sources: /);
  expect(meaning).toContain('background probes');
  expect(meaning).toMatch(/25\/tcp — smtp .* Verdict: targeted — /);
  expect(meaning).toMatch(/23\/tcp — telnet .* Verdict: background — /);
  expect(meaning).toMatch(/193\.233\.182\.221 — source of repeated targeted attempts, severity \d: 152 packets to 158\.247\.223\.84 port 25\/tcp over 11 h 43 min/);
  expect(meaning).toMatch(/slow scan, severity \d: \d+ ports of 158\.247\.\d+\.\d+ over \d+ h/);
  expect(meaning).toContain('This log watches 2 addresses');
  const section = text.slice(text.indexOf('WHAT THIS MEANS'), text.indexOf('PARSE SUMMARY'));
  for (const line of section.split('\n')) expect([line, line.length <= 80]).toEqual([line, true]);
});
