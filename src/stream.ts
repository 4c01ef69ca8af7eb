/**
 * The only file that touches Node streams: bytes from files or stdin → (gunzip) → lines → core.
 *
 * Compression is recognised by magic bytes, not by name (`kern.log.2.gz`, but also a gzip file
 * without the suffix). split2 does one split per chunk; its mapper feeds each line straight into the
 * sync core and returns undefined, so no per-line stream event is emitted (the per-line 'data' path
 * is what makes a naive split2 pipeline slow).
 */
import { promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import split2 from 'split2';
import type { Analyzer } from './core.js';
import { describeSystemError, ReportError } from './errors.js';
import { isPcapMagic, PcapDecoder } from './pflog/pcap.js';

/** Longest line kept; a longer one (binary junk, a missing newline) is counted and skipped. */
export const MAX_LINE_LENGTH = 1 << 20;

/** `-` is standard input. */
export const STDIN = '-';

export interface InputSource {
  /** Name used in messages: the path, or `-` / `(stdin)`. */
  name: string;
  stream: Readable;
  /** Anchor for stamps without a year: the file's mtime, or now for stdin. */
  referenceTime: number;
}

/** Open a path (or `-`) for reading; fails with a one-line ReportError naming the file. */
export async function openSource(path: string, stdin: Readable): Promise<InputSource> {
  if (path === STDIN) return { name: '(stdin)', stream: stdin, referenceTime: Date.now() };
  let mtime: number;
  try {
    const st = await fsp.stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    mtime = st.mtimeMs;
    // Open now, so a permission problem is reported before any output.
    const fh = await fsp.open(path, 'r');
    return { name: path, stream: fh.createReadStream({ highWaterMark: 256 * 1024 }), referenceTime: mtime };
  } catch (err) {
    throw describeSystemError(path, err);
  }
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Read one source into the analyzer. Gzip is unwrapped (by magic bytes, also nested in a
 * `.gz` of a pflog). Resolves when every line has been pushed.
 */
export async function readSource(src: InputSource, analyzer: Analyzer): Promise<void> {
  const input = analyzer.openInput(src.name, src.referenceTime);
  // A string matcher splits faster than /\r?\n/; the core strips the CR of CRLF lines.
  const splitter = split2('\n', (line: string) => {
    input.push(line);
    return undefined;
  }, { maxLength: MAX_LINE_LENGTH, skipOverflow: true } as split2.Options);
  // split2 keeps its overflow state on the stream; read it to count what it skips.
  const overflowing = () => (splitter as unknown as { overflow: boolean }).overflow;

  let head = await peek(src.stream, src.name);
  if (head.chunk !== null && head.chunk.length >= 2 && head.chunk[0] === GZIP_MAGIC_0 && head.chunk[1] === GZIP_MAGIC_1) {
    head = await peek(gunzip(head.rest, src.name), src.name);
  }
  const format = analyzer.options.inputFormat;
  const pcap = head.chunk !== null && isPcapMagic(head.chunk);
  if (pcap && (format === 'auto' || format === 'pflog')) {
    await readPcap(head.rest, src.name, analyzer);
    return;
  }
  if (format === 'pflog') {
    throw new ReportError('INPUT_CORRUPT', `${src.name}: not a pcap file (--input-format pflog reads binary /var/log/pflog)`);
  }
  const bytes = head.rest;

  let wasOverflowing = false;
  try {
    for await (const chunk of bytes) {
      splitter.write(chunk);
      const now = overflowing();
      if (now && !wasOverflowing) {
        input.lineNumber++;
        analyzer.aggregate.lines++;
        analyzer.aggregate.addReject('line-too-long', src.name, input.lineNumber, '(line longer than 1 MiB skipped)');
      }
      wasOverflowing = now;
    }
  } catch (err) {
    if (err instanceof ReportError) throw err;
    throw describeSystemError(src.name, err);
  }
  await new Promise<void>((resolve, reject) => {
    splitter.on('error', reject);
    splitter.end(resolve);
  });
}

/** Take the first chunk of a stream and give back an iterable that replays it, then the rest. */
async function peek(stream: AsyncIterable<Buffer | string>, name: string): Promise<{ chunk: Buffer | null; rest: AsyncIterable<Buffer> }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let first: IteratorResult<Buffer | string>;
  try {
    first = await it.next();
  } catch (err) {
    if (err instanceof ReportError) throw err;
    throw describeSystemError(name, err);
  }
  const chunk = first.done ? null : toBuffer(first.value);
  async function* rest(): AsyncGenerator<Buffer> {
    if (chunk !== null) yield chunk;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield toBuffer(r.value);
    }
  }
  return { chunk, rest: rest() };
}

function toBuffer(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : v;
}

async function* gunzip(bytes: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const z = createGunzip();
  const feed = (async () => {
    try {
      for await (const chunk of bytes) {
        if (!z.write(chunk)) await new Promise((r) => z.once('drain', r));
      }
      z.end();
    } catch (err) {
      z.destroy(err as Error);
    }
  })();
  try {
    for await (const out of z) yield out as Buffer;
  } catch (err) {
    throw describeSystemError(name, err);
  }
  await feed;
}

/** Binary pflog: records straight into the aggregate; a record counts as a line. */
async function readPcap(bytes: AsyncIterable<Buffer>, name: string, analyzer: Analyzer): Promise<void> {
  const agg = analyzer.aggregate;
  const decoder = new PcapDecoder({
    onEvent: (ev) => {
      agg.lines++;
      analyzer.addEvent(ev);
    },
    onReject: (reason, record, detail) => {
      agg.lines++;
      agg.addReject(reason, name, record, detail);
    },
  });
  try {
    for await (const chunk of bytes) decoder.push(chunk);
  } catch (err) {
    if (err instanceof ReportError) throw err;
    throw describeSystemError(name, err);
  }
  decoder.end();
}
