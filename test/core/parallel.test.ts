/**
 * The parse worker (src/ingest/): events packed by the worker and unpacked on the main thread are
 * the events the parsers made, and a run through the worker builds the aggregate a serial run
 * builds — figures, samples, counters — whatever the chunking, the families and the filters.
 *
 * The worker runs the compiled script (dist/, built by `npm test`'s pretest).
 */
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Analyzer, type AnalyzeOptions } from '../../src/core.js';
import { CidrSet } from '../../src/classify/cidr.js';
import { stopParseWorkers } from '../../src/ingest/parallel.js';
import { BatchDecoder, BatchEncoder } from '../../src/ingest/wire.js';
import { EDGE_BYTES, openFile, readSource, type ReadRange } from '../../src/stream.js';
import { actionIndex, ACTIONS, directionIndex, DIRECTIONS, FAMILIES, familyIndex, isEvent, newParseContext, type Action, type Direction, type Family, type PacketEvent } from '../../src/types.js';
import { detectionOrder } from '../../parsers/index.js';
import { chunked, randomSizes, snapshot } from '../helpers/report.js';
import { tempDir } from '../helpers/tmp.js';

afterAll(async () => {
  await stopParseWorkers();
});

const fixture = (...p: string[]) => readFileSync(join(process.cwd(), 'fixtures', ...p));
const FIXTURES = [
  ['iptables', 'mixed-variants.log'],
  ['iptables', 'crowdsec-iptables-logs.log'],
  ['iptables', 'crowdsec-proxmox-iptables.log'],
  ['filterlog', 'opnsense-crafted.log'],
  ['filterlog', 'pfsense-crafted.log'],
  ['pf', 'openbsd-tcpdump.log'],
  ['pf', 'freebsd-tcpdump.log'],
  ['windows', 'win11-pid-pfirewall.log'],
  ['windows', 'crafted-pfirewall.log'],
  ['sample', 'ufw-sample.log'],
].filter(([d, f]) => {
  try {
    fixture(d, f);
    return true;
  } catch {
    return false;
  }
});

/** Every event the parsers make of a log's lines (copies: parsers may reuse nothing here). */
function eventsOf(data: Buffer): PacketEvent[] {
  const ctx = newParseContext({ referenceTime: Date.UTC(2026, 0, 1), timeZone: 'UTC' });
  const out: PacketEvent[] = [];
  for (const line of data.toString('utf8').split('\n')) {
    const p = detectionOrder.find((x) => x.sniff(line));
    const r = p?.parse(line, ctx);
    if (r !== undefined && isEvent(r)) out.push({ ...r });
  }
  return out;
}

describe('wire format', () => {
  const events = FIXTURES.flatMap(([d, f]) => eventsOf(fixture(d, f)));

  test('the fixtures give events of several families, IPv4 and IPv6 (guards the test itself)', () => {
    expect(new Set(events.map((e) => e.family)).size).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.src.includes(':'))).toBe(true);
    expect(events.some((e) => e.iface !== '')).toBe(true);
  });

  test('events come out as they went in, across batches (small batches: interned strings span them)', () => {
    const enc = new BatchEncoder([], 7);
    const dec = new BatchDecoder(true);
    const out: PacketEvent[] = [];
    const flush = () => dec.each(enc.take(0), (ev) => out.push({ ...ev }));
    for (const ev of events) {
      enc.add({ ...ev, count: ev === events[3] ? 2 ** 40 : ev.count });
      if (enc.full) flush();
    }
    flush();
    expect(out).toHaveLength(events.length);
    out.forEach((got, i) => {
      const want = events[i];
      expect(got).toEqual({
        ...want,
        count: i === 3 ? 2 ** 40 : want.count,
        // IPv4 addresses travel as numbers: the decoder sets them whether the parser did or not.
        srcV4: got.src.includes(':') ? -1 : got.srcV4,
        dstV4: got.dst.includes(':') ? -1 : got.dstV4,
      });
      if (!want.src.includes(':')) expect(got.srcV4).toBeGreaterThanOrEqual(0);
    });
  });

  test('every family, action and direction keeps its value on the wire', () => {
    const sent: [Family, Action, Direction][] = [];
    const enc = new BatchEncoder();
    for (const family of FAMILIES) {
      for (const action of ACTIONS) {
        for (const direction of DIRECTIONS) {
          // Copies of the strings, not the literals: equal text must be enough.
          const ev = { ...events[0], family: [...family].join('') as Family, action: [...action].join('') as Action, direction: [...direction].join('') as Direction };
          enc.add(ev);
          sent.push([family, action, direction]);
        }
      }
    }
    const got: [Family, Action, Direction][] = [];
    new BatchDecoder(true).each(enc.take(0), (ev) => got.push([ev.family, ev.action, ev.direction]));
    expect(got).toEqual(sent);
    // The aggregate's per-kind counters use the same places.
    const places = (list: readonly unknown[]) => list.map((_, i) => i);
    expect(FAMILIES.map(familyIndex)).toEqual(places(FAMILIES));
    expect(ACTIONS.map(actionIndex)).toEqual(places(ACTIONS));
    expect(DIRECTIONS.map(directionIndex)).toEqual(places(DIRECTIONS));
  });

  test('without text, an IPv4 address is only its number (forwarded packets keep their text)', () => {
    const enc = new BatchEncoder();
    const v4 = events.filter((e) => !e.src.includes(':') && !e.dst.includes(':'));
    const fwd = { ...v4[0], direction: 'fwd' as const };
    enc.add(v4[0]);
    enc.add(fwd);
    const seen: [string, string, number][] = [];
    new BatchDecoder(false).each(enc.take(0), (ev) => seen.push([ev.src, ev.dst, ev.srcV4]));
    expect(seen[0][0]).toBe('');
    expect(seen[0][1]).toBe('');
    expect(seen[1][0]).toBe(v4[0].src);
    expect(seen[1][1]).toBe(v4[0].dst);
    expect(seen[0][2]).toBe(seen[1][2]);
  });
});

