/**
 * The parse worker: bytes in (posted in chunks, or read from a plain file's descriptor by
 * position), batches of events out (see src/ingest/parallel.ts for the other side). It runs the
 * same LineSplitter and LineInput as a serial run, with an Analyzer whose `addEvent` packs the
 * event into a batch instead of aggregating it; everything that is not an event (line counts,
 * rejects, unrecognised lines and their samples) it counts itself and hands over when the input
 * ends.
 */
import { readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Analyzer } from '../core.js';
import type { LineSplitter } from '../lines.js';
import type { PacketEvent } from '../types.js';
import { BatchEncoder, detachOnce, recycleBatch } from './wire.js';
import { nextPipeWait, readAgain } from './pipe.js';
import type { InputSummary, ToMain, ToWorker } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('src/ingest/worker.ts runs as a worker thread');
detachOnce();

/** Batch buffers the main thread gave back. */
const freeBatches: ArrayBuffer[] = [];

/**
 * Bytes read from a file at a time (`file`). Small enough that the buffer stays in the core's cache
 * between reads: the kernel copies into it several times faster than into a 1 MiB one (measured:
 * 246 MB read by 128 KiB preads in 35 ms, by 160 KiB or 1 MiB ones in 110–160 ms), and the parser
 * then reads bytes that are still in cache.
 */
const READ_BYTES = 128 * 1024;
/** Bytes parsed between batches handed to the main thread: as much as a posted chunk. */
const POST_EVERY = 1024 * 1024;
/**
 * Batches posted and not yet given back (decoded) while reading a file: the worker reads on only
 * below this, so memory stays bounded when the main thread is the slower side (24 batches of 160
 * KiB: about 9 MiB of input). 24 rather than 8: either thread's hiccups stall the other less
 * (1 M-line bench, 15 alternating rounds: median 3.93 s against 4.17 s).
 */
const MAX_OUTSTANDING = 24;

class EncodingAnalyzer extends Analyzer {
  readonly encoder = new BatchEncoder(freeBatches);
  /** Lines already reported in a batch. */
  reportedLines = 0;

  override addEvent(ev: PacketEvent): void {
    this.encoder.add(ev);
    if (this.encoder.full) post({ type: 'batch', input: current, batch: this.takeBatch(), ack: false });
  }

  takeBatch() {
    const lines = this.aggregate.lines - this.reportedLines;
    this.reportedLines = this.aggregate.lines;
    return this.encoder.take(lines);
  }
}

let current = -1;
let analyzer: EncodingAnalyzer | null = null;
let splitter: LineSplitter | null = null;
/** Batches posted and not yet given back. */
let outstanding = 0;

function post(m: ToMain): void {
  if (m.type !== 'batch') {
    port!.postMessage(m);
    return;
  }
  outstanding++;
  if (m.chunk === undefined) port!.postMessage(m, [m.batch.buffer]);
  else port!.postMessage(m, [m.batch.buffer, m.chunk]);
}

/**
 * The file being read (`file`), or null. `from` -1: a pipe, read on from wherever it is (no
 * position) until its writer closes it; `at` then counts the bytes read.
 */
let file: { fd: number; from: number; at: number; to: number; unposted: number; wait: number; paused: boolean } | null = null;
let readBuffer: Buffer | null = null;

/**
 * Read and parse the file on, a READ_BYTES block at a time, until MAX_OUTSTANDING batches wait for
 * the main thread (a `recycle` calls this again) or the file ends (then the input ends). An empty
 * pipe is tried again after a pause (src/ingest/pipe.ts), the events so far handed over meanwhile.
 */
function pump(): void {
  const f = file!;
  readBuffer ??= Buffer.allocUnsafeSlow(READ_BYTES);
  const sequential = f.from < 0;
  while (outstanding < MAX_OUTSTANDING) {
    const want = f.to < 0 ? READ_BYTES : Math.min(READ_BYTES, f.to - f.at);
    let n = 0;
    if (want > 0) {
      try {
        n = readSync(f.fd, readBuffer, 0, want, sequential ? null : f.at);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (sequential && readAgain(e)) {
          if (f.unposted > 0) {
            post({ type: 'batch', input: current, batch: analyzer!.takeBatch(), ack: false, bytes: f.unposted });
            f.unposted = 0;
          }
          f.wait = nextPipeWait(f.wait);
          f.paused = true;
          setTimeout(resume, f.wait);
          return;
        }
        file = null;
        post({ type: 'failed', input: current, code: typeof e.code === 'string' ? e.code : null, message: e.message });
        return;
      }
    }
    if (n === 0) {
      file = null;
      end(sequential ? f.at : f.at - f.from, f.unposted);
      return;
    }
    f.wait = 0;
    f.at += n;
    // The splitter copies an unfinished line, so the buffer is free again for the next block.
    splitter!.write(readBuffer.subarray(0, n));
    f.unposted += n;
    if (f.unposted >= POST_EVERY) {
      post({ type: 'batch', input: current, batch: analyzer!.takeBatch(), ack: false, bytes: f.unposted });
      f.unposted = 0;
    }
  }
}

/** pump() again after a pause on an empty pipe (or leave it to the next `recycle`). */
function resume(): void {
  if (file === null) return;
  file.paused = false;
  if (outstanding < MAX_OUTSTANDING) pump();
}

/** The input's last lines, then everything that is not an event. */
function end(fileBytes: number, unpostedBytes = 0): void {
  splitter!.end();
  const a = analyzer!;
  post({ type: 'batch', input: current, batch: a.takeBatch(), ack: false, bytes: unpostedBytes });
  const agg = a.aggregate;
  const summary: InputSummary = {
    ignoredLines: agg.ignoredLines,
    unrecognizedLines: agg.unrecognizedLines,
    unrecognizedSamples: a.unrecognizedSamples,
    rejected: [...agg.rejected],
    rejectSamples: agg.rejectSamples,
    fileBytes,
  };
  analyzer = null;
  splitter = null;
  post({ type: 'done', input: current, summary });
}


port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'open': {
      current = m.input;
      const a = new EncodingAnalyzer(m.options);
      const feed = a.openInput(m.name, m.referenceTime);
      // The main thread reads IPv4 addresses by number (the wire carries no IPv4 text).
      feed.ctx.ipv4ByNumber = true;
      analyzer = a;
      splitter = feed.splitter();
      break;
    }
    case 'chunk': {
      // The splitter keeps no reference to the chunk (it copies an unfinished line), so the chunk's
      // buffer can go back to the main thread for the next chunk.
      splitter!.write(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
      post({ type: 'batch', input: current, batch: analyzer!.takeBatch(), ack: true, chunk: m.bytes.buffer as ArrayBuffer });
      break;
    }
    case 'recycle':
      recycleBatch(freeBatches, m.buffer);
      outstanding--;
      if (file !== null && !file.paused && outstanding < MAX_OUTSTANDING) pump();
      break;
    case 'file':
      file = { fd: m.fd, from: m.from, at: Math.max(0, m.from), to: m.to, unposted: 0, wait: 0, paused: false };
      pump();
      break;
    case 'end':
      end(0);
      break;
  }
});
