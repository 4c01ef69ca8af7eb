/**
 * Incremental runs across every rotation scheme, with appends and partial lines in between. Each
 * log line probes its own port (1000 + line number), so the reports of all runs together must name
 * every port exactly once: a line read twice shows as a count of 2, a line skipped as a missing
 * port. The same is checked against one run over the whole text at once.
 */
import { appendFileSync, copyFileSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const base = ['--tz', 'UTC', '--year', '2024', '--format', 'json'];

function line(i: number): string {
  const sec = String(i % 60).padStart(2, '0');
  const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
  return `Mar  1 10:${min}:${sec} fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=198.51.100.${(i % 250) + 1} DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=1 PROTO=TCP SPT=40000 DPT=${1000 + i} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += line(i);
  return s;
}

/** A scenario's directory, state file and the port counts summed over its runs. */
class Scenario {
  readonly dir = tempDir('cursor');
  readonly log = join(this.dir, 'ufw.log');
  readonly state = join(this.dir, 'state.json');
  readonly counts = new Map<number, number>();
  stderr = '';
  /** Every line written, in order, for the whole-text comparison. */
  whole = '';

  write(path: string, text: string): void {
    appendFileSync(path, text);
    this.whole += text;
  }

  /** Append line i in two pieces: the first now (a partial line), the rest later. */
  half(path: string, i: number): () => void {
    const l = line(i);
    const cut = 57;
    appendFileSync(path, l.slice(0, cut));
    this.whole += l;
    return () => appendFileSync(path, l.slice(cut));
  }

  /** Run as cron would; `inputs` default to the log itself, `glob` takes every ufw.log* file. */
  async run(opts: { glob?: boolean } = {}): Promise<void> {
    const inputs = opts.glob ? readdirSync(this.dir).filter((f) => f.startsWith('ufw.log')).sort().map((f) => join(this.dir, f)) : [this.log];
    const r = await runCli([...base, '--state', this.state, ...inputs]);
    expect([0, 1]).toContain(r.code);
    this.stderr += r.stderr;
    const report = JSON.parse(r.stdout);
    for (const p of report.ports) this.counts.set(p.port, (this.counts.get(p.port) ?? 0) + p.events);
  }

  /** Every line of 0..n-1 counted exactly once, and the same as reading all the text at once. */
  async expectExactlyOnce(n: number): Promise<void> {
    const wrong = [...this.counts].filter(([, c]) => c !== 1);
    expect(wrong).toEqual([]);
    const missing = [];
    for (let i = 0; i < n; i++) if (!this.counts.has(1000 + i)) missing.push(i);
    expect(missing).toEqual([]);
    expect(this.counts.size).toBe(n);
    const all = join(this.dir, 'whole.txt');
    writeFileSync(all, this.whole);
    const once = JSON.parse((await runCli([...base, all])).stdout);
    expect(new Map(once.ports.map((p: { port: number; events: number }) => [p.port, p.events]))).toEqual(this.counts);
  }
}

test('plain appends, with a partial last line that waits for the next run', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  let finish = s.half(s.log, 10);
  await s.run();
  expect(s.counts.size).toBe(10); // line 10 is not complete yet
  finish();
  s.write(s.log, lines(11, 20));
  finish = s.half(s.log, 20);
  await s.run();
  await s.run(); // nothing new: nothing counted
  finish();
  await s.run();
  await s.expectExactlyOnce(21);
});

test('rename rotation (create): the rest of the old file, written after the last run, is read from ufw.log.1', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  await s.run();
  s.write(s.log, lines(10, 15));
  const finish = s.half(s.log, 15);
  renameSync(s.log, `${s.log}.1`);
  // The daemon still holds the old file open until it is told to reopen: it finishes line 15 there.
  finish();
  s.write(`${s.log}.1`, lines(16, 18));
  s.write(s.log, lines(18, 25));
  await s.run();
  s.write(s.log, lines(25, 30));
  await s.run();
  await s.expectExactlyOnce(30);
  expect(s.stderr).not.toMatch(/warning/);
});

test('rename + gzip (no delaycompress): the rest is read from ufw.log.1.gz by uncompressed offset', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 12));
  const finish = s.half(s.log, 12);
  await s.run();
  finish();
  s.write(s.log, lines(13, 20));
  writeFileSync(`${s.log}.1.gz`, gzipSync(readFileSync(s.log)));
  rmSync(s.log);
  s.write(s.log, lines(20, 24));
  await s.run();
  s.write(s.log, lines(24, 28));
  await s.run();
  await s.expectExactlyOnce(28);
});

test('delaycompress over two rotations, inputs given as the ufw.log* glob each run', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  await s.run({ glob: true });
  // Rotation 1: ufw.log → ufw.log.1 (stays plain), new ufw.log.
  s.write(s.log, lines(10, 12));
  renameSync(s.log, `${s.log}.1`);
  s.write(s.log, lines(12, 20));
  await s.run({ glob: true });
  // Rotation 2: ufw.log.1 → ufw.log.2.gz, ufw.log → ufw.log.1, new ufw.log; appends before each.
  s.write(s.log, lines(20, 23));
  writeFileSync(`${s.log}.2.gz`, gzipSync(readFileSync(`${s.log}.1`)));
  rmSync(`${s.log}.1`);
  renameSync(s.log, `${s.log}.1`);
  s.write(`${s.log}.1`, lines(23, 25));
  s.write(s.log, lines(25, 31));
  await s.run({ glob: true });
  await s.run({ glob: true });
  await s.expectExactlyOnce(31);
});

test('delaycompress with only ufw.log given: a rest kept under ufw.log.1 is finished from ufw.log.2.gz', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  await s.run();
  renameSync(s.log, `${s.log}.1`);
  const finish = s.half(`${s.log}.1`, 10); // the old file ends in a partial line for now
  s.write(s.log, lines(11, 15));
  await s.run();
  finish();
  writeFileSync(`${s.log}.2.gz`, gzipSync(readFileSync(`${s.log}.1`)));
  rmSync(`${s.log}.1`);
  renameSync(s.log, `${s.log}.1`);
  s.write(s.log, lines(15, 18));
  await s.run();
  await s.expectExactlyOnce(18);
});

test('copytruncate: the copy holds the unread rest, the truncated file starts again at 0', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  await s.run();
  s.write(s.log, lines(10, 16));
  copyFileSync(s.log, `${s.log}.1`);
  truncateSync(s.log, 0);
  s.write(s.log, lines(16, 19)); // shorter than the old offset
  await s.run();
  s.write(s.log, lines(19, 22));
  await s.run();
  await s.expectExactlyOnce(22);
});

test('copytruncate, and the log has grown past the old offset before the next run', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 5));
  await s.run();
  s.write(s.log, lines(5, 8));
  copyFileSync(s.log, `${s.log}.1`);
  truncateSync(s.log, 0);
  s.write(s.log, lines(8, 30)); // longer than the old offset: only the hash tells it is new
  await s.run();
  await s.expectExactlyOnce(30);
});

test('the same inode rewritten shorter and longer (inode reuse): read again from 0, nothing skipped', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  await s.run();
  writeFileSync(s.log, lines(10, 13)); // same inode, shorter than the offset
  s.whole += lines(10, 13);
  await s.run();
  writeFileSync(s.log, lines(13, 40)); // same inode, longer than the offset
  s.whole += lines(13, 40);
  await s.run();
  await s.expectExactlyOnce(40);
});

test('a rotated file that is gone: the loss is said on stderr, the new file is read whole', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  await s.run();
  rmSync(s.log);
  writeFileSync(s.log, lines(10, 12));
  await s.run();
  expect(s.stderr).toMatch(/warning: .*ufw\.log: rotated since the last run, and its rotated copy was not found/);
  expect([...s.counts.keys()].sort()).toEqual([...Array(12).keys()].map((i) => 1000 + i));
});

test('a kill between the report and the state write loses nothing: the next run reports the lines again', async () => {
  const s = new Scenario();
  s.write(s.log, lines(0, 10));
  await s.run();
  const before = readFileSync(s.state);
  s.write(s.log, lines(10, 15));
  const second = await runCli([...base, '--state', s.state, s.log]);
  expect(JSON.parse(second.stdout).summary.events).toBe(5);
  // Killed before the rename: the state file is still the old one (it is replaced atomically).
  writeFileSync(s.state, before);
  const again = await runCli([...base, '--state', s.state, s.log]);
  expect(JSON.parse(again.stdout).ports).toEqual(JSON.parse(second.stdout).ports);
  const after = await runCli([...base, '--state', s.state, s.log]);
  expect(JSON.parse(after.stdout).summary.events).toBe(0);
  expect(after.code).toBe(0); // nothing new is not a failure
  // No temp file is left beside the state.
  expect(readdirSync(s.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test.each([
  ['not JSON', '{"format": "portscan-report-st'],
  ['foreign JSON', '{"files": []}'],
  ['another version', '{"format": "portscan-report-state", "version": 99, "files": [], "ports": {}}'],
  ['damaged cursor', '{"format": "portscan-report-state", "version": 1, "files": [{"path": 1}], "ports": {}}'],
])('a state file that is %s: exit 2 naming --reset-state; --reset-state starts over', async (_what, text) => {
  const s = new Scenario();
  s.write(s.log, lines(0, 4));
  writeFileSync(s.state, text);
  const r = await runCli([...base, '--state', s.state, s.log]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/state\.json: .*--reset-state/);
  expect(readFileSync(s.state, 'utf8')).toBe(text); // left alone
  const reset = await runCli([...base, '--state', s.state, '--reset-state', s.log]);
  expect(reset.code).toBe(0);
  expect(JSON.parse(reset.stdout).summary.events).toBe(4);
  expect(JSON.parse(readFileSync(s.state, 'utf8')).format).toBe('portscan-report-state');
});

test('standard input cannot be incremental: usage error, exit 2', async () => {
  const dir = tempDir('cursor');
  const r = await runCli([...base, '--state', join(dir, 's.json'), '-'], { stdin: lines(0, 3) });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--state: standard input cannot be read incrementally/);
});
