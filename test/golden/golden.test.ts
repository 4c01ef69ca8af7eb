/**
 * Golden files for the report formats. The expected outputs live beside this test in
 * test/golden/expected/ and are reviewed as diffs; regenerate them on purpose with
 *   UPDATE_GOLDEN=1 npm test -- test/golden
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = join(process.cwd(), 'test', 'golden', 'expected');
const update = process.env.UPDATE_GOLDEN === '1';
const fixtures = join(process.cwd(), 'fixtures');

const cases: [string, string[]][] = [
  ['mixed-variants.txt', ['--tz', 'UTC', '--year', '2024', join(fixtures, 'iptables', 'mixed-variants.log')]],
  ['mixed-variants.json', ['--tz', 'UTC', '--year', '2024', '--format', 'json', join(fixtures, 'iptables', 'mixed-variants.log')]],
  ['mixed-variants.ports.csv', ['--tz', 'UTC', '--year', '2024', '--format', 'csv', join(fixtures, 'iptables', 'mixed-variants.log')]],
  ['mixed-variants.sources.csv', ['--tz', 'UTC', '--year', '2024', '--format', 'csv', '--table', 'sources', join(fixtures, 'iptables', 'mixed-variants.log')]],
  ['mixed-variants.md', ['--tz', 'UTC', '--year', '2024', '--format', 'markdown', join(fixtures, 'iptables', 'mixed-variants.log')]],
  ['mixed-variants.html', ['--tz', 'UTC', '--year', '2024', '--format', 'html', join(fixtures, 'iptables', 'mixed-variants.log')]],
  ['proxmox.txt', ['--tz', 'Europe/Berlin', '--year', '2022', join(fixtures, 'iptables', 'crowdsec-proxmox-iptables.log')]],
];

test.each(cases)('%s', async (name, argv) => {
  const r = await runCli(argv);
  expect(r.code).toBe(0);
  const file = join(dir, name);
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 and review the new file`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, r.stdout);
  }
  expect(r.stdout).toBe(readFileSync(file, 'utf8'));
});

test('the same input twice gives the same bytes (deterministic output)', async () => {
  const a = await runCli(cases[1][1]);
  const b = await runCli(cases[1][1]);
  expect(a.stdout).toBe(b.stdout);
});
