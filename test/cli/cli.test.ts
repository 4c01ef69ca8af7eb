/**
 * The CLI as a user runs it: in-process through main(argv, io) for speed, and as a real process for
 * what only a process shows (a closed pipe, the bin file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { VERSION } from '../../src/version.js';
import { tempDir } from '../helpers/tmp.js';

const fixture = join(process.cwd(), 'fixtures', 'iptables', 'mixed-variants.log');
const text = readFileSync(fixture, 'utf8');
const tmp = tempDir('cli');
const base = ['--tz', 'UTC', '--year', '2024'];

test('stdin piped in gives a text report and exit 0', async () => {
  const r = await runCli(base, { stdin: text });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^portscan-report: 27 events in 27 lines \(iptables 27\)$/m);
  expect(r.stdout).toContain('TOP PROBED PORTS');
  expect(r.stdout).toMatch(/^3089\/tcp\s+ptk-alink\s+3\s+3\s+2\s/m);
  // The damaged line is reported on stderr with its line number, not dropped.
  expect(r.stderr).toContain('(stdin):22: missing-dst');
});

test('a file, its gzip copy (recognised by content, any name) and "-" give the same counts', async () => {
  const gz = join(tmp, 'rotated.1');
  writeFileSync(gz, gzipSync(readFileSync(fixture)));
  const plain = await runCli([...base, '--format', 'json', fixture]);
  const zipped = await runCli([...base, '--format', 'json', gz]);
  const dash = await runCli([...base, '--format', 'json', '-'], { stdin: text });
  const p = JSON.parse(plain.stdout);
  expect(JSON.parse(zipped.stdout).ports).toEqual(p.ports);
  expect(JSON.parse(dash.stdout).ports).toEqual(p.ports);
  const both = JSON.parse((await runCli([...base, '--format', 'json', fixture, gz])).stdout);
  expect(both.summary.events).toBe(2 * p.summary.events);
  // "-" among files, with flags before them and without: standard input is read too, in its place.
  for (const args of [[...base, '--format', 'json', fixture, '-', gz], [fixture, '-', gz]]) {
    const r = await runCli(args, { stdin: text });
    expect(r.code).toBe(0);
    if (args[0] === fixture) expect(r.stdout).toMatch(/^portscan-report: 81 events in 81 lines \(iptables 81\)$/m);
    else expect(JSON.parse(r.stdout).summary.events).toBe(3 * p.summary.events);
  }
});

test('no file and stdin a terminal: usage on stderr, exit 2, no waiting', async () => {
  const r = await runCli([], { stdin: null });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/no input/);
});

test('--help is generated from the options table', async () => {
  const r = await runCli(['--help']);
  expect(r.code).toBe(0);
  for (const flag of ['--format', '--table', '--top', '--output', '--color', '--input-format', '--tz', '--year']) {
    expect(r.stdout).toContain(flag);
  }
});

test('--version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  expect(VERSION).toBe(pkg.version);
  const r = await runCli(['--version']);
  expect(r.stdout.trim()).toBe(pkg.version);
});

test.each([
  [['--format', 'xml'], '--format', 'text, csv, json'],
  [['--color', 'sometimes'], '--color', 'auto, always, never'],
  [['--table', 'hosts'], '--table', 'ports, sources'],
  [['--top', 'ten'], '--top', 'e.g. --top 50'],
  [['--tz', 'Mars/Olympus'], '--tz', 'e.g. --tz Europe/Berlin'],
  [['--input-format', 'syslog'], '--input-format', 'auto, iptables'],
  [['--frobnicate'], 'frobnicate', ''],
])('usage error %j names the flag, lists valid values, exits 2', async (argv, flag, valid) => {
  const r = await runCli([...argv, fixture]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(flag);
  expect(r.stderr).toContain(valid);
});

test('a missing file is one line naming the file, exit 2', async () => {
  const r = await runCli([fixture, join(tmp, 'nope.log')]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([`portscan-report: ${join(tmp, 'nope.log')}: no such file`]);
});

test('a missing second file leaves the first one closed', async () => {
  // Every input is opened before any is read; the run stops at the missing one.
  const target = (fd: string) => {
    try {
      return readlinkSync(join('/proc/self/fd', fd));
    } catch {
      return '';
    }
  };
  // A file of its own: no other test has it open.
  const first = join(tmp, 'first-of-two.log');
  writeFileSync(first, readFileSync(fixture));
  const openOnFirst = () => readdirSync('/proc/self/fd').filter((fd) => target(fd) === first).length;
  const r = await runCli([first, join(tmp, 'nope.log')]);
  expect(r.code).toBe(2);
  await new Promise((res) => setTimeout(res, 50));
  expect(openOnFirst()).toBe(0);
});

test('a corrupt gzip file is one line naming the file, exit 2', async () => {
  const bad = join(tmp, 'bad.gz');
  writeFileSync(bad, Buffer.concat([gzipSync(readFileSync(fixture)).subarray(0, 40), Buffer.from('garbage')]));
  const r = await runCli([bad]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(bad);
});

test('input with no firewall event: exit 1, says so on stderr with the first lines', async () => {
  const r = await runCli([], { stdin: 'Mar  1 10:00:00 host sshd[1]: hello\nnot a log line\n' });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/no firewall event found in 2 lines \(formats tried: iptables/);
  expect(r.stderr).toContain('(stdin):2: not a log line');
});

test('-o writes the report atomically and prints nothing', async () => {
  const out = join(tmp, 'report.txt');
  const r = await runCli([...base, '-o', out, fixture]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('');
  const direct = await runCli([...base, fixture]);
  expect(readFileSync(out, 'utf8')).toBe(direct.stdout);
  expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('-o into a missing directory: exit 2 naming the file', async () => {
  const r = await runCli(['-o', join(tmp, 'no', 'dir', 'r.txt'), fixture]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(join(tmp, 'no', 'dir', 'r.txt'));
});

test('--top limits CSV and JSON rows; without it they hold every row', async () => {
  const all = JSON.parse((await runCli([...base, '--format', 'json', fixture])).stdout);
  const top = JSON.parse((await runCli([...base, '--format', 'json', '--top', '3', fixture])).stdout);
  expect(all.ports.length).toBeGreaterThan(3);
  expect(top.ports).toEqual(all.ports.slice(0, 3));
  const csv = (await runCli([...base, '--format', 'csv', fixture])).stdout.trim().split('\n');
  expect(csv.length).toBe(all.ports.length + 1);
});

test('colour: only on a terminal, never with NO_COLOR or --color never, always with --color always', async () => {
  const esc = '\x1b[';
  expect((await runCli([fixture], { stdoutTTY: true })).stdout).toContain(esc);
  expect((await runCli([fixture], { stdoutTTY: false })).stdout).not.toContain(esc);
  expect((await runCli([fixture], { stdoutTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(esc);
  expect((await runCli([fixture], { stdoutTTY: true, env: { TERM: 'dumb' } })).stdout).not.toContain(esc);
  expect((await runCli(['--color', 'never', fixture], { stdoutTTY: true })).stdout).not.toContain(esc);
  expect((await runCli(['--color', 'always', fixture])).stdout).toContain(esc);
});

describe('as a process (needs the build: npm test builds first)', () => {
  const bin = join(process.cwd(), 'dist', 'src', 'cli', 'bin.js');
  const built = existsSync(bin);

  (built ? test : test.skip)('a closed pipe (| head -1) is success', () => {
    // Enough output that the writer is still writing when head exits.
    const big = join(tmp, 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) {
      lines.push(text.split('\n')[0].replace('SRC=198.51.100.7', `SRC=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).replace('DPT=3089', `DPT=${i % 60000}`));
    }
    writeFileSync(big, lines.join('\n'));
    const r = spawnSync('bash', ['-c', `node "${bin}" --format csv --table sources "${big}" | head -1; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout).toContain('address,events');
    expect(r.stdout).toContain('status=0');
    expect(r.stderr).toBe('');
  });

  (built ? test : test.skip)('the bin runs from a pipe: cat file | portscan-report', () => {
    const r = spawnSync('bash', ['-c', `cat "${fixture}" | node "${bin}" --tz UTC --year 2024`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('27 events in 27 lines');
  });
});
