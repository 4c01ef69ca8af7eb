/**
 * Regression: inputs that are pipes, not files (`<(zcat ufw.log.2.gz)`), are opened once and read
 * once. Checking every input before the run must not open and close a pipe (its writer would get
 * SIGPIPE and the data would be lost), and what cannot be read twice or from an offset says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../helpers/tmp.js';

const bin = join(process.cwd(), 'dist', 'src', 'cli', 'bin.js');
const fixture = join(process.cwd(), 'fixtures', 'iptables', 'mixed-variants.log');
const dir = tempDir('pipes');
const gz = join(dir, 'ufw.log.2.gz');
writeFileSync(gz, gzipSync(readFileSync(fixture)));
const run = (args: string) => spawnSync('bash', ['-c', `node "${bin}" --tz UTC --year 2024 ${args}`], { encoding: 'utf8' });

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
});
