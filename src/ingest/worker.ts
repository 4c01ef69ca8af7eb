/**
 * The parse worker: bytes in, batches of events out (see src/ingest/parallel.ts for the other
 * side). It runs the same LineSplitter and LineInput as a serial run, with an Analyzer whose
 * `addEvent` packs the event into a batch instead of aggregating it; everything that is not an
 * event (line counts, rejects, unrecognised lines and their samples) it counts itself and hands over
 * when the input ends.
 */
import { parentPort } from 'node:worker_threads';
import { Analyzer } from '../core.js';
import type { LineSplitter } from '../lines.js';
import type { PacketEvent } from '../types.js';
import { BatchEncoder, recycleBatch } from './wire.js';
import type { InputSummary, ToMain, ToWorker } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('src/ingest/worker.ts runs as a worker thread');

/** Batch buffers the main thread gave back. */
const freeBatches: ArrayBuffer[] = [];

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

function post(m: ToMain): void {
  if (m.type !== 'batch') port!.postMessage(m);
  else if (m.chunk === undefined) port!.postMessage(m, [m.batch.buffer]);
  else port!.postMessage(m, [m.batch.buffer, m.chunk]);
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
      break;
    case 'end': {
      splitter!.end();
      const a = analyzer!;
      post({ type: 'batch', input: current, batch: a.takeBatch(), ack: false });
      const agg = a.aggregate;
      const summary: InputSummary = {
        ignoredLines: agg.ignoredLines,
        unrecognizedLines: agg.unrecognizedLines,
        unrecognizedSamples: a.unrecognizedSamples,
        rejected: [...agg.rejected],
        rejectSamples: agg.rejectSamples,
      };
      analyzer = null;
      splitter = null;
      post({ type: 'done', input: current, summary });
      break;
    }
  }
});
