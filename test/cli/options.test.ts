/**
 * A command line of operands only is read without yargs (src/cli/main.ts, parseArgs): both paths
 * must give the same options, and the fast one must really leave yargs unloaded.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, parseWithYargs } from '../../src/cli/main.js';
import { checkOptions, operandsOnly, type RawOptions } from '../../src/cli/options.js';

const NOW = Date.UTC(2026, 10, 26, 12);

async function viaYargs(argv: string[]): Promise<RawOptions> {
  const parsed = await parseWithYargs(argv);
  if (parsed.kind !== 'run') throw new Error(`yargs did not read ${JSON.stringify(argv)} as a run: ${JSON.stringify(parsed)}`);
  return parsed.raw;
}

test.each([
  [[]],
  [['-']],
  [['ufw.log']],
  [['/var/log/kern.log', '/var/log/kern.log.1.gz', '-']],
  [['3089']],
  [['a=b.log', 'with space.log', 'x-y.log']],
])('operands only %j: the options yargs would give', async (argv) => {
  const fast = operandsOnly(argv);
  expect(fast).not.toBeNull();
  expect(checkOptions(fast!, NOW)).toEqual(checkOptions(await viaYargs(argv), NOW));
  expect(await parseArgs(argv)).toEqual({ kind: 'run', raw: fast });
});

test('with a flag too, every operand is a file in its place: "-" kept, "0123" not a number', async () => {
  expect(checkOptions(await viaYargs(['--top', '5', 'a.log', '-', '0123', '-']), NOW).files).toEqual(['a.log', '-', '0123', '-']);
});

test.each([[['--top', '5', 'ufw.log']], [['ufw.log', '-n', '5']], [['--', '-odd.log']], [['-q']], [['--help']], [['-V']]])(
  'a line with a flag %j goes to yargs',
  async (argv) => {
    expect(operandsOnly(argv)).toBeNull();
    expect(await parseArgs(argv)).toEqual(await parseWithYargs(argv));
  },
);

test('the command leaves yargs unloaded for a line of operands, and loads it for a flag', () => {
  // A module hook that fails any import of yargs: the operands-only run must not notice it.
  const hook = `export async function resolve(s, c, next) { if (s === 'yargs') throw new Error('yargs was loaded'); return next(s, c); }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const args = ['--import', `data:text/javascript,${encodeURIComponent(register)}`, join('dist', 'src', 'cli', 'run.js')];
  const sample = join('fixtures', 'sample', 'ufw-sample.log');
  const env = { ...process.env, NO_COLOR: '1' };
  const plain = spawnSync(process.execPath, [...args, sample], { env, encoding: 'utf8' });
  expect(plain.stderr).toBe('');
  expect(plain.status).toBe(0);
  expect(plain.stdout).toMatch(/^portscan-report: 4,909 events/);
  const flagged = spawnSync(process.execPath, [...args, '--top', '5', sample], { env, encoding: 'utf8' });
  expect(flagged.status).not.toBe(0);
  expect(flagged.stderr).toContain('yargs was loaded');
});
