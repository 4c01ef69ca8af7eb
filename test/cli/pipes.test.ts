/**
 * Regression: inputs that are pipes, not files (`<(zcat ufw.log.2.gz)`), are opened once and read
 * once. Checking every input before the run must not open and close a pipe (its writer would get
 * SIGPIPE and the data would be lost), and what cannot be read twice or from an offset says so.
 *
 * A pipe is read by its descriptor, and a large one is read on by the parse worker where this
 * thread stopped (src/stream.ts, InputSource.pipe): whatever the writer's pace, every byte is read
 * once and in order, so the report is the file's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../helpers/tmp.js';

const bin = join(process.cwd(), 'dist', 'src', 'cli', 'bin.js');
const fixture = join(process.cwd(), 'fixtures', 'iptables', 'mixed-variants.log');
const dir = tempDir('pipes');
const gz = join(dir, 'ufw.log.2.gz');
writeFileSync(gz, gzipSync(readFileSync(fixture)));
const run = (args: string, env: NodeJS.ProcessEnv = process.env) => spawnSync('bash', ['-c', `node "${bin}" --tz UTC --year 2024 ${args}`], { encoding: 'utf8', env });

/** The fixture over and over, past the parse worker's 4 MiB threshold (WORKER_MIN_BYTES); made in beforeAll. */
const copies = Math.ceil((6 * 1024 * 1024) / readFileSync(fixture).length);
const big = join(dir, 'big.log');
const bigGz = join(dir, 'big.log.gz');

/** What the JSON report says of the traffic (not of the input's name, which the reject samples carry). */
function traffic(stdout: string): unknown {
  const j = JSON.parse(stdout);
  return { events: j.summary.events, lines: j.summary.lines, rejected: j.summary.rejected, ports: j.ports, sources: j.sources };
}

/**
 * The command with `data` written to its standard input (a pipe) in pieces of `piece` bytes, with a
 * pause of `pauseMs` after each (the reader then finds the pipe empty, again and again).
 */
async function piped(data: Buffer, piece: number, pauseMs: number, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [bin, '--tz', 'UTC', '--year', '2024', '--format', 'json'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let closed = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  // A command that fails stops reading: the writes then fail too, and end.
  child.stdin.on('error', () => undefined);
  for (let at = 0; at < data.length && !closed; at += piece) {
    if (!child.stdin.write(data.subarray(at, at + piece))) await Promise.race([new Promise((r) => child.stdin.once('drain', r)), exit]);
    if (pauseMs > 0) await sleep(pauseMs);
  }
  child.stdin.end();
  return { code: await exit, stdout, stderr };
}

(existsSync(bin) ? describe : describe.skip)('pipes as inputs (needs the build)', () => {
  test('process substitutions are read whole, once each, beside a file given twice', () => {
    const r = run(`--format json <(cat "${fixture}") <(cat "${gz}") "${fixture}" "${fixture}"`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary.events).toBe(4 * 27);
  });

  test('a duration on a pipe needs --relative-to now; --state on a pipe is an error', () => {
    const since = run(`--since 1h <(cat "${fixture}")`);
    expect(since.status).toBe(2);
    expect(since.stderr).toMatch(/\/dev\/fd\/\d+ cannot be read twice.*--relative-to now/);
    expect(run(`--since 1h --relative-to now <(cat "${fixture}")`).status).toBe(0);
    const state = run(`--state "${join(dir, 's.json')}" <(cat "${fixture}")`);
    expect(state.status).toBe(2);
    expect(state.stderr).toContain('not a regular file, so it cannot be read incrementally');
  });

  /** The report of `big` named as a file. */
  let whole: unknown;
  beforeAll(() => {
    writeFileSync(big, Buffer.concat(Array.from({ length: copies }, () => readFileSync(fixture))));
    writeFileSync(bigGz, gzipSync(readFileSync(big)));
    whole = traffic(run(`--format json "${big}"`).stdout);
  });

  test('a large input on standard input, written fast or with pauses, reports what the file does', async () => {
    const data = readFileSync(big);
    expect((whole as { events: number }).events).toBe(27 * copies);
    // A socket (what spawn's stdio 'pipe' is). Fast: the parse worker reads on after the first 4 MiB.
    const fast = await piped(data, 256 * 1024, 0);
    expect(fast.code).toBe(0);
    expect(traffic(fast.stdout)).toEqual(whole);
    // Slow (a pause after every 512 KiB): the socket is found empty, here and in the worker.
    const slow = await piped(data, 512 * 1024, 30);
    expect(slow.code).toBe(0);
    expect(traffic(slow.stdout)).toEqual(whole);
    expect(slow.stderr).toContain('(stdin):22: missing-dst');
    // A shell's pipe, its writer pausing before the first 4 MiB are in and after (the worker's turn).
    const paused = run(`--format json < <(head -c 3000000 "${big}"; sleep 0.2; head -c 5000000 "${big}" | tail -c +3000001; sleep 0.3; tail -c +5000001 "${big}")`);
    expect(paused.status).toBe(0);
    expect(traffic(paused.stdout)).toEqual(whole);
  }, 60_000);

  test('a pipe through the worker or not, gzip on standard input, a large process substitution: the same report', async () => {
    for (const mode of ['always', 'never']) {
      const r = await piped(readFileSync(fixture), 1000, 1, { ...process.env, PORTSCAN_REPORT_PARSE_WORKER: mode });
      expect(r.code).toBe(0);
      expect(traffic(r.stdout)).toEqual(traffic(run(`--format json "${fixture}"`).stdout));
    }
    const gzipped = run(`--format json < <(cat "${bigGz}")`);
    expect(gzipped.status).toBe(0);
    expect(traffic(gzipped.stdout)).toEqual(whole);
    const substituted = run(`--format json <(cat "${big}")`);
    expect(substituted.status).toBe(0);
    expect(traffic(substituted.stdout)).toEqual(whole);
  }, 60_000);

  test('an empty pipe: nothing found, exit 1', () => {
    const r = spawnSync('bash', ['-c', `: | node "${bin}"`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no firewall event');
  });
});
