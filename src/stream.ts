/**
 * The only file that touches Node streams: bytes from files or stdin → (gunzip) → lines → core.
 *
 * Compression is recognised by magic bytes, not by name (`kern.log.2.gz`, but also a gzip file
 * without the suffix). Chunks go through a synchronous LineSplitter (src/lines.ts) straight into the
 * sync core: no per-line stream event (the per-line 'data' path is what makes a naive split2
 * pipeline slow), and one decode per chunk.
 */
import { promises as fsp, read, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import type { Analyzer } from './core.js';
import { describeSystemError, ReportError } from './errors.js';
import { WORKER_MIN_BYTES, WorkerFeed, workerUseful } from './ingest/parallel.js';
import { isReadablePipe, nextPipeWait, readAgain } from './ingest/pipe.js';
import { MAX_LINE_LENGTH } from './lines.js';
import { isPcapMagic, PcapDecoder } from './pflog/pcap.js';

export { MAX_LINE_LENGTH };

/** `-` is standard input. */
export const STDIN = '-';

export interface InputSource {
  /** Name used in messages: the path, or `-` / `(stdin)`. */
  name: string;
  stream: Readable;
  /** Anchor for stamps without a year: the file's mtime, or now for stdin. */
  referenceTime: number;
  /** Bytes of the file this source will read (for progress); -1 for stdin and unknown. */
  size?: number;
  /**
   * Decoded bytes to drop before the first line (where an earlier run stopped in a compressed file;
   * a plain file is simply opened at its offset instead). 0 when reading from the start.
   */
  skip?: number;
  /** Called with the raw (file) bytes of each chunk read, for the progress line. */
  onBytes?: (n: number) => void;
  /**
   * A plain regular file: the open handle `stream` reads from, and the bytes it reads, [start, end)
   * (end -1: to the end of the file). The parse worker reads such a file by position itself rather
   * than have this thread read it and post the bytes; the stream must be closed at the end either way.
   */
  file?: { handle: FileHandle; start: number; end: number };
  /**
   * A pipe (standard input, `<(zcat …)`): its descriptor, read directly, one read per chunk asked
   * for and none ahead, so that the parse worker can read on from it where this thread stopped (a
   * large piped log then costs this thread no stream and no copy, as a file does). `stream` is
   * then not read; `owned`: it is the pipe's own and is closed once the pipe is read (standard
   * input is left as it is).
   */
  pipe?: { fd: number; owned: boolean };
}

/**
 * Which part of a file to read, for incremental runs. Offsets count decoded bytes: for a plain file
 * the file position, for a gzip file the position in its uncompressed content (a gzip file cannot
 * be entered in the middle, so it is decompressed from the start and the first `offset` bytes are
 * dropped; it is complete, so it is read to its end).
 */
export interface ReadRange {
  offset: number;
  /**
   * Plain files: stop after the last newline before the size seen at open, so a line still being
   * written (and anything appended while we read) waits for the next run.
   */
  completeLinesOnly: boolean;
}

/** What openSource learnt about a file besides its stream. */
export interface OpenedFile {
  source: InputSource;
  compressed: boolean;
  pcap: boolean;
  /** A regular file (not a pipe or device): it can be read again, and from an offset. */
  regular: boolean;
  /** Size at open (-1 for a pipe). */
  size: number;
  stats: Stats;
  /** Plain files: the file position one past the last byte the stream delivers. */
  end: number;
}

/** Open a path (or `-`) for reading; fails with a one-line ReportError naming the file. */
export async function openSource(path: string, stdin: Readable): Promise<InputSource> {
  if (path === STDIN) {
    const source: InputSource = { name: '(stdin)', stream: stdin, referenceTime: Date.now(), size: -1 };
    // The process's own standard input only (a library caller may pass any stream), where it is a
    // pipe or a socket.
    if (stdin === process.stdin && isReadablePipe(0)) source.pipe = { fd: 0, owned: false };
    return source;
  }
  return (await openFile(path, { offset: 0, completeLinesOnly: false })).source;
}

/** Open a file for reading the part `range` names. */
export async function openFile(path: string, range: ReadRange): Promise<OpenedFile> {
  let fh: FileHandle | null = null;
  try {
    const st = await fsp.stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    // Open now, so a permission problem is reported before any output.
    fh = await fsp.open(path, 'r');
    const size = st.size;
    if (!st.isFile()) {
      // A pipe (`<(zcat …)`) or a device: read once, from the start; readSource still recognises
      // gzip and pcap by their first bytes. It has no offset to come back to.
      if (range.offset > 0 || range.completeLinesOnly) {
        throw new ReportError('INPUT_UNREADABLE', `${path}: not a regular file, so it cannot be read incrementally (--state reads log files)`);
      }
      const stream = fh.createReadStream({ highWaterMark: READ_CHUNK });
      const source: InputSource = { name: path, referenceTime: Date.now(), size: -1, stream, skip: 0 };
      if (st.isFIFO() && isReadablePipe(fh.fd)) source.pipe = { fd: fh.fd, owned: true };
      return { source, compressed: false, pcap: false, regular: false, size: -1, stats: st, end: -1 };
    }
    const magic = Buffer.alloc(4);
    const { bytesRead } = await fh.read(magic, 0, 4, 0);
    const compressed = bytesRead >= 2 && magic[0] === GZIP_MAGIC_0 && magic[1] === GZIP_MAGIC_1;
    const pcap = bytesRead === 4 && isPcapMagic(magic);
    const base = { name: path, referenceTime: st.mtimeMs, size };
    if (compressed || range.offset === 0 && !range.completeLinesOnly) {
      const stream = fh.createReadStream({ highWaterMark: READ_CHUNK });
      const file = compressed ? undefined : { handle: fh, start: 0, end: -1 };
      return { source: { ...base, stream, skip: compressed ? range.offset : 0, file }, compressed, pcap, regular: true, size, stats: st, end: size };
    }
    if (pcap) throw new ReportError('INPUT_CORRUPT', `${path}: binary pflog cannot be read incrementally (--state reads text logs; run without it)`);
    const start = Math.min(range.offset, size);
    const end = range.completeLinesOnly ? await endOfLastLine(fh, start, size) : size;
    let stream: Readable;
    let file: InputSource['file'];
    if (end > start) {
      stream = fh.createReadStream({ start, end: end - 1, highWaterMark: READ_CHUNK });
      file = { handle: fh, start, end };
    } else {
      await fh.close();
      stream = Readable.from([]);
    }
    return { source: { ...base, size: end - start, stream, skip: 0, file }, compressed, pcap, regular: true, size, stats: st, end };
  } catch (err) {
    await fh?.close().catch(() => undefined);
    if (err instanceof ReportError) throw err;
    throw describeSystemError(path, err);
  }
}

const READ_CHUNK = 256 * 1024;

/** Bytes asked of a pipe per read (its buffer's usual size on Linux). */
export const PIPE_CHUNK = 64 * 1024;
/**
 * A pipe's bytes as they come: one read per chunk asked for, none ahead (see InputSource.pipe). An
 * empty pipe is tried again after a pause (src/ingest/pipe.ts).
 * @internal Exported for its test (test/core/pipe-chunks.test.ts).
 */
export async function* pipeChunks(fd: number): AsyncGenerator<Buffer> {
  let wait = 0;
  let buf = Buffer.allocUnsafe(PIPE_CHUNK);
  for (;;) {
    let n: number;
    try {
      n = await new Promise<number>((resolve, reject) => read(fd, buf, 0, PIPE_CHUNK, null, (err, bytes) => (err === null ? resolve(bytes) : reject(err))));
    } catch (err) {
      if (!readAgain(err)) throw err;
      wait = nextPipeWait(wait);
      await sleep(wait);
      continue;
    }
    if (n === 0) return;
    wait = 0;
    if (n < PIPE_CHUNK / 2) {
      // A short read (a writer sending a line at a time) is copied out: up to WORKER_MIN_BYTES of
      // chunks may be held before the worker is chosen, and each must not keep 64 KiB alive.
      yield Buffer.from(buf.subarray(0, n));
      continue;
    }
    yield buf.subarray(0, n);
    buf = Buffer.allocUnsafe(PIPE_CHUNK);
  }
}

const BACKWARD_BLOCK = 64 * 1024;

/** One past the last newline in [start, end) of the file, or `start` when there is none. */
async function endOfLastLine(fh: FileHandle, start: number, end: number): Promise<number> {
  const buf = Buffer.alloc(BACKWARD_BLOCK);
  let hi = end;
  while (hi > start) {
    const lo = Math.max(start, hi - BACKWARD_BLOCK);
    const { bytesRead } = await fh.read(buf, 0, hi - lo, lo);
    const k = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (k >= 0) return lo + k + 1;
    hi = lo;
  }
  return start;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Bytes kept at each end of a decoded stream, for the cursor's hashes (see src/state/cursor.ts). */
export const EDGE_BYTES = 4096;

export interface ReadResult {
  /** Decoded bytes passed to the line splitter (after `skip`). */
  bytes: number;
  /** Decoded length of the whole content read (`skip` + `bytes`). */
  length: number;
  /**
   * The first and last EDGE_BYTES of the decoded content (whole content, skipped part included).
   * `tail` is empty for a pipe whose rest the parse worker read (a pipe has no cursor to check).
   */
  head: Buffer;
  tail: Buffer;
}

/**
 * Read one source into the analyzer. Gzip is unwrapped (by magic bytes, also nested in a
 * `.gz` of a pflog). Resolves when every line has been pushed.
 */
export async function readSource(src: InputSource, analyzer: Analyzer): Promise<ReadResult> {
  try {
    return await readSourceBytes(src, analyzer);
  } finally {
    // A pipe read by its descriptor leaves its stream unread: close it, and with it the pipe.
    if (src.pipe?.owned === true) src.stream.destroy();
  }
}

async function readSourceBytes(src: InputSource, analyzer: Analyzer): Promise<ReadResult> {
  const bytes = src.pipe === undefined ? src.stream : pipeChunks(src.pipe.fd);
  const raw = src.onBytes === undefined ? bytes : counted(bytes, src.onBytes);

  let head = await peek(raw, src.name);
  let file = src.file;
  let pipe = src.pipe;
  if (head.chunk !== null && head.chunk.length >= 2 && head.chunk[0] === GZIP_MAGIC_0 && head.chunk[1] === GZIP_MAGIC_1) {
    head = await peek(gunzip(head.rest, src.name), src.name);
    file = undefined;
    pipe = undefined;
  }
  const edges = new Edges(src.skip ?? 0);
  const format = analyzer.options.inputFormat;
  const pcap = head.chunk !== null && isPcapMagic(head.chunk);
  if (pcap && (format === 'auto' || format === 'pflog')) {
    await readPcap(edges.take(head.rest), src.name, analyzer);
    return edges.result();
  }
  if (format === 'pflog') {
    throw new ReportError('INPUT_CORRUPT', `${src.name}: not a pcap file (--input-format pflog reads binary /var/log/pflog)`);
  }
  try {
    const direct: Direct | null = pipe !== undefined ? { pipe, edges } : file === undefined || (src.skip ?? 0) > 0 ? null : { file, edges };
    await readLines(edges.take(head.rest), src, analyzer, direct);
  } catch (err) {
    if (err instanceof ReportError) throw err;
    throw describeSystemError(src.name, err);
  }
  return edges.result();
}

/** The plain file or the pipe that readLines' chunks come from, which the worker can read on from. */
type Direct = { edges: Edges } & ({ file: NonNullable<InputSource['file']>; pipe?: undefined } | { pipe: NonNullable<InputSource['pipe']>; file?: undefined });

/**
 * Lines of text to the analyzer: on this thread, or through the parse worker when the input is
 * large: a plain file by its size; otherwise the first WORKER_MIN_BYTES are read before choosing
 * (a smaller input ends before that).
 * `direct`: the plain file or pipe `chunks` come from, which the worker then reads on from by itself.
 */
async function readLines(chunks: AsyncIterable<Buffer>, src: InputSource, analyzer: Analyzer, direct: Direct | null): Promise<void> {
  const mode = analyzer.options.parseWorker;
  const it = chunks[Symbol.asyncIterator]();
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  const held: Buffer[] = [];
  let serial = mode === 'never' || (mode === 'auto' && !workerUseful());
  let exhausted = false;
  if (!serial) {
    let heldBytes = 0;
    // `always` takes the chunk already read (to sniff the format) before the worker reads on; so
    // does `auto` for a plain file whose size says it is large enough (its first WORKER_MIN_BYTES
    // need not be read here first: the worker starts on it ~40 ms sooner).
    const bigFile = direct?.file !== undefined && (src.size ?? -1) >= WORKER_MIN_BYTES;
    const min = mode === 'auto' && !bigFile ? WORKER_MIN_BYTES : direct !== null ? 1 : 0;
    while (heldBytes < min) {
      const r = await it.next();
      if (r.done === true) {
        exhausted = serial = true;
        break;
      }
      held.push(r.value);
      heldBytes += r.value.length;
    }
  }

  if (serial) {
    // Lines end at LF; the core strips the CR of CRLF lines.
    const splitter = analyzer.openInput(src.name, src.referenceTime).splitter();
    for (const chunk of held) splitter.write(chunk);
    if (!exhausted) for await (const chunk of rest) splitter.write(chunk);
    splitter.end();
    return;
  }
  const feed = WorkerFeed.open(analyzer, src.name, src.referenceTime);
  try {
    for (const chunk of held) await feed.write(chunk);
    held.length = 0;
    if (direct === null) {
      for await (const chunk of rest) await feed.write(chunk);
      await feed.end();
      return;
    }
    if (direct.pipe !== undefined) {
      // The rest of the pipe: nothing of it was read ahead here (pipeChunks).
      direct.edges.passed(await feed.readFile(direct.pipe.fd, -1, -1, src.onBytes));
      return;
    }
    // The rest by position, from where the stream got to (what it read ahead is not used).
    const { file } = direct;
    const from = file.start + direct.edges.length;
    const n = await feed.readFile(file.handle.fd, from, file.end, src.onBytes);
    await direct.edges.extend(file.handle, file.start, n);
  } finally {
    feed.release();
    // The worker read the rest: close the stream, and with it the file.
    if (direct?.file !== undefined) src.stream.destroy();
  }
}

/**
 * Drops the first `skip` decoded bytes and keeps the first and last EDGE_BYTES of everything
 * (per chunk, never per line).
 */
class Edges {
  private length_ = 0;
  private delivered = 0;
  private headBuf = Buffer.alloc(0);
  private tailBuf = Buffer.alloc(0);
  constructor(private readonly skip: number) {}

  async *take(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      const at = this.length_;
      this.length_ += chunk.length;
      if (this.headBuf.length < EDGE_BYTES) this.headBuf = Buffer.concat([this.headBuf, chunk.subarray(0, EDGE_BYTES - this.headBuf.length)]);
      this.tailBuf =
        chunk.length >= EDGE_BYTES
          ? Buffer.from(chunk.subarray(chunk.length - EDGE_BYTES))
          : Buffer.concat([this.tailBuf, chunk]).subarray(-EDGE_BYTES);
      if (this.length_ <= this.skip) continue;
      const out = at >= this.skip ? chunk : chunk.subarray(this.skip - at);
      this.delivered += out.length;
      yield out;
    }
  }

  /** Decoded bytes taken so far (the skipped part included). */
  get length(): number {
    return this.length_;
  }

  /**
   * `n` more bytes were read past the stream, from the plain file `handle` whose content starts at
   * `start`: count them, and read the edges from the file.
   */
  async extend(handle: FileHandle, start: number, n: number): Promise<void> {
    this.length_ += n;
    this.delivered += n;
    if (this.headBuf.length < EDGE_BYTES) {
      const head = Buffer.alloc(Math.min(EDGE_BYTES, this.length_));
      const { bytesRead } = await handle.read(head, 0, head.length, start);
      this.headBuf = head.subarray(0, bytesRead);
    }
    const k = Math.min(EDGE_BYTES, this.length_);
    const tail = Buffer.alloc(k);
    const { bytesRead } = await handle.read(tail, 0, k, start + this.length_ - k);
    this.tailBuf = tail.subarray(0, bytesRead);
  }

  /** `n` more bytes were read past the stream from a pipe (by the parse worker): counted; the tail is not known. */
  passed(n: number): void {
    this.length_ += n;
    this.delivered += n;
    if (n > 0) this.tailBuf = Buffer.alloc(0);
  }

  result(): ReadResult {
    return { bytes: this.delivered, length: this.length_, head: this.headBuf, tail: Buffer.from(this.tailBuf) };
  }
}

async function* counted(stream: AsyncIterable<Buffer | string>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    const b = toBuffer(chunk);
    onBytes(b.length);
    yield b;
  }
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

/**
 * Bytes gunzip hands over at a time: 16 times zlib's default (16 KiB), so a 250 MB log is 1,000
 * chunks through the generators and the worker's feed rather than 15,000.
 */
const GUNZIP_CHUNK = 256 * 1024;

async function* gunzip(bytes: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: GUNZIP_CHUNK });
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

