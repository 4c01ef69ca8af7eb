/**
 * Parsing in a worker thread, aggregating on the main thread: the two halves of reading a log take
 * about the same time, so on a machine with two cores a large input is read in about half the time.
 *
 *   main:    read chunk ─► post ─┐                 ┌─► decode ─► Analyzer.addEvent (filters, aggregate)
 *   worker:                      └─► split, parse ─► batch of events (src/ingest/wire.ts) ─┘
 *
 * A plain file is read by the worker itself, by position from the descriptor the main thread
 * opened (`readFile`), from the first block on when the file's size makes it large enough (a
 * stream is read WORKER_MIN_BYTES ahead to choose; src/stream.ts): the main thread then only
 * aggregates, which on two cores is the longer half. The worker stops reading while
 * MAX_OUTSTANDING of its batches wait to be aggregated.
 *
 * Events arrive in the order of the lines, so the aggregate is the one a serial run builds: the
 * same figures, the same first/last times, the same samples (tested: test/core/parallel.test.ts).
 * At most MAX_IN_FLIGHT chunks are posted and not yet aggregated, so memory stays bounded when
 * one side is faster. A worker reads one input at a time and is kept for the next until
 * stopParseWorkers(); chunk and batch buffers go back and forth instead of being allocated anew.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Analyzer } from '../core.js';
import type { InputSummary, ParseOptions, ToMain, ToWorker } from './protocol.js';
import { BatchDecoder, detachOnce, recycleBatch } from './wire.js';

/** Chunks posted to the worker and not yet aggregated. */
const MAX_IN_FLIGHT = 4;
/**
 * Bytes gathered into one chunk before it is posted (a file stream hands over 256 KiB at a time,
 * gunzip 16 KiB). 1 MiB rather than 256 KiB: fewer messages and waits, measured 8% faster on 1 M
 * lines at the same peak memory on 4 M. The worker reads a chunk's lines in a region of at most
 * 2 MiB (parsers/iptables.ts REGION_MAX), which CHUNK_BUFFER stays within.
 */
const POST_BYTES = 1024 * 1024;
/** Size of a chunk buffer: room for POST_BYTES and the stream chunk that went past it. */
const CHUNK_BUFFER = 2 * POST_BYTES;

/**
 * Inputs this large (bytes read before the choice is made) go to the worker; smaller ones are read
 * on the main thread, where starting a thread would cost more than it saves.
 */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** Whether parsing in a worker can help on this machine at all. */
export function workerUseful(): boolean {
  return availableParallelism() > 1;
}

/** The compiled worker script. Under ts-jest (sources run as .ts) it is the build's copy. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/src/ingest/worker.js', here) : new URL('./worker.js', here);
}

/** Started workers not reading an input now; an input takes one (or starts one) and gives it back. */
const idle: IngestWorker[] = [];
let inputs = 0;

/**
 * Stop the idle parse workers, which frees their memory (the CLI does this once its inputs are
 * read, before the report; the library's analyze functions when they return). A later input
 * starts a new one.
 */
export async function stopParseWorkers(): Promise<void> {
  const stopping = idle.splice(0);
  await Promise.all(stopping.map((w) => w.stop()));
}

/**
 * Start a worker now, to be ready (its modules loaded, 100-200 ms) when an input large enough comes:
 * the CLI calls this first thing for large input files, so the worker starts while the CLI loads.
 * Unused, it is stopped like any idle worker (stopParseWorkers), or left behind at exit.
 */
export function prewarmParseWorker(): void {
  if (idle.length === 0 && workerUseful()) idle.push(new IngestWorker());
}

class IngestWorker {
  readonly worker: Worker;
  /** The input being read; messages are for it. */
  feed: WorkerFeed | null = null;
  failure: Error | null = null;
  /** Chunk buffers the worker gave back. */
  readonly freeChunks: ArrayBuffer[] = [];
  private stopping = false;

