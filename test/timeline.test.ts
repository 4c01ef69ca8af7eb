/**
 * The timeline: dense hourly buckets, daily ones for long spans, per-port rows for the busiest
 * ports, bounded memory; the chart only on a terminal; the progress line only on a terminal.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aggregate } from '../src/aggregate.js';
import { buildTimeline } from '../src/report.js';
import { HOUR_MS, MAX_TIMELINE_CELLS, Timeline } from '../src/timeline.js';
import { progressText } from '../src/cli/progress.js';
import { sparkline, squeeze } from '../src/reports/text.js';
import { newEvent } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

function probe(time: string, port: number): ReturnType<typeof newEvent> {
  const ev = newEvent('iptables', 'test');
  Object.assign(ev, { time: Date.parse(time), action: 'block', direction: 'in', proto: 6, src: '198.51.100.7', dst: '203.0.113.1', dstPort: port });
  return ev;
}

test('hourly buckets cover every hour from the first event to the last, empty hours as 0', () => {
  const agg = new Aggregate();
  for (const [t, port] of [
    ['2024-03-01T10:05:00Z', 22],
    ['2024-03-01T10:59:59Z', 22],
    ['2024-03-01T13:00:00Z', 23],
    ['2024-03-01T13:30:00Z', 22],
  ] as const) {
    agg.addEvent(probe(t, port));
  }
  const tl = buildTimeline(agg, 'UTC', 5)!;
  expect(tl.unit).toBe('hour');
  expect(tl.buckets).toEqual(['2024-03-01T10:00:00.000Z', '2024-03-01T11:00:00.000Z', '2024-03-01T12:00:00.000Z', '2024-03-01T13:00:00.000Z']);
  expect(tl.events).toEqual([2, 0, 0, 2]);
  expect(tl.probes).toEqual([2, 0, 0, 2]);
  expect(tl.ports).toEqual([
    { proto: 'tcp', port: 22, events: [2, 0, 0, 1] },
    { proto: 'tcp', port: 23, events: [0, 0, 0, 1] },
  ]);
});

test('spans over a week are counted per day of the report zone', () => {
  const agg = new Aggregate();
  agg.addEvent(probe('2024-03-01T23:30:00Z', 22)); // 00:30 on 2 March in Berlin (UTC+1)
  agg.addEvent(probe('2024-03-01T12:00:00Z', 22));
  agg.addEvent(probe('2024-03-10T12:00:00Z', 22));
  const tl = buildTimeline(agg, 'Europe/Berlin', 5)!;
  expect(tl.unit).toBe('day');
  expect(tl.buckets[0]).toBe('2024-02-29T23:00:00.000Z'); // 1 March 00:00 in Berlin
  expect(tl.buckets).toHaveLength(10);
  expect(tl.events).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
});

test('per-port cells stay bounded: quiet ports are pruned, totals stay exact', () => {
  const t = new Timeline();
  const hours = 600;
  const ports = Math.ceil((MAX_TIMELINE_CELLS * 1.5) / hours);
  let total = 0;
  for (let h = 0; h < hours; h++) {
    for (let p = 0; p < ports; p++) {
      // Port 0 is the busiest everywhere.
      const n = p === 0 ? 10 : 1;
      t.add(h * HOUR_MS, p, n, true);
      total += n;
    }
  }
  expect(t.cells).toBeLessThanOrEqual(MAX_TIMELINE_CELLS);
  expect(t.portsPartial).toBe(true);
  let sum = 0;
  let port0 = 0;
  for (const h of t.hours.values()) {
    sum += h.events;
    port0 += h.ports.get(0) ?? 0;
  }
  expect(sum).toBe(total);
  expect(port0).toBe(10 * hours);
});

test('squeeze merges buckets into columns without losing counts; sparkline scales to the row', () => {
  const v = Array.from({ length: 168 }, (_, i) => i % 24);
  const s = squeeze(v, 56);
  expect(s).toHaveLength(56);
  expect(s.reduce((a, b) => a + b, 0)).toBe(v.reduce((a, b) => a + b, 0));
  expect(sparkline([0, 1, 8])).toBe(' ▂█');
});

const dir = tempDir('timeline');
const log = join(dir, 'ufw.log');
const line = (h: number, port: number) =>
  `Mar  1 ${String(h).padStart(2, '0')}:00:00 fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=198.51.100.7 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=1 PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
writeFileSync(log, [line(8, 22), line(9, 22), line(9, 23), line(11, 22)].join(''));
utimesSync(log, new Date('2024-03-02T00:00:00Z'), new Date('2024-03-02T00:00:00Z'));

test('the text report draws the timeline only when stdout is a terminal', async () => {
  const tty = await runCli(['--tz', 'UTC', '--color', 'never', log], { stdoutTTY: true });
  expect(tty.stdout).toContain('TIMELINE (events per hour, 2024-03-01 08:00 to 2024-03-01 11:00)');
  // One column per hour, 08 to 11: 10:00 had nothing.
  expect(tty.stdout).toContain('\nall         ▅█ ▅ peak 2\n22/tcp      ██ █ peak 1\n23/tcp       █   peak 1\n');
  const pipe = await runCli(['--tz', 'UTC', log]);
  expect(pipe.stdout).not.toContain('TIMELINE');
  expect(pipe.stdout).not.toMatch(/[▁-█]/);
});

test('progress: bytes, lines/s and time left; only on a terminal stderr, never on stdout', async () => {
  expect(progressText(50 * 1024 * 1024, 200 * 1024 * 1024, 100_000, 2000)).toBe('50.0 MB / 200.0 MB 25%  50,000 lines/s  ETA 0:00:06');
  const big = join(dir, 'big.log');
  const block = line(8, 22).repeat(1000);
  writeFileSync(big, block.repeat(Math.ceil((17 * 1024 * 1024) / block.length)));
  const tty = await runCli(['--tz', 'UTC', '--format', 'json', big], { stderrTTY: true });
  expect(tty.stderr).toMatch(/\r[\d.]+ (KB|MB) \/ 17\.\d MB \d+%  [\d,]+ lines\/s  ETA /);
  expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true); // erased at the end
  expect(tty.stdout).not.toContain('lines/s');
  const notty = await runCli(['--tz', 'UTC', '--format', 'json', big]);
  expect(notty.stderr).toBe('');
  expect(JSON.parse(notty.stdout).summary.events).toBe(JSON.parse(tty.stdout).summary.events);
});

test('hours met again (files out of order) are merged, not replaced', () => {
  const t = new Timeline();
  const at = (h: number) => Date.UTC(2024, 2, 1, h, 10);
  t.add(at(10), 22, 1, true);
  t.add(at(10), 23, 2, false);
  t.add(at(11), 22, 4, true);
  t.add(at(10), 22, 8, true); // back to 10:00
  t.add(at(12), 25, 16, true);
  t.add(at(11), 23, 32, true); // back to 11:00
  const hours = t.hours;
  const h10 = hours.get(Math.floor(at(10) / HOUR_MS))!;
  const h11 = hours.get(Math.floor(at(11) / HOUR_MS))!;
  expect([h10.events, h10.probes, [...h10.ports]]).toEqual([11, 9, [[22, 9], [23, 2]]]);
  expect([h11.events, h11.probes, [...h11.ports].sort((a, b) => a[0] - b[0])]).toEqual([36, 36, [[22, 4], [23, 32]]]);
  expect(hours.size).toBe(3);
  expect(t.cells).toBe(5);
  // Asked for some ports only: the same hours and totals, those ports' cells alone.
  const only23 = t.hourCounts(new Set([23]));
  expect([...only23.keys()]).toEqual([...hours.keys()]);
  for (const [hour, h] of only23) {
    const all = hours.get(hour)!;
    expect([h.events, h.probes]).toEqual([all.events, all.probes]);
    expect([...h.ports]).toEqual([...all.ports].filter(([key]) => key === 23));
  }
  expect(only23.get(Math.floor(at(11) / HOUR_MS))!.ports.get(23)).toBe(32);
});