interface Run {
  report: unknown;
  counters: unknown;
}

/** Read `inputs` (each in the given chunk sizes) into one analyzer, with or without the worker. */
async function run(inputs: { name: string; data: Buffer; sizes: number[] }[], mode: 'always' | 'never', options: Partial<AnalyzeOptions> = {}): Promise<Run> {
  const analyzer = new Analyzer({ timeZone: 'UTC', ...options, parseWorker: mode });
  for (const i of inputs) {
    await readSource({ name: i.name, stream: chunked(i.data, i.sizes), referenceTime: Date.UTC(2026, 0, 1) }, analyzer);
  }
  const a = analyzer.aggregate;
  return {
    report: snapshot(a),
    counters: {
      lines: a.lines,
      ignoredLines: a.ignoredLines,
      unrecognizedLines: a.unrecognizedLines,
      filteredEvents: a.filteredEvents,
      ignoredBySource: a.ignoredBySource,
      ignoredByDestination: a.ignoredByDestination,
      rejected: [...a.rejected],
      rejectSamples: a.rejectSamples,
      unrecognizedSamples: analyzer.unrecognizedSamples,
    },
  };
}

/** Lines that are no events, bad ones, repeats, CRLF and an over-long line, around real ones. */
function awkward(): Buffer {
  const ufw = fixture('sample', 'ufw-sample.log').toString('utf8').split('\n').filter((l) => l.includes('SRC='));
  const lines = [
    ...ufw.slice(0, 5),
    'Mar  1 10:00:00 host sshd[1]: unrelated',
    'Mar  1 10:00:01 host kernel: [UFW BLOCK] IN=eth0 OUT= SRC=1.2.3.400 DST=10.0.0.1 LEN=40 PROTO=TCP SPT=1 DPT=2',
    ufw[5],
    'Mar  1 10:00:02 host kernel: last message repeated 3 times',
    `${ufw[6]}\r`,
    'x'.repeat(1_100_000),
    ...ufw.slice(7, 40),
    'Mar  1 10:00:03 host kernel: SRC=1.2.3.4 PROTO=TCP',
    ...Array.from({ length: 30 }, (_, i) => `Mar  1 10:01:${String(i).padStart(2, '0')} host app: noise ${i}`),
    ...ufw.slice(40),
  ];
  return Buffer.from(lines.join('\n'));
}

