/**
 * Syslog stamps without a year, across New Year: the year is inferred per input from the file's
 * modification time (the latest year that does not put a line after it), also in an incremental
 * run that reads the January part of the file after the December part.
 */
import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const probe = (stamp: string, port: number) =>
  `${stamp} fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=198.51.100.7 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=1 PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`;

const december = probe('Dec 31 23:59:50', 1001) + probe('Dec 31 23:59:59', 1002);
const january = probe('Jan  1 00:00:00', 1003) + probe('Jan  1 00:00:10', 1004);

function touch(path: string, iso: string): void {
  utimesSync(path, new Date(iso), new Date(iso));
}

test('one file across New Year: December in the old year, January in the new', async () => {
  const dir = tempDir('year');
  const log = join(dir, 'ufw.log');
  writeFileSync(log, december + january);
  touch(log, '2025-01-01T06:00:00Z');
  const r = JSON.parse((await runCli(['--tz', 'UTC', '--format', 'json', log])).stdout);
  expect(r.summary.firstSeen).toBe('2024-12-31T23:59:50.000Z');
  expect(r.summary.lastSeen).toBe('2025-01-01T00:00:10.000Z');
  const seen = Object.fromEntries(r.ports.map((p: { port: number; firstSeen: string }) => [p.port, p.firstSeen]));
  expect(seen[1002]).toBe('2024-12-31T23:59:59.000Z');
  expect(seen[1003]).toBe('2025-01-01T00:00:00.000Z');
  // --year overrides the inference.
  const forced = JSON.parse((await runCli(['--tz', 'UTC', '--year', '2020', '--format', 'json', log])).stdout);
  expect(forced.summary.firstSeen).toBe('2020-01-01T00:00:00.000Z');
});

test('an incremental run reads the January lines in the new year, the December ones stayed in the old', async () => {
  const dir = tempDir('year');
  const log = join(dir, 'ufw.log');
  const state = join(dir, 'state.json');
  writeFileSync(log, december);
  touch(log, '2024-12-31T23:59:59Z');
  const first = JSON.parse((await runCli(['--tz', 'UTC', '--format', 'json', '--state', state, log])).stdout);
  expect(first.summary.lastSeen).toBe('2024-12-31T23:59:59.000Z');
  appendFileSync(log, january);
  touch(log, '2025-01-01T00:05:00Z');
  const second = JSON.parse((await runCli(['--tz', 'UTC', '--format', 'json', '--state', state, log])).stdout);
  expect(second.summary.events).toBe(2);
  expect(second.summary.firstSeen).toBe('2025-01-01T00:00:00.000Z');
});

test('a zone without an offset in the stamp: --tz decides, and the report names it', async () => {
  const dir = tempDir('year');
  const log = join(dir, 'ufw.log');
  writeFileSync(log, probe('Jul  1 12:00:00', 22));
  touch(log, '2024-07-02T00:00:00Z');
  const r = JSON.parse((await runCli(['--tz', 'Europe/Berlin', '--format', 'json', log])).stdout);
  expect(r.summary.firstSeen).toBe('2024-07-01T10:00:00.000Z');
  expect(r.summary.timeZone).toBe('Europe/Berlin');
});
