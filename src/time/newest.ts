/**
 * The anchor of relative windows (`--since 24h`): the newest event of the inputs, found before the
 * real pass so that filtering stays a comparison in the core and nothing is buffered.
 *
 * "Newest" is the latest stamp among the last lines of each input: a plain file is read backwards
 * from its end, 256 KiB first, eight times more each time the block holds no firewall event, so a
 * multi-gigabyte log costs one small read. Logs are appended in time order, so that is the newest
 * event of the file up to the reordering within one block. A gzip or pcap file cannot be read from
 * its end: it is read whole once more (rotated `.gz` files are the small ones). Standard input
 * cannot be read twice: a relative window on it needs `--relative-to now`.
 */
import { promises as fsp } from 'node:fs';
import { Analyzer, type AnalyzeOptions } from '../core.js';
import { openFile, readSource } from '../stream.js';

const FIRST_BLOCK = 256 * 1024;

export interface AnchorInput {
  file: string;
  /** Where this run starts reading (incremental runs); the block never reaches before it. */
  offset: number;
}

type AnchorOptions = Pick<AnalyzeOptions, 'inputFormat' | 'timeZone' | 'year'>;

/** Epoch ms of the newest event, NaN when none of the inputs has one. */
export async function newestEventTime(inputs: readonly AnchorInput[], options: AnchorOptions): Promise<number> {
  let newest = NaN;
  for (const input of inputs) {
    const t = await newestIn(input, options);
    if (t > newest || Number.isNaN(newest)) newest = t;
  }
  return newest;
}

async function newestIn(input: AnchorInput, options: AnchorOptions): Promise<number> {
  // From the start, the whole-file path (any kind of file); from an offset, up to the last full line.
  const opened = await openFile(input.file, { offset: input.offset, completeLinesOnly: input.offset > 0 });
  const analyzer = () => new Analyzer({ inputFormat: options.inputFormat, timeZone: options.timeZone, year: options.year });
  if (opened.compressed || opened.pcap) {
    const a = analyzer();
    await readSource(opened.source, a);
    return a.aggregate.lastSeen;
  }
  opened.source.stream.destroy();
  const start = Math.min(input.offset, opened.size);
  const end = opened.end;
  const fh = await fsp.open(input.file, 'r');
  try {
    for (let block = FIRST_BLOCK; ; block *= 8) {
      const lo = Math.max(start, end - block);
      const buf = Buffer.alloc(end - lo);
      const { bytesRead } = await fh.read(buf, 0, buf.length, lo);
      const lines = buf.subarray(0, bytesRead).toString('utf8').split('\n');
      // The first line of a block that starts mid-file is a fragment.
      if (lo > start) lines.shift();
      const a = analyzer();
      const feed = a.openInput(input.file, opened.source.referenceTime);
      for (const line of lines) feed.push(line);
      const t = a.aggregate.lastSeen;
      if (!Number.isNaN(t) || lo === start) return t;
    }
  } finally {
    await fh.close();
  }
}