describe('through the worker, the aggregate of a serial run', () => {
  test.each(FIXTURES)('%s/%s, in random chunks', async (d, f) => {
    const data = fixture(d, f);
    const inputs = [{ name: f, data, sizes: randomSizes(f.length, 4000, 3000) }];
    const serial = await run(inputs, 'never');
    const parallel = await run(inputs, 'always');
    expect((serial.counters as { lines: number }).lines).toBeGreaterThan(0);
    expect(parallel).toEqual(serial);
  });

  test('rejects, unrecognised lines, repeats, CRLF and an over-long line, counted and sampled alike', async () => {
    const data = awkward();
    const inputs = [{ name: 'awkward.log', data, sizes: randomSizes(9, 4000, 70_000) }];
    const serial = await run(inputs, 'never');
    const c = serial.counters as { rejected: [string, number][]; unrecognizedLines: number; rejectSamples: unknown[] };
    expect(c.rejected.map(([r]) => r)).toEqual(expect.arrayContaining(['line-too-long']));
    expect(c.rejected.length).toBeGreaterThanOrEqual(2);
    expect(c.unrecognizedLines).toBeGreaterThanOrEqual(30);
    expect(await run(inputs, 'always')).toEqual(serial);
  });

  test('several inputs (one gzip) into one analyzer: samples and reasons keep their order', async () => {
    const inputs = [
      { name: 'a.log', data: awkward(), sizes: [65536] },
      { name: 'b.log.gz', data: gzipSync(fixture('iptables', 'mixed-variants.log')), sizes: randomSizes(3, 1000, 500) },
      { name: 'c.log', data: awkward(), sizes: [1 << 20] },
    ];
    expect(await run(inputs, 'always')).toEqual(await run(inputs, 'never'));
  });

  test('filters run on the main thread as before: --ignore-src, --ignore-dst, a time window', async () => {
    const data = fixture('sample', 'ufw-sample.log');
    const events = eventsOf(data).filter((e) => e.time === e.time);
    expect(events.length).toBeGreaterThan(10);
    const times = events.map((e) => e.time).sort((a, b) => a - b);
    const options: Partial<AnalyzeOptions> = {
      ignoreSrc: CidrSet.parse([events[0].src]),
      ignoreDst: CidrSet.parse([events[1].dst]),
      since: times[Math.floor(times.length / 4)],
      until: times[Math.floor((3 * times.length) / 4)],
    };
    const inputs = [{ name: 'ufw', data, sizes: [4096] }];
    const serial = await run(inputs, 'never', options);
    const c = serial.counters as { filteredEvents: number; ignoredBySource: number };
    expect(c.filteredEvents).toBeGreaterThan(0);
    expect(c.ignoredBySource).toBeGreaterThan(0);
    expect(await run(inputs, 'always', options)).toEqual(serial);
  });
});

describe('a plain file: the worker reads on from the file itself', () => {
  // Over WORKER_MIN_BYTES (so `auto` gives the whole file to the worker, by its size), and ending in
  // half a line (which an incremental run leaves for the next).
  const data = Buffer.concat([awkward(), Buffer.from('\n'), awkward(), Buffer.from('\n'), awkward(), Buffer.from('\n'), awkward(), Buffer.from('\nMar  1 10:09:00 host kernel: [UFW BLOCK] IN=eth0 OUT= SRC=1.2')]);
  // Written when the tests run (not when they are collected: a run that skips them leaves nothing).
  let path = '';
  beforeAll(() => {
    path = join(tempDir('worker-file'), 'big.log');
    writeFileSync(path, data);
  });

  const openOn = () => readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(join('/proc/self/fd', fd)) === path;
    } catch {
      return false;
    }
  }).length;

  async function read(mode: 'always' | 'auto' | 'never', range: ReadRange) {
    const analyzer = new Analyzer({ timeZone: 'UTC', parseWorker: mode });
    const opened = await openFile(path, range);
    let progress = 0;
    opened.source.onBytes = (n) => (progress += n);
    const result = await readSource(opened.source, analyzer);
    const a = analyzer.aggregate;
    return { report: snapshot(a), lines: a.lines, rejected: [...a.rejected], samples: a.rejectSamples, result, progress };
  }

  test.each([
    ['the whole file', { offset: 0, completeLinesOnly: false }],
    ['from an offset, complete lines only', { offset: 1_500_000, completeLinesOnly: true }],
  ])('%s: the aggregate, the bytes counted and the edges of a serial run; the file is closed after', async (_name, range) => {
    expect(data.length).toBeGreaterThan(4 * 1024 * 1024);
    const serial = await read('never', range);
    expect(serial.lines).toBeGreaterThan(1000);
    const end = range.completeLinesOnly ? data.lastIndexOf(0x0a) + 1 : data.length;
    expect(serial.result.length).toBe(end - range.offset);
    expect(serial.result.tail).toEqual(data.subarray(end - EDGE_BYTES, end));
    expect(serial.progress).toBe(end - range.offset);
    for (const mode of ['always', 'auto'] as const) {
      const parallel = await read(mode, range);
      expect(parallel).toEqual(serial);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(openOn()).toBe(0);
  });
});
