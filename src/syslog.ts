/**
 * The syslog framing that wraps most firewall lines, read in place:
 *
 *   [<PRI>] Mmm dd HH:MM:SS [host] [tag[pid]:] message            BSD (RFC 3164), no year
 *   [<PRI>] YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM) [host] [tag:] message  rsyslog RFC 3339, journalctl short-iso
 *   [<PRI>]1 YYYY-MM-DDTHH:MM:SS[.f]±HH:MM host app procid msgid SD message   RFC 5424
 *   message                                                          no header at all
 *
 * `readSyslogHeader` fills a caller-owned SyslogHeader (no allocation per line).
 */
import type { ParseContext } from './types.js';
import { isIsoDateAt, monthAt, readBsdStamp, readIsoStamp, stampEnd } from './time/stamps.js';

export type HeaderKind = 'none' | 'bsd' | 'rfc3339' | 'rfc5424';

export interface SyslogHeader {
  kind: HeaderKind;
  /** Epoch ms, NaN when there is no stamp (or it does not parse). */
  time: number;
  /** Index just after the stamp and its following space: where `host tag: message` begins. */
  bodyStart: number;
  /** The host token (`hostStart === hostEnd` when none was recognised). */
  hostStart: number;
  hostEnd: number;
  /** The tag (program) without `[pid]` and `:` (`tagStart === tagEnd` when none). */
  tagStart: number;
  tagEnd: number;
  /** Where the message after the tag begins. */
  msgStart: number;
}

export function newSyslogHeader(): SyslogHeader {
  return { kind: 'none', time: NaN, bodyStart: 0, hostStart: 0, hostEnd: 0, tagStart: 0, tagEnd: 0, msgStart: 0 };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Read the syslog header of `line` into `h`. Returns false when the line starts with something that
 * looks like a stamp but is not a valid one (the caller may reject with `bad-timestamp`).
 */
export function readSyslogHeader(line: string, ctx: ParseContext, h: SyslogHeader): boolean {
  let i = 0;
  if (line.charCodeAt(0) === 60) {
    // <PRI>: one to three digits.
    let j = 1;
    while (j < 5 && isDigit(line.charCodeAt(j))) j++;
    if (j > 1 && line.charCodeAt(j) === 62) i = j + 1;
  }
  h.kind = 'none';
  h.time = NaN;
  h.hostStart = h.hostEnd = h.tagStart = h.tagEnd = i;
  h.bodyStart = h.msgStart = i;

  const c = line.charCodeAt(i);
  if (isDigit(c) && line.charCodeAt(i + 1) === 32 && isIsoDateAt(line, i + 2)) {
    // RFC 5424: VERSION SP TIMESTAMP SP HOST SP APP SP PROCID SP MSGID SP SD [SP MSG]
    h.kind = 'rfc5424';
    h.time = readIsoStamp(line, i + 2, ctx);
    if (Number.isNaN(h.time)) return false;
    let j = stampEnd.at + 1;
    h.hostStart = j;
    j = nextSpace(line, j);
    h.hostEnd = j;
    h.tagStart = j + 1;
    j = nextSpace(line, j + 1);
    h.tagEnd = j;
    j = nextSpace(line, j + 1); // procid
    j = nextSpace(line, j + 1); // msgid
    j = skipStructuredData(line, j + 1);
    if (line.charCodeAt(j) === 32) j++;
    h.bodyStart = h.hostStart;
    h.msgStart = j;
    return true;
  }
  if (isIsoDateAt(line, i)) {
    h.kind = 'rfc3339';
    h.time = readIsoStamp(line, i, ctx);
    if (Number.isNaN(h.time)) return false;
  } else if (monthAt(line, i) >= 0 && line.charCodeAt(i + 3) === 32) {
    h.kind = 'bsd';
    h.time = readBsdStamp(line, i, ctx);
    if (Number.isNaN(h.time)) return false;
  } else {
    return true;
  }
  let j = stampEnd.at;
  while (line.charCodeAt(j) === 32) j++;
  h.bodyStart = j;
  readHostAndTag(line, j, h);
  return true;
}

/**
 * After the stamp: `host tag[pid]: msg`, `tag[pid]: msg` (no host), or `host msg` (no tag).
 * A first token ending in ':' is a tag; otherwise it is the host and the second token is the tag
 * only if it ends in ':'.
 */
function readHostAndTag(line: string, j: number, h: SyslogHeader): void {
  const end1 = nextSpace(line, j);
  if (line.charCodeAt(end1 - 1) === 58) {
    h.hostStart = h.hostEnd = j;
    setTag(line, j, end1 - 1, h);
    h.msgStart = end1 + 1;
    return;
  }
  h.hostStart = j;
  h.hostEnd = end1;
  const k = end1 + 1;
  const end2 = nextSpace(line, k);
  if (end2 > k && line.charCodeAt(end2 - 1) === 58) {
    setTag(line, k, end2 - 1, h);
    h.msgStart = end2 + 1;
  } else {
    h.tagStart = h.tagEnd = k;
    h.msgStart = k;
  }
}

function setTag(line: string, start: number, end: number, h: SyslogHeader): void {
  h.tagStart = start;
  // Drop a trailing [pid].
  if (line.charCodeAt(end - 1) === 93) {
    const open = line.lastIndexOf('[', end);
    if (open > start) end = open;
  }
  h.tagEnd = end;
}

function nextSpace(line: string, from: number): number {
  const k = line.indexOf(' ', from);
  return k < 0 ? line.length : k;
}

/** Skip RFC 5424 structured data at `j`: `-` or one or more `[id k="v" …]` (with `\]` escapes). */
function skipStructuredData(line: string, j: number): number {
  if (line.charCodeAt(j) === 45) return j + 1;
  while (line.charCodeAt(j) === 91) {
    j++;
    let inQuotes = false;
    while (j < line.length) {
      const c = line.charCodeAt(j);
      if (c === 92) {
        j += 2;
        continue;
      }
      if (c === 34) inQuotes = !inQuotes;
      else if (c === 93 && !inQuotes) break;
      j++;
    }
    j++;
  }
  return j;
}

/** Whether the tag of `h` in `line` equals `name`. */
export function tagIs(line: string, h: SyslogHeader, name: string): boolean {
  return h.tagEnd - h.tagStart === name.length && line.startsWith(name, h.tagStart);
}

/** The words of a syslog repetition line (`[last ]message repeated N times`). */
export const REPEATED = 'message repeated ';

/** N of a `[last ]message repeated N times` syslog line, else 0. */
export function repeatCount(line: string): number {
  const k = line.indexOf(REPEATED);
  if (k < 0 || k > 200) return 0;
  let i = k + REPEATED.length;
  let n = 0;
  let digits = 0;
  for (;;) {
    const d = line.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    n = n * 10 + d;
    i++;
    digits++;
  }
  if (digits === 0 || !line.startsWith(' time', i)) return 0;
  return n;
}