/**
 * Decoded bytes [from, to) of a file: gunzipped when it is gzip, else read in place. Shorter when
 * the content ends first. For the cursor's hashes; stops decompressing at `to`.
 */
export async function readDecodedSlice(path: string, from: number, to: number): Promise<Buffer> {
  if (to <= from) return Buffer.alloc(0);
  const fh = await fsp.open(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    if (!(bytesRead === 2 && magic[0] === GZIP_MAGIC_0 && magic[1] === GZIP_MAGIC_1)) {
      const buf = Buffer.alloc(to - from);
      const r = await fh.read(buf, 0, to - from, from);
      return buf.subarray(0, r.bytesRead);
    }
    const parts: Buffer[] = [];
    let at = 0;
    const z = fh.createReadStream({ autoClose: false }).pipe(createGunzip());
    try {
      for await (const out of z as AsyncIterable<Buffer>) {
        const end = at + out.length;
        if (end > from) parts.push(out.subarray(Math.max(0, from - at), Math.min(out.length, to - at)));
        at = end;
        if (at >= to) break;
      }
    } catch {
      // A truncated or corrupt gzip file: what decoded so far is what it has.
    } finally {
      z.destroy();
    }
    return Buffer.concat(parts);
  } finally {
    await fh.close();
  }
}