  constructor() {
    // Before the main thread's aggregating code is compiled (it detaches the batches it gives back).
    detachOnce();
    // V8 flags are the process's: under the CLI, whose young-generation cap is in force by now
    // (src/cli/young-generation.ts), the worker keeps the small young generation it starts with.
    this.worker = new Worker(workerUrl());
    // A message about an input given up on (its reading failed) is dropped, its batch buffer given
    // back (the worker counts the batches not yet given back).
    this.worker.on('message', (m: ToMain) => {
      if (this.feed !== null && m.input === this.feed.input) this.feed.receive(m);
      else if (m.type === 'batch') this.worker.postMessage({ type: 'recycle', buffer: m.batch.buffer } satisfies ToWorker, [m.batch.buffer]);
    });
    this.worker.on('error', (err: Error) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the parse worker stopped (exit code ${code})`)));
    this.worker.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    const k = idle.indexOf(this);
    if (k >= 0) idle.splice(k, 1);
    if (this.stopping) return;
    this.failure ??= err;
    this.feed?.fail(this.failure);
  }
}

/**
 * One input read through the worker. `write` resolves when the chunk may be followed by another
 * (fewer than MAX_IN_FLIGHT outstanding); `end` when every event is in the aggregate.
 */
export class WorkerFeed {
  private readonly decoder: BatchDecoder;
  private inFlight = 0;
  private wake: (() => void) | null = null;
  private done: ((s: InputSummary) => void) | null = null;
  private error: Error | null = null;
  private rejectWait: ((e: Error) => void) | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  readonly input = ++inputs;

  private constructor(
    private readonly host: IngestWorker,
    private readonly analyzer: Analyzer,
  ) {
    const o = analyzer.options;
    this.decoder = new BatchDecoder(o.ignoreSrc !== null || o.ignoreDst !== null);
  }

  static open(analyzer: Analyzer, name: string, referenceTime: number): WorkerFeed {
    const host = idle.pop() ?? new IngestWorker();
    const feed = new WorkerFeed(host, analyzer);
    host.feed = feed;
    host.worker.ref();
    const { inputFormat, timeZone, year } = analyzer.options;
    const options: ParseOptions = { inputFormat, timeZone, year };
    feed.post({ type: 'open', input: feed.input, name, referenceTime, options });
    return feed;
  }

  async write(chunk: Buffer): Promise<void> {
    this.check();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < POST_BYTES) return;
    this.flush();
    if (this.inFlight >= MAX_IN_FLIGHT) await this.until((resolve) => (this.wake = resolve));
  }

  /** Resolves when the worker has read the last line and its counts are in the aggregate. */
  async end(): Promise<void> {
    this.check();
    this.flush();
    this.post({ type: 'end' });
    await this.finish();
  }

  /**
   * The rest of the input is bytes [from, to) of the open file descriptor `fd` (to -1: up to the
   * end of the file), or, with `from` -1, what is left in the pipe `fd` (read on until its writer
   * closes it): the worker reads them itself, so this thread only aggregates. The descriptor must
   * stay open until this resolves, with the number of bytes read; `onBytes` hears of them as they
   * are read.
   */
  async readFile(fd: number, from: number, to: number, onBytes?: (n: number) => void): Promise<number> {
    this.check();
    this.flush();
    this.onBytes = onBytes ?? null;
    this.post({ type: 'file', fd, from, to });
    return (await this.finish()).fileBytes;
  }

  private onBytes: ((n: number) => void) | null = null;

  private async finish(): Promise<InputSummary> {
    const summary = await this.until<InputSummary>((resolve) => (this.done = resolve));
    this.analyzer.absorb(summary);
    this.release();
    return summary;
  }

  /** Give the worker back (also after a failure), so the process may exit. */
  release(): void {
    const host = this.host;
    if (host.feed === this) {
      host.feed = null;
      host.worker.unref();
      if (host.failure === null) idle.push(host);
    }
  }

  receive(m: ToMain): void {
    if (m.type === 'batch') {
      const analyzer = this.analyzer;
      analyzer.aggregate.lines += m.batch.lines;
      this.decoder.each(m.batch, (ev) => analyzer.addEvent(ev));
      this.host.worker.postMessage({ type: 'recycle', buffer: m.batch.buffer } satisfies ToWorker, [m.batch.buffer]);
      if (m.chunk !== undefined) recycleBatch(this.host.freeChunks, m.chunk);
      if (m.bytes !== undefined) this.onBytes?.(m.bytes);
      if (m.ack) {
        this.inFlight--;
        const wake = this.wake;
        this.wake = null;
        wake?.();
      }
    } else if (m.type === 'failed') {
      this.fail(Object.assign(new Error(m.message), m.code === null ? {} : { code: m.code }));
    } else {
      const done = this.done;
      this.done = null;
      done?.(m.summary);
    }
  }

  fail(err: Error): void {
    this.error = err;
    const reject = this.rejectWait;
    this.rejectWait = null;
    reject?.(err);
  }

  /**
   * Post what is pending as one chunk: a copy in an ArrayBuffer of its own, transferred (a stream's
   * chunks may be views of a larger, shared buffer, which cloning would copy whole).
   */
  private flush(): void {
    if (this.pendingBytes === 0) return;
    const reused = this.host.freeChunks.pop();
    const buffer = reused !== undefined && reused.byteLength >= this.pendingBytes ? reused : new ArrayBuffer(Math.max(this.pendingBytes, CHUNK_BUFFER));
    const bytes = new Uint8Array(buffer, 0, this.pendingBytes);
    let at = 0;
    for (const b of this.pending) {
      bytes.set(b, at);
      at += b.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.host.worker.postMessage({ type: 'chunk', bytes } satisfies ToWorker, [buffer]);
    this.inFlight++;
  }

  private post(m: ToWorker): void {
    this.host.worker.postMessage(m);
  }

  private check(): void {
    if (this.error !== null) throw this.error;
    if (this.host.failure !== null) throw this.host.failure;
  }

  private until<T = void>(arm: (resolve: (v: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.rejectWait = reject;
      arm((v) => {
        this.rejectWait = null;
        resolve(v);
      });
    });
  }
}
