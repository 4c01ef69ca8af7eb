/**
 * The JSON and CSV reports are written in pieces, row by row, from a report whose rows are made on
 * demand (src/report.ts buildLazyReport). The pieces must join to the very bytes of the one-string
 * renderers: `JSON.stringify(report, null, 2)` is the contract consumers parse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { analyzeLines } from '../../src/index.js';
import type { Aggregate } from '../../src/aggregate.js';
import { writeStream } from '../../src/cli/main.js';
import { buildLazyReport, buildReport, collectReport, type ReportOptions } from '../../src/report.js';
import { renderCsv, renderCsvChunks } from '../../src/reports/csv.js';
import { renderJson, renderJsonChunks } from '../../src/reports/json.js';
import { aggregate, ev, many } from '../classify/events.js';

const fixtures = join(process.cwd(), 'fixtures', 'iptables');
const OPTIONS: ReportOptions = { top: 0, portTop: 0, sourceOrder: 'events', sourceTopPorts: 5, timeZone: 'UTC' };

function fixture(name: string): Aggregate {
  return analyzeLines(readFileSync(join(fixtures, name), 'utf8').split('\n'), { timeZone: 'UTC', year: 2024 });
}

/** 2,500 sources on 1,300 ports: more rows than one CSV batch (1000). */
function wide(): Aggregate {
  return aggregate(many(2500, {}, (i) => ({ src: `198.51.${100 + (i >> 8)}.${i & 255}`, dstPort: 1000 + (i % 1300) })));
}

const cases: [string, () => Aggregate][] = [
  ['mixed-variants.log', () => fixture('mixed-variants.log')],
  ['crowdsec-proxmox-iptables.log', () => fixture('crowdsec-proxmox-iptables.log')],
  ['2,500 sources on 1,300 ports', wide],
  ['an empty log', () => analyzeLines([])],
];

describe.each(cases)('%s', (_name, agg) => {
  test('streamed JSON is JSON.stringify of the collected report, byte for byte', () => {
    const a = agg();
    const streamed = [...renderJsonChunks(buildLazyReport(a, OPTIONS))].join('');
    expect(streamed).toBe(`${JSON.stringify(buildReport(a, OPTIONS), null, 2)}\n`);
    expect(streamed).toBe(renderJson(buildReport(a, OPTIONS)));
  });

  test('a collected report streams to the same JSON', () => {
    const report = buildReport(agg(), OPTIONS);
    expect([...renderJsonChunks(report)].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });

  test.each(['ports', 'sources'] as const)('streamed CSV (%s) is the one-call CSV', (table) => {
    const a = agg();
    const report = buildReport(a, OPTIONS);
    expect([...renderCsvChunks(buildLazyReport(a, OPTIONS), table)].join('')).toBe(renderCsv(report, table));
  });
});

test('the lazy rows can be walked twice and collect to buildReport', () => {
  const a = wide();
  const lazy = buildLazyReport(a, OPTIONS);
  expect([...lazy.sources].length).toBe(2500);
  expect(collectReport(lazy)).toEqual(buildReport(a, OPTIONS));
});

test('streamed JSON of empty row lists matches JSON.stringify ([] inline)', () => {
  const report = { schemaVersion: 2, summary: { a: [], b: {} }, ports: [], sources: [{ x: [] }], scans: [] };
  expect([...renderJsonChunks(report as never)].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
});

/** A stdout that takes one write at a time, later, with a tiny buffer: backpressure on every write. */
class SlowSink extends Writable {
  text = '';
  constructor() {
    super({ highWaterMark: 16 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    setTimeout(() => {
      this.text += chunk.toString('utf8');
      cb();
    }, 1);
  }
}

describe('writeStream', () => {
  test('a slow reader gets every byte, in order', async () => {
    const pieces = Array.from({ length: 5000 }, (_, i) => `row ${i}\n`.repeat(40));
    const sink = new SlowSink();
    await writeStream(sink, pieces);
    expect(sink.text).toBe(pieces.join(''));
  });

  test('a reader that went away (EPIPE) is success, and the rest is not made', async () => {
    let made = 0;
    function* pieces(): Generator<string> {
      for (; made < 100_000; made++) yield 'x'.repeat(1024);
    }
    const gone = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    await expect(writeStream(gone, pieces())).resolves.toBeUndefined();
    expect(made).toBeLessThan(1000);
  });

  test('other write errors are thrown', async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' }));
      },
    });
    await expect(writeStream(broken, ['a', 'b', 'c'])).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
