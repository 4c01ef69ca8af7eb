/**
 * --since/--until: the forms accepted, the half-open window at its exact boundaries, relative
 * durations counted back from the newest event, and events outside counted as filtered.
 */
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { parseTimeBound, resolveWindow } from '../../src/time/window.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = Date.parse('2024-03-15T13:45:00Z');

test.each([
  ['2024-03-01', 'UTC', '2024-03-01T00:00:00.000Z'],
  ['2024-03-01T10:30', 'UTC', '2024-03-01T10:30:00.000Z'],
  ['2024-03-01 10:30:15', 'Europe/Berlin', '2024-03-01T09:30:15.000Z'],
  ['2024-03-01T10:30:00+02:00', 'Europe/Berlin', '2024-03-01T08:30:00.000Z'],
  ['2024-03-01T10:30:00Z', 'America/New_York', '2024-03-01T10:30:00.000Z'],
  ['today', 'UTC', '2024-03-15T00:00:00.000Z'],
  ['yesterday', 'UTC', '2024-03-14T00:00:00.000Z'],
  ['yesterday', 'Pacific/Kiritimati', '2024-03-14T10:00:00.000Z'], // 13:45Z is already the 16th at UTC+14
  ['now', 'UTC', '2024-03-15T13:45:00.000Z'],
])('%s in %s is %s', (text, tz, iso) => {
  const b = parseTimeBound(text, NOW, tz);
  expect(b).not.toBeNull();
  expect(b!.kind).toBe('absolute');
  expect(new Date((b as { time: number }).time).toISOString()).toBe(iso);
});

test.each([
  ['30m', 30 * 60_000],
  ['24h', 24 * 3_600_000],
  ['7d', 7 * 86_400_000],
  ['2w', 14 * 86_400_000],
])('duration %s counts back %d ms from the anchor', (text, ms) => {
  const b = parseTimeBound(text, NOW, 'UTC');
  expect(b).toEqual({ kind: 'relative', ms, text });
  expect(resolveWindow(b, null, NOW)).toEqual({ since: NOW - ms, until: Infinity });
});

test.each(['last week', '2024-13-01', '24', 'h24', ''])('%j is not a time', (text) => {
  expect(parseTimeBound(text, NOW, 'UTC')).toBeNull();
});

// Events at 09:59:59, 10:00:00, 10:59:59, 11:00:00 (one port each), file mtime after them.
const dir = tempDir('window');
const log = join(dir, 'ufw.log');
const stamps = [
  ['09:59:59', 1001],
  ['10:00:00', 1002],
  ['10:59:59', 1003],
  ['11:00:00', 1004],
] as const;
writeFileSync(
  log,
  stamps
    .map(([t, port]) => `Mar  1 ${t} fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=198.51.100.7 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=1 PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`)
    .join(''),
);
utimesSync(log, new Date('2024-03-02T00:00:00Z'), new Date('2024-03-02T00:00:00Z'));
const base = ['--tz', 'UTC', '--format', 'json'];

async function ports(args: string[]): Promise<{ ports: number[]; filtered: number; window: unknown; code: number }> {
  const r = await runCli([...base, ...args, log]);
  const j = JSON.parse(r.stdout);
  return { ports: j.ports.map((p: { port: number }) => p.port).sort(), filtered: j.summary.filteredEvents, window: j.summary.window, code: r.code };
}

test('--since is inclusive, --until exclusive; the rest is counted as filtered', async () => {
  const r = await ports(['--since', '2024-03-01T10:00:00Z', '--until', '2024-03-01T11:00:00Z']);
  expect(r.ports).toEqual([1002, 1003]);
  expect(r.filtered).toBe(2);
  expect(r.window).toEqual({ since: '2024-03-01T10:00:00.000Z', until: '2024-03-01T11:00:00.000Z' });
  expect(r.code).toBe(0);
});

test('consecutive windows split the log without a gap or an overlap', async () => {
  const a = await ports(['--until', '2024-03-01T10:00:00Z']);
  const b = await ports(['--since', '2024-03-01T10:00:00Z']);
  expect([...a.ports, ...b.ports].sort()).toEqual([1001, 1002, 1003, 1004]);
});

test('a duration counts back from the newest event in the log, not from the clock', async () => {
  const r = await ports(['--since', '1h']);
  expect(r.ports).toEqual([1002, 1003, 1004]); // newest 11:00:00 → since 10:00:00 inclusive
  // --until 1s: before 10:59:59, which is itself outside (the window is half-open).
  const u = await ports(['--since', '1h', '--until', '1s']);
  expect(u.ports).toEqual([1002]);
});

test('--relative-to now counts back from the clock: a 2024 log has nothing in the last day', async () => {
  const r = await ports(['--since', '24h', '--relative-to', 'now']);
  expect(r.ports).toEqual([]);
  expect(r.filtered).toBe(4);
  expect(r.code).toBe(0); // events were found, just not in the window
});

test('a window with nothing in it says so in the text report', async () => {
  const r = await runCli(['--tz', 'UTC', '--since', '2024-03-01T12:00:00Z', log]);
  expect(r.stdout).toContain('Window: 2024-03-01 12:00:00 to end (UTC); 4 events outside it not counted');
});

test('a duration on standard input needs --relative-to now (stdin cannot be read twice)', async () => {
  const text = '';
  const r = await runCli([...base, '--since', '24h'], { stdin: text });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--relative-to now');
});

test.each([['--since', 'last tuesday'], ['--until', '2024-02-30x'], ['--relative-to', 'oldest']])('%s %j: usage error naming the flag, exit 2', async (flag, value) => {
  const r = await runCli([...base, flag, value, log]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(flag);
});

test('the newest event of gzip and pcap inputs is found by reading them whole', async () => {
  const gz = join(dir, 'ufw.log.1.gz');
  writeFileSync(gz, gzipSync(readFileSync(log)));
  const r = JSON.parse((await runCli([...base, '--since', '1h', gz])).stdout);
  expect(r.ports.map((p: { port: number }) => p.port).sort()).toEqual([1002, 1003, 1004]);
  const pcap = join(process.cwd(), 'fixtures', 'pflog', 'openbsd-le.pcap');
  const all = JSON.parse((await runCli([...base, pcap])).stdout).summary;
  const lastSecond = JSON.parse((await runCli([...base, '--since', '1s', pcap])).stdout).summary;
  expect(lastSecond.window.since).toBe(new Date(Date.parse(all.lastSeen) - 1000).toISOString());
  expect(lastSecond.events + lastSecond.filteredEvents).toBe(all.events);
});
