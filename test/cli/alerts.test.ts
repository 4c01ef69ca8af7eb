/**
 * --fail-on conditions (exit 4 and one line on stderr), each true and false; --quiet.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { EXIT_ALERT } from '../../src/cli/main.js';
import { tempDir } from '../helpers/tmp.js';

const base = ['--tz', 'UTC', '--year', '2024'];

function ufw(action: 'BLOCK' | 'ALLOW', port: number, dir: 'in' | 'out' = 'in', src = '198.51.100.7', time = '10:00:00'): string {
  const iface = dir === 'in' ? 'IN=eth0 OUT=' : 'IN= OUT=eth0';
  return `Mar  1 ${time} fw kernel: [UFW ${action}] ${iface} MAC= SRC=${src} DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=1 PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

function logOf(text: string): string {
  const dir = tempDir('alerts');
  const path = join(dir, 'ufw.log');
  writeFileSync(path, text);
  return path;
}

const fourBlocks = logOf([22, 22, 23, 80].map((p) => ufw('BLOCK', p)).join(''));

// 12 SYNs from one source to one host and port, two minutes apart: the classifier's "targeted"
// (≥ 10 attempts over ≥ 10 min), severity 2; plus some background.
const targetedLog = logOf(
  Array.from({ length: 12 }, (_, i) => ufw('BLOCK', 22, 'in', '192.0.2.99', `10:${String(i * 2).padStart(2, '0')}:00`)).join('') +
    [23, 80, 445].map((p, i) => ufw('BLOCK', p, 'in', `198.51.100.${i + 1}`)).join(''),
);

test('exit 4 is its own code, apart from 1 (no events) and 2 (usage)', () => {
  expect(EXIT_ALERT).toBe(4);
});

test.each([
  ['events>3', fourBlocks, EXIT_ALERT, 'events>3: 4 events'],
  ['events>4', fourBlocks, 0, null],
  ['allowed', logOf(ufw('BLOCK', 22) + ufw('ALLOW', 8080) + ufw('ALLOW', 8080)), EXIT_ALERT, 'allowed: 2 events towards you allowed, on 8080/tcp'],
  ['allowed', logOf(ufw('BLOCK', 22) + ufw('ALLOW', 443, 'out')), 0, null], // outbound allowed is no probe let through
  ['allowed', fourBlocks, 0, null],
  ['events>100,allowed', logOf(ufw('ALLOW', 25)), EXIT_ALERT, 'allowed: 1 event towards you allowed, on 25/tcp'],
  ['targeted', targetedLog, EXIT_ALERT, 'targeted: 1 source made repeated attempts on one host and port: 192.0.2.99 (22/tcp)'],
  ['targeted', fourBlocks, 0, null],
  ['severity>=2', targetedLog, EXIT_ALERT, 'severity>=2: 1 source, 192.0.2.99 (severity 2, targeted)'],
  ['severity>=3', targetedLog, 0, null],
  ['severity>=1', fourBlocks, EXIT_ALERT, 'severity>=1: 1 source, 198.51.100.7 (severity 1, unclassified)'],
])('--fail-on %s', async (cond, log, code, reason) => {
  const r = await runCli([...base, '--fail-on', cond, log]);
  expect(r.code).toBe(code);
  expect(r.stdout).toContain('portscan-report:'); // the report is written either way
  const alerts = r.stderr.split('\n').filter((l) => l.startsWith('portscan-report: alert:'));
  if (reason === null) expect(alerts).toEqual([]);
  else expect(alerts).toEqual([`portscan-report: alert: ${reason}`]);
});

test('--fail-on new-port: the first run learns, then only a port never probed before alerts', async () => {
  const log = logOf(ufw('BLOCK', 22) + ufw('BLOCK', 23));
  const state = join(tempDir('alerts'), 'state.json');
  const run = () => runCli([...base, '--state', state, '--fail-on', 'new-port', log]);
  expect((await run()).code).toBe(0); // no history yet: nothing is "new"
  appendFileSync(log, ufw('BLOCK', 22));
  expect((await run()).code).toBe(0);
  appendFileSync(log, ufw('BLOCK', 3389) + ufw('BLOCK', 22) + ufw('ALLOW', 8443, 'out'));
  const r = await run();
  expect(r.code).toBe(EXIT_ALERT);
  expect(r.stderr).toContain('portscan-report: alert: new-port: 3389/tcp probed for the first time\n');
  appendFileSync(log, ufw('BLOCK', 3389));
  expect((await run()).code).toBe(0); // now it is known
});

test.each([
  [['--fail-on', 'new-port'], 'needs --state'],
  [['--fail-on', 'severity>=x'], 'targeted, severity>=N, events>N, allowed, new-port'],
  [['--fail-on', 'severity>=9'], 'severity is 1 to 5'],
  [['--fail-on', 'events>'], 'events>N'],
  [['--fail-on', ','], 'needs conditions'],
  [['--reset-state'], 'needs --state'],
])('%j: usage error, exit 2', async (argv, message) => {
  const r = await runCli([...base, ...argv, fourBlocks]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(message);
});

test('--quiet with --state: nothing on stdout or stderr when nothing is new, the report when something is', async () => {
  const log = logOf(ufw('BLOCK', 22));
  const state = join(tempDir('alerts'), 'state.json');
  const run = () => runCli([...base, '--quiet', '--state', state, log]);
  const first = await run();
  expect(first.stdout).toContain('1 events in 1 lines');
  const idle = await run();
  expect(idle).toEqual({ code: 0, stdout: '', stderr: '' });
  appendFileSync(log, ufw('BLOCK', 23));
  expect((await run()).stdout).toContain('1 events in 1 lines');
});

test('--quiet with --fail-on: silent unless a condition holds, then the report and the reason', async () => {
  const below = await runCli([...base, '--quiet', '--fail-on', 'events>10', fourBlocks]);
  expect(below).toEqual({ code: 0, stdout: '', stderr: '' });
  const above = await runCli([...base, '--quiet', '--fail-on', 'events>3', fourBlocks]);
  expect(above.code).toBe(EXIT_ALERT);
  expect(above.stdout).toContain('4 events in 4 lines');
  expect(above.stderr).toBe('portscan-report: alert: events>3: 4 events\n');
});

test('without --quiet, a run with nothing in it still prints its (empty) report', async () => {
  const r = await runCli([...base, '--fail-on', 'events>10', fourBlocks]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('4 events in 4 lines');
});

test('--help lists the scheduling options; --format lists markdown and html from the registry', async () => {
  const help = await runCli(['--help']);
  for (const flag of ['--since', '--until', '--relative-to', '--state', '--reset-state', '--fail-on', '--quiet']) expect(help.stdout).toContain(flag);
  expect(help.stdout).toContain('4 a --fail-on condition held');
  const bad = await runCli(['--format', 'pdf', fourBlocks]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('text, csv, json, markdown, html');
});
