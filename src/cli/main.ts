/**
 * The CLI: parse flags, check them, one call into the engine, write the report. `main` returns the
 * exit code and never calls process.exit, so tests run it in-process.
 *
 * Exit codes: 0 report written; 1 input read but no firewall event found; 2 usage, I/O or
 * unreadable input; 3 internal error (a bug); 4 a --fail-on condition held (the report is written
 * too). A closed stdout (`| head`) is success.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import { Analyzer, type AnalyzeOptions } from '../core.js';
import { ReportError } from '../errors.js';
import { reporters } from '../reports/index.js';
import { num } from '../reports/format.js';
import { stopParseWorkers } from '../ingest/parallel.js';
import { openFile, openSource, readSource, STDIN, type OpenedFile, type ReadRange } from '../stream.js';
import { checkOptions, decideColor, OPTION_TABLE, operandsOnly, type CliOptions, type RawOptions } from './options.js';
import { evaluateAlerts, needsClassification, probedPorts } from '../alerts.js';
import { classify } from '../classify/classify.js';
import { classifierZone } from '../report.js';
import { cursorAfter, planReads, type FileCursor, type PlannedRead } from '../state/cursor.js';
import { emptyState, loadState, saveState } from '../state/state-file.js';
import { newestEventTime } from '../time/newest.js';
import { needsAnchor, resolveWindow } from '../time/window.js';
import { Progress, wantProgress } from './progress.js';
import { VERSION } from '../version.js';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export const EXIT_OK = 0;
export const EXIT_NO_EVENTS = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;
/** A --fail-on condition held. Not 1: a check must tell "something to look at" from "nothing parsed". */
export const EXIT_ALERT = 4;

const NAME = 'portscan-report';

function parser(yargs: typeof import('yargs').default) {
  return yargs()
    .scriptName(NAME)
    .usage(
      `${NAME} [options] [file ...]\n${NAME} explain PORT|PORT/PROTO|RANGE|SERVICE\n\n` +
        'Reads firewall logs (files, rotated .gz files, or standard input with "-" or a pipe) ' +
        'and reports who is probing which ports, and whether it matters. ' +
        '`explain` tells what is known about a port without any log (explain --help).',
    )
    // Operands in `_`, as given: a `[files..]` positional drops a `-` among them (yargs 18:
    // `a.log - b.log` gave files a.log and b.log, and standard input was never read).
    .command('$0', 'Report on firewall logs')
    .parserConfiguration({ 'parse-positional-numbers': false })
    .options(OPTION_TABLE)
    .example(`cat /var/log/ufw.log | ${NAME}`, 'text report of a piped log')
    .example(`${NAME} /var/log/kern.log /var/log/kern.log.1.gz`, 'files, gzip recognised by content')
    .example(`${NAME} --format json ufw.log | jq .summary`, 'the JSON contract, for scripts')
    .example(`${NAME} --format csv --table sources -o sources.csv ufw.log`, 'a spreadsheet')
    .example(`${NAME} --home-net 203.0.113.0/24 --ignore-src 198.51.100.9 ufw.log`, 'say what is yours; leave out your monitoring host')
    .example(`${NAME} --state ~/.cache/${NAME}/state.json --quiet --fail-on new-port /var/log/ufw.log`, 'cron: only what is new')
    .example(`${NAME} --since yesterday --until today --format html -o day.html ufw.log*`, 'one day, as a web page')
    .example(`${NAME} explain 3089`, 'everything known about port 3089, no log needed')
    .epilogue('Exit codes: 0 report written, 1 no firewall event found, 2 usage or input error, 3 internal error, 4 a --fail-on condition held.')
    .strictOptions()
    .help('help')
    .alias('help', 'h')
    .version('version', 'Show the version', VERSION)
    .alias('version', 'V')
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false);
}

export type Parsed = { kind: 'run'; raw: RawOptions } | { kind: 'output'; text: string } | { kind: 'error'; message: string };

/**
 * The command line as yargs reads it. A line of operands only (files, `-`), the most common one,
 * needs no parser: yargs and what it loads (cliui, string-width's Intl.Segmenter: about 150 ms of
 * start-up) are imported only for a line with a flag, `--help` or `--version` among them.
 * @internal exported for the test that both paths agree.
 */
export async function parseArgs(argv: string[]): Promise<Parsed> {
  const operands = operandsOnly(argv);
  if (operands !== null) return { kind: 'run', raw: operands };
  return parseWithYargs(argv);
}

