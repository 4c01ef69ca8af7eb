/**
 * The cursor of incremental runs (`--state FILE`): for every file read, where the last run stopped
 * and enough about the file to know it again after logrotate or newsyslog moved it.
 *
 * A cursor holds the file's device, inode and size, the offset (decoded bytes read, always just
 * after a newline for a file still written to), and SHA-256 hashes of the first and of the last
 * 4 KiB before the offset. A file is the one a cursor was about when
 *   - it has the cursor's device and inode, is not shorter than the offset and both hashes match
 *     (inode numbers are reused: the hashes catch a deleted and recreated file); or
 *   - failing that, its content matches: the same hashes over its own decoded bytes (how a copy made
 *     by `copytruncate`, or a rotated file compressed to `.gz`, is recognised).
 * Compressed files are matched and read by offsets into their uncompressed content.
 *
 * Planning a run, per input path:
 *   1. each input file continues from the cursor it matches, else starts at 0;
 *   2. a cursor that no input matched, whose path is an input, is the file before a rotation: its
 *      rest is looked for under the rotated names (`path.0`, `path.1`, `path.2`, each also `.gz`,
 *      and logrotate `dateext` names `path-*`) and read from the cursor's offset first.
 * So no complete line is read twice or skipped, whatever the rotation scheme; lines written between
 * copytruncate's copy and its truncation are lost to every reader (logrotate documents it).
 */
import { createHash } from 'node:crypto';
import { promises as fsp, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EDGE_BYTES, readDecodedSlice, type ReadRange, type ReadResult } from '../stream.js';

export interface FileCursor {
  /** The input path this content was read for; a rotated rest keeps its input's path. */
  path: string;
  /** Where the file was when it was read (the input path, or a rotated name). */
  at: string;
  dev: number;
  ino: number;
  /** File size when read (of the compressed file, for gzip). */
  size: number;
  compressed: boolean;
  /** Decoded bytes read; the next run starts here. */
  offset: number;
  /** SHA-256 (hex) of the first min(offset, 4096) decoded bytes, and of the last min(offset, 4096) before the offset. */
  headHash: string;
  tailHash: string;
}

/** One file to read in this run. */
export interface PlannedRead {
  /** The input path (for the cursor and messages). */
  input: string;
  /** The file to open: the input, or a rotated name holding the rest of an earlier file. */
  file: string;
  range: ReadRange;
  /** A rotated rest, not the input itself. */
  rotated: boolean;
  /** A gzip file already read whole and unchanged since: not read again; its cursor is kept. */
  unchanged: FileCursor | null;
}

