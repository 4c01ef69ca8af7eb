/**
 * `npm run bench`: the whole CLI (parse + aggregate + report) on generated logs, with lines/s, MB/s
 * and peak RSS, beside the naive reference program (../shared/tools/naive-reference.mjs: split2,
 * one regex per line, two Maps) on the same file in the same run.
 *
 *   npm run bench                          1 M iptables lines, every family, and the naive ratio
 *   npm run bench -- --lines 4000000       the memory target: 4 M lines (~1 GB)
 *   npm run bench -- --file big.log        your own file (no generation)
 *   npm run bench -- --families iptables   only some families
 *   npm run bench -- --no-gzip             without the gzip run (the iptables file gzipped)
 *
 * Targets (issue 2/3): no slower than the naive program on 1 M lines; peak RSS < 300 MB on 4 M lines;
 * no family more than 2× slower per line than iptables. Generated files are cached in bench/out/.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join, resolve } from 'node:path';
import { FAMILIES, generate, type BenchFamily } from './generate.js';
import { LAUNCH_MIN_BYTES, wantsChild } from '../src/cli/launch.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = process.cwd();
const outDir = join(root, 'bench', 'out');
const measure = join(root, 'dist', 'bench', 'measure.js');
// The CLI as its command (bin.js) runs it on Linux: for a large input (src/cli/launch.ts), run.js in
// a child process with glibc's mmap threshold fixed, else run.js in its own process. measure.js
// reads the peak RSS of its own process, so it runs run.js itself, with that setting where the
// command would use it; the launcher's own cost (one more Node.js start) is then measured apart and
// added.
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const cli = join(root, 'dist', 'src', 'cli', 'run.js');
const cliEnv: NodeJS.ProcessEnv = process.platform === 'linux' ? { ...process.env, MALLOC_MMAP_THRESHOLD_: String(128 * 1024) } : process.env;
const naive = resolve(root, '..', 'shared', 'tools', 'naive-reference.mjs');
const lines = Number(arg('lines') ?? '1000000');
const families = (arg('families')?.split(',') ?? [...FAMILIES]) as BenchFamily[];
const runs = Number(arg('runs') ?? '3');
const gzip = !process.argv.includes('--no-gzip');

interface Measured {
  ms: number;
  maxRssKb: number;
  code: number;
}

/** One run of a script under measure.js. */
function once(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Measured {
  const r = spawnSync(process.execPath, [measure, script, ...args], {
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    maxBuffer: 1 << 20,
    env,
  });
  return JSON.parse(String(r.output[3]).trim().split('\n').pop() as string) as Measured;
}

/** The fastest of some runs (least disturbed by the machine), with the peak RSS of that run. */
function fastest(ms: Measured[]): Measured {
  return ms.reduce((a, b) => (b.ms < a.ms ? b : a));
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Measured {
  return fastest(Array.from({ length: runs }, () => once(script, args, env)));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Milliseconds the launcher adds to a run: `--version` through bin.js against run.js, best of 5. */
function launcherMs(): number {
  const best = (script: string) => {
    let ms = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      spawnSync(process.execPath, [script, '--version'], { stdio: 'ignore' });
      ms = Math.min(ms, Number(process.hrtime.bigint() - t) / 1e6);
    }
    return ms;
  };
  return process.platform === 'linux' ? Math.max(0, best(bin) - best(cli)) : 0;
}

function row(name: string, file: string, n: number, m: Measured): string {
  const mb = statSync(file).size / 1e6;
  const s = m.ms / 1000;
  return `${name.padEnd(28)} ${String(Math.round(n / s)).padStart(10)} lines/s ${(mb / s).toFixed(1).padStart(7)} MB/s ${(m.maxRssKb / 1024).toFixed(0).padStart(6)} MB peak RSS  ${s.toFixed(2)} s`;
}

/** `file` gzipped beside it (made once, through a temporary name: an interrupted run leaves none). */
async function gzipped(file: string): Promise<string> {
  const gz = `${file}.gz`;
  if (!existsSync(gz)) {
    process.stderr.write(`gzipping ${file} …\n`);
    await pipeline(createReadStream(file), createGzip(), createWriteStream(`${gz}.tmp`));
    renameSync(`${gz}.tmp`, gz);
  }
  return gz;
}

async function fileFor(family: BenchFamily, n: number): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${family}-${n}.log`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} …\n`);
    await generate(file, { family, lines: n, seed: 1, distinctShare: 0.2 });
  }
  return file;
}