/** @internal */
export async function parseWithYargs(argv: string[]): Promise<Parsed> {
  const { default: yargs } = await import('yargs');
  return new Promise((resolve) => {
    parser(yargs).parse(argv, {}, (err: Error | undefined, raw: unknown, output: string) => {
      if (err) resolve({ kind: 'error', message: err.message.split('\n')[0] });
      else if (output) resolve({ kind: 'output', text: output });
      else resolve({ kind: 'run', raw: raw as RawOptions });
    });
  });
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    // A subcommand only in first place: `explain` after options or files is a file name.
    if (argv[0] === 'explain') return await explain(argv.slice(1), io);
    const parsed = await parseArgs(argv);
    if (parsed.kind === 'output') {
      await writeStream(io.stdout, `${parsed.text}\n`);
      return EXIT_OK;
    }
    if (parsed.kind === 'error') throw new ReportError('USAGE', parsed.message);
    const now = Date.now();
    const opts = checkOptions(parsed.raw, now);
    if (opts.files.length === 0) {
      if (io.stdin.isTTY) {
        throw new ReportError('USAGE', 'no input: give log files, or pipe a log in (e.g. cat /var/log/ufw.log | portscan-report)');
      }
      opts.files = [STDIN];
    }
    return await run(opts, io, now);
  } catch (err) {
    if (err instanceof ReportError) {
      io.stderr.write(`${NAME}: ${err.message}\n`);
      if (err.code === 'USAGE') io.stderr.write(`Try '${NAME} --help' for the options.\n`);
      return err.exitCode;
    }
    io.stderr.write(`${NAME}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_INTERNAL;
  }
}

async function explain(argv: string[], io: CliIo): Promise<number> {
  // Loaded here: a report never needs it (nor the yargs it imports).
  const { runExplain } = await import('./explain.js');
  try {
    await writeStream(io.stdout, await runExplain(argv, io));
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof ReportError)) throw err;
    io.stderr.write(`${NAME}: ${err.message}\n`);
    if (err.code === 'USAGE') io.stderr.write(`Try '${NAME} explain --help' for the options.\n`);
    return err.exitCode;
  }
}

/** `PORTSCAN_REPORT_PARSE_WORKER`: `auto` (unset), `always` or `never` (see README, Performance). */
function parseWorkerMode(v: string | undefined): AnalyzeOptions['parseWorker'] {
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'always' || v === 'never') return v;
  throw new ReportError('USAGE', `PORTSCAN_REPORT_PARSE_WORKER must be auto, always or never, not '${v}'`);
}

async function run(opts: CliOptions, io: CliIo, now: number): Promise<number> {
  const preopened: (OpenedFile | null)[] = [];
  try {
    return await runOpening(opts, io, now, preopened);
  } finally {
    // A run that stopped early (a missing second file, a usage error found after opening) leaves
    // no file open; a stream read to its end is closed already and this does nothing.
    for (const o of preopened) o?.source.stream.destroy();
  }
}

/** The run; `preopened` receives the inputs it opens ahead of reading them (`run` closes them). */
async function runOpening(opts: CliOptions, io: CliIo, now: number, preopened: (OpenedFile | null)[]): Promise<number> {
  // Before any file is opened: a usage error leaves nothing open.
  const parseWorker = parseWorkerMode(io.env.PORTSCAN_REPORT_PARSE_WORKER);
  const incremental = opts.state !== null;
  const stdinGiven = opts.files.includes(STDIN);
  if (incremental && stdinGiven) {
    throw new ReportError('USAGE', '--state: standard input cannot be read incrementally (there is no offset to come back to); give the log files (e.g. --state state.json /var/log/ufw.log)');
  }
  // Open every input first: a missing file is reported before any work or output. Without --state
  // the streams are kept and read as they are (a pipe such as `<(zcat …)` can only be read once).
  for (const f of opts.files) {
    const opened = f === STDIN ? null : await openFile(f, { offset: 0, completeLinesOnly: false });
    if (incremental) opened?.source.stream.destroy();
    else preopened.push(opened);
  }
  const state = opts.state === null ? null : opts.resetState ? emptyState() : await loadState(opts.state);

  let reads: PlannedRead[];
  let warnings: string[] = [];
  if (state !== null) {
    const plan = await planReads(opts.files.map((f) => resolve(f)), state.files);
    reads = plan.reads;
    warnings = plan.warnings;
  } else {
    const whole: ReadRange = { offset: 0, completeLinesOnly: false };
    reads = opts.files.map((f) => ({ input: f, file: f, range: whole, rotated: false, unchanged: null }));
  }

  let anchor = now;
  if (needsAnchor(opts.since, opts.until) && opts.relativeTo === 'newest') {
    const once = opts.files.filter((f, i) => f === STDIN || preopened[i]?.regular === false);
    if (once.length > 0) {
      throw new ReportError(
        'USAGE',
        `--since/--until: a duration counts back from the newest event, and ${once[0] === STDIN ? 'standard input' : once[0]} cannot be read twice to find it; add --relative-to now, or give log files`,
      );
    }
    anchor = await newestEventTime(
      reads.filter((r) => r.unchanged === null).map((r) => ({ file: r.file, offset: r.range.offset })),
      { inputFormat: opts.inputFormat, timeZone: opts.timeZone, year: opts.year },
    );
  }
  const window = opts.since === null && opts.until === null ? undefined : resolveWindow(opts.since, opts.until, anchor);
  const analyzer = new Analyzer({
    inputFormat: opts.inputFormat,
    timeZone: opts.timeZone,
    year: opts.year,
    ignoreSrc: opts.ignoreSrc,
    ignoreDst: opts.ignoreDst,
    parseWorker,
    ...window,
  });

  let progress: Progress | null = null;
  if (io.stderr.isTTY === true) {
    let total = 0;
    for (const r of reads) {
      if (r.file !== STDIN && r.unchanged === null) total += Math.max(0, (await fsp.stat(r.file)).size - r.range.offset);
    }
    if (wantProgress(true, total)) progress = new Progress(io.stderr, total, () => analyzer.aggregate.lines);
  }
  const cursors: FileCursor[] = [];
  try {
    for (const [i, r] of reads.entries()) {
      if (r.unchanged !== null) {
        cursors.push(r.unchanged);
        continue;
      }
      if (r.file === STDIN) {
        await readSource(await openSource(STDIN, io.stdin), analyzer);
        continue;
      }
      // Without --state, reads[i] is opts.files[i], opened above.
      const opened = preopened[i] ?? (await openFile(r.file, r.range));
      if (progress !== null) opened.source.onBytes = progress.add;
      const result = await readSource(opened.source, analyzer);
      // A rotated gzip file is complete: once its rest is read there is nothing to come back to.
      if (state !== null && !(r.rotated && opened.compressed)) {
        cursors.push(await cursorAfter(r, opened.stats, opened.compressed, opened.end, result));
      }
    }
  } finally {
    progress?.done();
    // The report needs the memory more than a next run needs a warm worker.
    await stopParseWorkers();
  }

  const agg = analyzer.aggregate;
  // The report classifies again when it is built; for the alerts once more, only when asked (it is
  // the classifier's whole pass, but per source and port, not per line).
  const classifier = { homeNet: opts.homeNet };
  const classification = needsClassification(opts.failOn) ? classify(agg, { timeZone: classifierZone(opts.displayZone), ...classifier }) : null;
  const reasons = evaluateAlerts(opts.failOn, agg, {
    knownPorts: state?.existed === true ? new Set(state.ports.keys()) : null,
    classification,
  });
  const matters = opts.failOn.length > 0 ? reasons.length > 0 : agg.events > 0;
  const silent = opts.quiet && !matters;
  const chart = opts.output === null && io.stdout.isTTY === true;
  const color = opts.output === null && decideColor(opts.color, io.stdout.isTTY === true, io.env);
  const report = reporters[opts.format](agg, {
    top: opts.top,
    table: opts.table,
    color,
    timeZone: opts.displayZone,
    classifier,
    chart,
    window,
  });
  if (opts.output !== null) await writeFileAtomic(opts.output, report);
  else if (!silent) await writeStream(io.stdout, report);

  // Only now that the report is out: a run killed before this line reports the same lines again
  // next time (temp file + rename: the old state stays whole), it never loses one.
  if (state !== null && opts.state !== null) {
    for (const [port, seen] of probedPorts(agg)) {
      const before = state.ports.get(port);
      if (before === undefined || before < seen) state.ports.set(port, seen);
    }
    await saveState(opts.state, { ...state, files: cursors }, new Date(now));
  }

  for (const w of warnings) io.stderr.write(`${NAME}: warning: ${w}\n`);
  if (!silent) writeParseSummary(analyzer, io.stderr);
  if (reasons.length > 0) {
    io.stderr.write(`${NAME}: alert: ${reasons.join('; ')}\n`);
    return EXIT_ALERT;
  }
  // Nothing appended since the last incremental run is the normal case, not a failure.
  const nothingRead = state !== null && agg.lines === 0;
  if (agg.events === 0 && agg.filteredEvents === 0 && !nothingRead) {
    if (!silent) writeNothingFound(analyzer, io.stderr);
    return EXIT_NO_EVENTS;
  }
  return EXIT_OK;
}

/** Unreadable lines, per reason, with the first samples and their line numbers (stderr). */
function writeParseSummary(analyzer: Analyzer, err: Writable): void {
  const agg = analyzer.aggregate;
  if (agg.rejected.size === 0) return;
  const reasons = [...agg.rejected].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const lines = [
    `${NAME}: ${num(agg.rejectedLines)} firewall-like lines could not be read: ${reasons.map(([r, n]) => `${r} ${num(n)}`).join(', ')}`,
  ];
  for (const s of agg.rejectSamples) lines.push(`  ${s.input}:${s.lineNumber}: ${s.reason}: ${s.text}`);
  if (agg.rejectedLines > agg.rejectSamples.length) lines.push(`  (first ${agg.rejectSamples.length} shown)`);
  err.write(`${lines.join('\n')}\n`);
}

function writeNothingFound(analyzer: Analyzer, err: Writable): void {
  const agg = analyzer.aggregate;
  const tried = analyzer.candidates.map((p) => p.family).join(', ');
  const lines = [`${NAME}: no firewall event found in ${num(agg.lines)} lines (formats tried: ${tried})`];
  for (const s of analyzer.unrecognizedSamples) lines.push(`  ${s.input}:${s.lineNumber}: ${s.text}`);
  err.write(`${lines.join('\n')}\n`);
}

/**
 * Pieces are joined up to this many characters before a write: one write per JSON row would be
 * 240k writes for a 1M-line log; 64 KiB matches a pipe's buffer.
 */
const WRITE_BYTES = 64 * 1024;

function* joined(pieces: Iterable<string>, size: number): Generator<string> {
  let buf = '';
  for (const p of pieces) {
    buf += p;
    if (buf.length >= size) {
      yield buf;
      buf = '';
    }
  }
  if (buf !== '') yield buf;
}

/**
 * Write text, or pieces of text as they are made, waiting for 'drain' when the stream is full, so
 * the report is never held whole. Resolves once the last piece is handed on; a reader that went
 * away (EPIPE, `| head`) is not an error, and the rest of the report is then not even made.
 */
export async function writeStream(stream: Writable, text: string | Iterable<string>): Promise<void> {
  let failed: NodeJS.ErrnoException | null = null;
  let wake: (() => void) | null = null;
  const onError = (e: NodeJS.ErrnoException) => {
    failed ??= e;
    wake?.();
  };
  const onDrain = () => wake?.();
  stream.on('error', onError);
  stream.on('drain', onDrain);
  // A stream closed while full never drains: wake up and stop.
  let closed = false;
  const onClose = () => {
    closed = true;
    wake?.();
  };
  stream.on('close', onClose);
  const put = async (piece: string, last: boolean) => {
    if (last) {
      // Only the last write waits for its callback: the report is handed on. (A callback on every
      // write kept every 64 KiB piece alive until the loop let the callbacks run: +400 MB.)
      await new Promise<void>((resolve) =>
        stream.write(piece, (e) => {
          if (e) failed ??= e;
          resolve();
        }),
      );
    } else if (!stream.write(piece)) {
      if (failed === null && !closed) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    } else {
      // A synchronous stdout (file, pipe on Linux) is never full: yield anyway, so that its error
      // events (EPIPE) arrive and the rest of the report is not made for nobody.
      await setImmediate();
    }
  };
  try {
    let pending: string | null = null;
    for (const piece of typeof text === 'string' ? [text] : joined(text, WRITE_BYTES)) {
      if (pending !== null) await put(pending, false);
      if (failed !== null || closed) {
        pending = null;
        break;
      }
      pending = piece;
    }
    if (pending !== null) await put(pending, true);
  } finally {
    stream.off('error', onError);
    stream.off('drain', onDrain);
    stream.off('close', onClose);
  }
  // `failed` is set by the listeners; TypeScript cannot see that.
  const err = failed as NodeJS.ErrnoException | null;
  if (err !== null && err.code !== 'EPIPE') throw err;
}

/** Temp file in the same directory, streamed, then rename: a reader never sees half a report. */
export async function writeFileAtomic(path: string, text: string | Iterable<string>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const out = createWriteStream(tmp);
  // Open errors (no such directory) arrive as an event: keep one listener for the stream's life.
  let openError: NodeJS.ErrnoException | null = null;
  out.on('error', (e) => (openError ??= e));
  try {
    await writeStream(out, text);
    if (openError !== null) throw openError;
    out.end();
    await finished(out);
    await fsp.rename(tmp, path);
  } catch (err) {
    out.destroy();
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    // Only I/O failures are the output's fault; an error while making the report is a bug (exit 3).
    if (e !== openError && e?.syscall === undefined) throw err;
    throw new ReportError('OUTPUT_UNWRITABLE', `${path}: cannot write (${e.code ?? e.message})`);
  }
}