export interface ReadPlan {
  reads: PlannedRead[];
  /** One line each, for stderr: rests of rotated files that could not be found. */
  warnings: string[];
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

interface Candidate {
  path: string;
  st: Stats;
  compressed: boolean;
  /** Decoded head, read on first use. */
  head?: Buffer;
}

async function statFile(path: string): Promise<Stats | null> {
  try {
    const st = await fsp.stat(path);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await fsp.open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

async function candidate(path: string): Promise<Candidate | null> {
  const st = await statFile(path);
  if (st === null) return null;
  return { path, st, compressed: await isGzip(path) };
}

/** Whether the decoded content of `c` starts with what `cur` read (both hashes at its offset). */
async function contentMatches(c: Candidate, cur: FileCursor): Promise<boolean> {
  if (cur.offset === 0) return false;
  if (!c.compressed && c.st.size < cur.offset) return false;
  c.head ??= await readDecodedSlice(c.path, 0, EDGE_BYTES);
  const headLen = Math.min(cur.offset, EDGE_BYTES);
  if (c.head.length < headLen || sha256(c.head.subarray(0, headLen)) !== cur.headHash) return false;
  const from = Math.max(0, cur.offset - EDGE_BYTES);
  const tail = await readDecodedSlice(c.path, from, cur.offset);
  return tail.length === cur.offset - from && sha256(tail) === cur.tailHash;
}

/** Whether `c` is the file `cur` was read from: same identity and content, or the same content. */
async function sameFile(c: Candidate, cur: FileCursor): Promise<'same' | 'copy' | false> {
  if (c.st.dev === cur.dev && c.st.ino === cur.ino && c.compressed === cur.compressed) {
    // An unchanged gzip file (same inode and size) was read whole: no need to decompress it again.
    if (c.compressed && c.st.size === cur.size) return 'same';
    if (cur.offset === 0) return c.compressed ? false : 'same';
    if (await contentMatches(c, cur)) return 'same';
    return false;
  }
  return (await contentMatches(c, cur)) ? 'copy' : false;
}

/** Rotated names logrotate and newsyslog give `path`, most recent first. */
export async function rotatedNames(path: string): Promise<string[]> {
  const names = [0, 1, 2].flatMap((n) => [`${path}.${n}`, `${path}.${n}.gz`]);
  // logrotate `dateext`: ufw.log-20240301, ufw.log-20240301.gz (newest first by name).
  const dir = dirname(path);
  const prefix = `${basename(path)}-`;
  try {
    const dated = (await fsp.readdir(dir)).filter((f) => f.startsWith(prefix) && /^\d/.test(f.slice(prefix.length)));
    dated.sort().reverse();
    names.push(...dated.slice(0, 4).map((f) => join(dir, f)));
  } catch {
    // An unreadable directory has no rotated names we can use.
  }
  return names;
}

/**
 * Decide what to read: each input from its cursor (or 0), and before it the rest of a rotated file.
 * `inputs` are paths that exist (the caller opened them to report missing files first).
 */
export async function planReads(inputs: readonly string[], cursors: readonly FileCursor[]): Promise<ReadPlan> {
  const used = new Set<FileCursor>();
  const plan: ReadPlan = { reads: [], warnings: [] };
  const current = new Map<string, PlannedRead>();
  const inputSet = new Set(inputs);

  for (const input of inputs) {
    const c = await candidate(input);
    let offset = 0;
    let unchanged: FileCursor | null = null;
    if (c !== null) {
      // Identity first (the usual case: the same file, grown), then content (a copy, a .gz).
      const ordered = [...cursors].sort((a, b) => Number(b.ino === c.st.ino) - Number(a.ino === c.st.ino));
      for (const cur of ordered) {
        if (used.has(cur)) continue;
        if (await sameFile(c, cur)) {
          used.add(cur);
          offset = cur.offset;
          if (c.compressed && c.st.dev === cur.dev && c.st.ino === cur.ino && c.st.size === cur.size) unchanged = cur;
          break;
        }
      }
    }
    current.set(input, { input, file: input, range: { offset, completeLinesOnly: true }, rotated: false, unchanged });
  }

  const rests = new Map<string, PlannedRead[]>();
  const taken = new Set(inputs);
  for (const cur of cursors) {
    if (used.has(cur) || !inputSet.has(cur.path) || cur.offset === 0) continue;
    let found: string | null = null;
    const names = await rotatedNames(cur.path);
    if (cur.at !== cur.path && !names.includes(cur.at)) names.unshift(cur.at);
    for (const name of names) {
      if (taken.has(name)) continue;
      const c = await candidate(name);
      if (c !== null && (await sameFile(c, cur))) {
        found = name;
        break;
      }
    }
    if (found === null) {
      // A rest already read whose file has since been deleted is no loss; a current file's is.
      if (cur.at === cur.path) {
        plan.warnings.push(
          `${cur.path}: rotated since the last run, and its rotated copy was not found (looked for ${cur.path}.1, ${cur.path}.1.gz, ${cur.path}.0, …); any lines written to it after the last run (after byte ${cur.offset}) are not in this report`,
        );
      }
      continue;
    }
    taken.add(found);
    used.add(cur);
    const list = rests.get(cur.path) ?? [];
    list.push({ input: cur.path, file: found, range: { offset: cur.offset, completeLinesOnly: true }, rotated: true, unchanged: null });
    rests.set(cur.path, list);
  }

  for (const input of inputs) {
    plan.reads.push(...(rests.get(input) ?? []), current.get(input)!);
  }
  return plan;
}

/**
 * The cursor after reading `read`: for a plain file the offset is where the stream stopped (after
 * the last complete line); a gzip file is complete, read to its end.
 */
export async function cursorAfter(read: PlannedRead, st: Stats, compressed: boolean, end: number, result: ReadResult): Promise<FileCursor> {
  let offset: number;
  let head: Buffer;
  let tail: Buffer;
  if (compressed) {
    offset = result.length;
    head = result.head;
    tail = result.tail;
  } else {
    offset = end;
    head = await readDecodedSlice(read.file, 0, Math.min(offset, EDGE_BYTES));
    tail = await readDecodedSlice(read.file, Math.max(0, offset - EDGE_BYTES), offset);
  }
  return {
    path: read.input,
    at: read.file,
    dev: st.dev,
    ino: st.ino,
    size: st.size,
    compressed,
    offset,
    headHash: sha256(head),
    tailHash: sha256(tail),
  };
}
