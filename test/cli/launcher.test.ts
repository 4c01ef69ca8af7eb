/**
 * The `portscan-report` command (dist/src/cli/bin.js) on Linux runs the CLI in a child process with
 * glibc's mmap threshold fixed: what the user sees (output, exit codes, signals) must be the CLI's
 * own. Runs the build (`npm test` builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