const launcher = launcherMs();
console.log(`launcher: the command's child process, for inputs of ${LAUNCH_MIN_BYTES / 2 ** 20} MiB or more, adds ${launcher.toFixed(0)} ms a run (in the times below)`);
/** One run of our CLI on `args` as the command runs it: in a child (the launcher's cost added) or not. */
function onceCli(args: string[], env: NodeJS.ProcessEnv = {}): Measured {
  if (process.platform !== 'linux' || !wantsChild(args)) return once(cli, args, { ...process.env, ...env });
  const m = once(cli, args, { ...cliEnv, ...env });
  return { ...m, ms: m.ms + launcher };
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Measured {
  return fastest(Array.from({ length: runs }, () => onceCli(args, env)));
}

const given = arg('file');
if (given !== undefined) {
  const n = Number(spawnSync('wc', ['-l', given], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0]);
  console.log(row('portscan-report', given, n, runCli([given])));
  if (existsSync(naive)) console.log(row('naive reference', given, n, run(naive, [given])));
} else {
  const perLine: Record<string, number> = {};
  for (const family of families) {
    const file = await fileFor(family, lines);
    const args = ['--input-format', family === 'windows' ? 'windows' : 'auto', file];
    if (family !== 'iptables') {
      const m = runCli(args);
      if (m.code > 1) throw new Error(`portscan-report failed on ${file} (exit ${m.code})`);
      perLine[family] = m.ms / lines;
      console.log(row(`portscan-report ${family}`, file, lines, m));
      continue;
    }
    // iptables: the CLI, the CLI without its parse worker (a second thread) and the naive program,
    // in rounds of one run each, so that the machine's drift between minutes touches all three
    // alike; the ratio is also given per round.
    const withNaive = existsSync(naive);
    const cliRuns: Measured[] = [];
    const serialRuns: Measured[] = [];
    const naiveRuns: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      cliRuns.push(onceCli(args));
      serialRuns.push(onceCli(args, { PORTSCAN_REPORT_PARSE_WORKER: 'never' }));
      if (withNaive) naiveRuns.push(once(naive, [file]));
    }
    const m = fastest(cliRuns);
    const pm = fastest(serialRuns);
    if (m.code > 1) throw new Error(`portscan-report failed on ${file} (exit ${m.code})`);
    perLine[family] = m.ms / lines;
    console.log(row(`portscan-report ${family}`, file, lines, m));
    if (lines >= 4_000_000) {
      console.log(`memory: ${(m.maxRssKb / 1024).toFixed(0)} MB peak RSS on ${lines.toLocaleString('en')} lines (target < 300 MB at 4 M lines)`);
    }
    console.log(row(`  without the parse worker`, file, lines, pm));
    if (withNaive) {
      const nm = fastest(naiveRuns);
      console.log(row('naive reference iptables', file, lines, nm));
      const rounds = (xs: Measured[]) => median(xs.map((x, i) => x.ms / naiveRuns[i].ms)).toFixed(2);
      console.log(`ratio: portscan-report takes ${(m.ms / nm.ms).toFixed(2)}× the naive program's time, fastest against fastest; ${rounds(cliRuns)}× the median of ${runs} rounds (target ≤ 1.00)`);
      console.log(`       without the parse worker ${(pm.ms / nm.ms).toFixed(2)}×; ${rounds(serialRuns)}× the median of rounds`);
    }
    // The same lines gzipped, as rotated logs are (unwrapped on the main thread, see README).
    if (gzip) {
      const gz = await gzipped(file);
      const zm = runCli([gz]);
      if (zm.code > 1) throw new Error(`portscan-report failed on ${gz} (exit ${zm.code})`);
      console.log(row(`portscan-report iptables .gz`, gz, lines, zm));
      console.log(`gzip: ${(zm.ms / m.ms).toFixed(2)}× the plain file's time, ${(statSync(gz).size / 1e6).toFixed(0)} MB gzipped`);
    }
  }
  if (perLine.iptables !== undefined) {
    for (const f of families) {
      if (f !== 'iptables') console.log(`${f}: ${(perLine[f] / perLine.iptables).toFixed(2)}× iptables per line (target ≤ 2.00)`);
    }
  }
}
