/** Messages between the main thread (src/ingest/parallel.ts) and the parse worker (worker.ts). */
import type { AnalyzeOptions, UnrecognizedSample } from '../core.js';
import type { RejectSample } from '../aggregate.js';
import type { RejectReason } from '../types.js';
import type { Batch } from './wire.js';

/** What the worker needs of the options: how to read lines. Filters stay on the main thread. */
export type ParseOptions = Pick<AnalyzeOptions, 'inputFormat' | 'timeZone' | 'year'>;

export type ToWorker =
  /** `input` numbers the input; the worker's messages about it carry the number. */
  | { type: 'open'; input: number; name: string; referenceTime: number; options: ParseOptions }
  /** Bytes of the input, in order (copied, not transferred: a stream's chunks may share memory). */
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  /**
   * Read the rest of the input from a file descriptor the main thread holds open, then end the input
   * as `end` does: of a plain regular file, bytes [from, to) (to -1: to the end of the file); of a
   * pipe (from -1, to -1), what is left in it until its writer closes it.
   */
  | { type: 'file'; fd: number; from: number; to: number }
  /** A batch's buffer, decoded: the worker writes a later batch in it (transferred back). */
  | { type: 'recycle'; buffer: ArrayBuffer };

export type ToMain =
  /**
   * `ack`: the batch ends the work of one chunk (one per chunk, possibly empty), and `chunk` is that
   * chunk's buffer, given back for the next chunk (transferred). `bytes`: file bytes the worker
   * read for this batch (`file`), for the progress line.
   */
  | { type: 'batch'; input: number; batch: Batch; ack: boolean; chunk?: ArrayBuffer; bytes?: number }
  | { type: 'done'; input: number; summary: InputSummary }
  /** Reading the file of a `file` message failed (the system error's code and message). */
  | { type: 'failed'; input: number; code: string | null; message: string };

/** Everything of one input that is not an event, as the worker counted it. */
export interface InputSummary {
  ignoredLines: number;
  unrecognizedLines: number;
  unrecognizedSamples: UnrecognizedSample[];
  /** In order of first occurrence (the order a serial run would have added them in). */
  rejected: [RejectReason, number][];
  rejectSamples: RejectSample[];
  /** Bytes the worker read itself (`file`); 0 when every byte came in chunks. */
  fileBytes: number;
}
