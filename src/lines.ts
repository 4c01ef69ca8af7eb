/**
 * Bytes → lines, synchronously: one UTF-8 decode per chunk (up to its last newline), then each line
 * is a slice of that text. No stream event, no array of lines and no re-scan of a growing string per
 * chunk: the bytes are scanned for newlines once by `indexOf` (memchr) and decoded once.
 *
 * A newline byte never occurs inside a multi-byte UTF-8 sequence, so cutting the bytes at newlines
 * never splits a character. Every newline ends a line (empty lines included); a last line without
 * a newline is a line if it is not empty. A line longer than `maxLength` bytes is skipped and
 * reported once through `onTooLong`; nothing of it is kept.
 *
 * With `onBytes` (the core's byte path), the lines of an all-ASCII chunk are first offered as
 * bytes, and only the ones it declines are decoded (each on its own).
 */

/** Longest line kept; a longer one (binary junk, a missing newline) is counted and skipped. */
export const MAX_LINE_LENGTH = 1 << 20;

import { isAscii } from 'node:buffer';

const NL = 0x0a;
/** Bytes decoded at a time (see `write`). */
const PIECE = 4 * 1024;

export class LineSplitter {
  /** The unfinished line: bytes after the last newline seen. */
  private carry: Buffer[] = [];
  private carryLength = 0;
  /** Inside a line that is too long: drop bytes up to its newline. */
  private skipping = false;

  /**
   * `onBytes`, when given, is offered each line of an all-ASCII chunk as bytes (chunk, start, end)
   * before any string is made of it; it returns whether it took the line. A line it declines is
   * decoded and handed to `onLine`. (Lines that span chunks always go to `onLine`.)
   */
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void,
    private readonly maxLength: number = MAX_LINE_LENGTH,
    private readonly onBytes?: (chunk: Buffer, start: number, end: number) => boolean,
    /** Told of each all-ASCII region before its lines are offered, and (null) after. */
    private readonly onRegion?: (chunk: Buffer | null, from: number, to: number) => void,
  ) {}

  write(chunk: Buffer): void {
    const first = chunk.indexOf(NL);
    if (first < 0) {
      this.hold(chunk, 0);
      return;
    }
    // Finish the line the previous chunks began.
    let from = 0;
    if (this.skipping) {
      this.skipping = false;
      from = first + 1;
    } else if (this.carryLength > 0) {
      if (this.carryLength + first > this.maxLength) {
        this.onTooLong();
      } else {
        this.carry.push(chunk.subarray(0, first));
        this.onLine(Buffer.concat(this.carry, this.carryLength + first).toString('utf8'));
      }
      this.carry = [];
      this.carryLength = 0;
      from = first + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (this.onBytes !== undefined && from <= last && isAscii(chunk)) {
      this.splitBytes(chunk, from, last);
      this.hold(chunk, last + 1);
      return;
    }
    // Decode in pieces of about PIECE bytes, each ending at a newline: a piece's text is an
    // ordinary young string that dies with its lines. (A whole 256 KiB chunk decoded at once is a
    // large object that outlives the collections made while its lines are read; those promoted
    // bytes are what makes V8 grow the young generation to its maximum, ~30 MB of RSS.)
    while (from <= last) {
      let end = last;
      if (end - from > PIECE) {
        end = chunk.lastIndexOf(NL, from + PIECE);
        if (end < from) end = chunk.indexOf(NL, from + PIECE);
      }
      this.split(chunk.toString('utf8', from, end));
      from = end + 1;
    }
    this.hold(chunk, last + 1);
  }

  /** The last line, if it had no newline. */
  end(): void {
    if (this.carryLength > 0 && !this.skipping) this.onLine(Buffer.concat(this.carry, this.carryLength).toString('utf8'));
    this.carry = [];
    this.carryLength = 0;
    this.skipping = false;
  }

  /** The lines of chunk[from, last] (ASCII; `last` is a newline) as bytes, else as text. */
  private splitBytes(chunk: Buffer, from: number, last: number): void {
    const onBytes = this.onBytes!;
    const latin1 = chunk as unknown as { latin1Slice(from: number, to: number): string };
    this.onRegion?.(chunk, from, last + 1);
    let i = from;
    while (i <= last) {
      const j = chunk.indexOf(NL, i);
      if (j - i > this.maxLength) this.onTooLong();
      else if (!onBytes(chunk, i, j)) this.onLine(latin1.latin1Slice(i, j));
      i = j + 1;
    }
    this.onRegion?.(null, 0, 0);
  }

  /** Lines of `text` (which holds whole lines, the last without its newline). */
  private split(text: string): void {
    const max = this.maxLength;
    let i = 0;
    for (;;) {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? text.length : j;
      // Characters ≤ bytes: only a line this long in characters can be too long in bytes.
      if (end - i > max / 4 && Buffer.byteLength(text.slice(i, end)) > max) this.onTooLong();
      else this.onLine(text.slice(i, end));
      if (j < 0) return;
      i = j + 1;
    }
  }

  /** Keep chunk[from..] as the start of the next line (or drop it, inside a too-long line). */
  private hold(chunk: Buffer, from: number): void {
    if (from >= chunk.length || this.skipping) return;
    const part = chunk.subarray(from);
    if (this.carryLength + part.length > this.maxLength) {
      this.carry = [];
      this.carryLength = 0;
      this.skipping = true;
      this.onTooLong();
      return;
    }
    // A copy: a slice would keep the whole chunk alive until the line ends.
    this.carry.push(Buffer.from(part));
    this.carryLength += part.length;
  }
}
