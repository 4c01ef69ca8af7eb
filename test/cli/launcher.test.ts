/**
 * The `portscan-report` command (dist/src/cli/bin.js) on Linux runs the CLI in a child process with
 * glibc's mmap threshold fixed when the input may be large (src/cli/launch.ts): what the user sees
 * (output, exit codes, signals) must be the CLI's own either way. Runs the build (`npm test`
 * builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAGS_WITHOUT_VALUE, GZIP_RATIO, inputBytes, LAUNCH_MIN_BYTES, wantsChild } from '../../src/cli/launch.js';
import { OPTION_TABLE } from '../../src/cli/options.js';
import { tempDir } from '../helpers/tmp.js';

const bin = join(process.cwd(), 'dist', 'src', 'cli', 'bin.js');
const run = join(process.cwd(), 'dist', 'src', 'cli', 'run.js');
const sample = join(process.cwd(), 'fixtures', 'sample', 'ufw-sample.log');
const linux = process.platform === 'linux';
const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: undefined, PORTSCAN_REPORT_LAUNCHED: undefined, NO_COLOR: '1' };

test.each([
  ['a report', [sample], '', 0],
  ['no firewall event', [], 'hello\n', 1],
  ['a missing file', ['/nonexistent/x.log'], '', 2],
])('%s: the same output and exit code through the launcher as from the CLI itself', (_name, args, input, code) => {
  const viaBin = spawnSync(process.execPath, [bin, ...args], { input, env, encoding: 'utf8' });
  const direct = spawnSync(process.execPath, [run, ...args], { input, env, encoding: 'utf8' });
  expect(viaBin.status).toBe(code);
  expect(direct.status).toBe(code);
  expect(viaBin.stdout).toBe(direct.stdout);
  expect(viaBin.stderr).toBe(direct.stderr);
});

/** The pids whose parent is `ppid` (from /proc). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
      const ppidOf = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppidOf === ppid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function waitFor<T>(f: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

(linux ? test : test.skip)('the child has the fixed mmap threshold; a SIGTERM to the command ends both', async () => {
  // stdin stays open, so the CLI waits for lines while we look at it.
  const p = spawn(process.execPath, [bin], { env, stdio: ['pipe', 'ignore', 'ignore'] });
  const child = await waitFor(() => childrenOf(p.pid!)[0]);
  const environ = readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
  expect(environ).toContain('MALLOC_MMAP_THRESHOLD_=131072');
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((res) => p.on('exit', (c, s) => res([c, s])));
  p.kill('SIGTERM');
  expect(await ended).toEqual([null, 'SIGTERM']);
  await waitFor(() => {
    try {
      const state = readFileSync(`/proc/${child}/stat`, 'utf8');
      return state.slice(state.lastIndexOf(')') + 2).startsWith('Z') ? true : undefined;
    } catch {
      return true;
    }
  });
});

describe('which inputs get the child (src/cli/launch.ts)', () => {
  // Made when the tests run (not when they are collected: a run that skips them leaves nothing).
  let dir = '';
  const at = (name: string) => join(dir, name);
  // Sparse files: their size is what counts, and they take no disk. A FIFO beside them (Linux).
  const sizes: Record<string, [bytes: number, head?: Buffer]> = {
    'big.log': [LAUNCH_MIN_BYTES],
    'almost.log': [LAUNCH_MIN_BYTES - 1],
    'small.gz': [Math.ceil(LAUNCH_MIN_BYTES / GZIP_RATIO), Buffer.from([0x1f, 0x8b, 8, 0])],
    'same-size.log': [Math.ceil(LAUNCH_MIN_BYTES / GZIP_RATIO)],
  };
  beforeAll(() => {
    dir = tempDir('launch');
    for (const [name, [bytes, head]] of Object.entries(sizes)) {
      writeFileSync(at(name), head ?? Buffer.alloc(0));
      truncateSync(at(name), bytes);
    }
    if (linux) spawnSync('mkfifo', [at('fifo')]);
  });
  // Arguments: the names of the files made above (in the temporary directory), or as they are.
  const args = (a: string[]) => a.map((x) => (x in sizes || x === 'fifo' ? at(x) : x));

  test.each([
    ['a small file', [sample], false],
    ['a small file and options', ['--format', 'json', '--top=5', '-q', sample, '--tz', 'UTC'], false],
    ['files that together are large enough', ['almost.log', sample], true],
    ['one large file', ['big.log'], true],
    ['just too small', ['almost.log'], false],
    ['gzip counts ten times its size', ['small.gz'], true],
    ['the same size uncompressed', ['same-size.log'], false],
    ['standard input, by default', [], true],
    ['standard input, by name', [sample, '-'], true],
    ['standard input; the value of an option, a file name, is no input', ['--output', sample, '--state', sample], true],
    ['a missing file only (the CLI reports it)', ['/nonexistent/x.log'], true],
    ...(linux ? [['a named pipe: size unknown', ['fifo'], true]] : []),
    ['after --, a name that looks like an option is a file', ['--', sample], false],
  ])('%s', (_name, a, child) => {
    expect(wantsChild(args(a as string[]))).toBe(child);
  });

  test('inputBytes (also what starts the parse worker early): the sizes of the files, gzip ten times; null for stdin', () => {
    const size = readFileSync(sample).length;
    expect(inputBytes([sample, '--tz', 'UTC'])).toBe(size);
    expect(inputBytes([sample, at('small.gz')])).toBe(size + Math.ceil(LAUNCH_MIN_BYTES / GZIP_RATIO) * GZIP_RATIO);
    expect(inputBytes(['--format', 'csv'])).toBeNull();
    expect(inputBytes([sample, '-'])).toBeNull();
  });

  test('the options that take no value are those of the options table (and --help, --version)', () => {
    const table = OPTION_TABLE as Record<string, { type: string; alias?: string }>;
    const booleans = Object.entries(table)
      .filter(([, o]) => o.type === 'boolean')
      .flatMap(([name, o]) => [`--${name}`, ...(o.alias === undefined ? [] : [`-${o.alias}`])]);
    expect(booleans.length).toBeGreaterThan(0);
    expect([...FLAGS_WITHOUT_VALUE].sort()).toEqual([...booleans, '--help', '-h', '--version', '-V'].sort());
  });
});
