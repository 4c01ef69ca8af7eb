/**
 * Hand-written readers for the fixed timestamp layouts of firewall logs. date-fns `parse` costs
 * tens of microseconds a call, far too slow per line; these read digits in place, and the callers
 * cache the last stamp (lines of one second share it).
 *
 * Every reader returns epoch ms (NaN when the text is not a stamp) and leaves the index just past
 * the stamp in `stampEnd.at`, so the hot path allocates nothing.
 */
import type { ParseContext } from '../types.js';

export const stampEnd = { at: 0 };

const DAY_MS = 86_400_000;

/** Month index (0-11) of a three-letter English month name at `i`, or -1. Case-sensitive, as syslog writes it. */
export function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  switch (a) {
    case 74: // J
      if (b === 97 && c === 110) return 0; // Jan
      if (b === 117 && c === 110) return 5; // Jun
      if (b === 117 && c === 108) return 6; // Jul
      return -1;
    case 70: // F
      return b === 101 && c === 98 ? 1 : -1; // Feb
    case 77: // M
      if (b === 97 && c === 114) return 2; // Mar
      if (b === 97 && c === 121) return 4; // May
      return -1;
    case 65: // A
      if (b === 112 && c === 114) return 3; // Apr
      if (b === 117 && c === 103) return 7; // Aug
      return -1;
    case 83: // S
      return b === 101 && c === 112 ? 8 : -1; // Sep
    case 79: // O
      return b === 99 && c === 116 ? 9 : -1; // Oct
    case 78: // N
      return b === 111 && c === 118 ? 10 : -1; // Nov
    case 68: // D
      return b === 101 && c === 99 ? 11 : -1; // Dec
    default:
      return -1;
  }
}

/** Two decimal digits at `i`, or -1. */
export function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

function fourDigits(s: string, i: number): number {
  const hi = twoDigits(s, i);
  const lo = twoDigits(s, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

/** `HH:MM:SS` at `i` as seconds of the day, or -1. */
function clockAt(s: string, i: number): number {
  const h = twoDigits(s, i);
  const m = twoDigits(s, i + 3);
  const sec = twoDigits(s, i + 6);
  if (h < 0 || m < 0 || sec < 0 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1;
  if (h > 23 || m > 59 || sec > 60) return -1;
  return h * 3600 + m * 60 + sec;
}

/** A `.ffffff` fraction at `i` as milliseconds; sets stampEnd.at past it. */
function fractionAt(s: string, i: number): number {
  if (s.charCodeAt(i) !== 46) {
    stampEnd.at = i;
    return 0;
  }
  let j = i + 1;
  let ms = 0;
  let scale = 100;
  for (;;) {
    const d = s.charCodeAt(j) - 48;
    if (!(d >= 0 && d <= 9)) break;
    ms += d * scale;
    scale /= 10;
    j++;
  }
  stampEnd.at = j;
  return Math.floor(ms);
}

// ---------------------------------------------------------------------------------------------
// Zones

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<number, number>();
let offsetCacheZone = '';

/** Whether `tz` is an IANA zone name this Node.js knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone this process runs in, for the report's "times assumed in …" line. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function zoneOffsetAt(tz: string, utcMs: number): number {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Epoch ms of a wall-clock time in zone `tz` ('' = the machine's zone). Offsets are cached per
 * hour, so Intl is consulted once per distinct hour of the log, not per line.
 */
export function wallClockToEpoch(y: number, mo: number, d: number, secOfDay: number, ms: number, tz: string): number {
  if (tz === '') {
    return new Date(y, mo, d, 0, 0, secOfDay, ms).getTime();
  }
  const guess = Date.UTC(y, mo, d, 0, 0, secOfDay, ms);
  if (tz === 'UTC' || tz === 'Etc/UTC') return guess;
  if (offsetCacheZone !== tz || offsetCache.size > 100_000) {
    offsetCache.clear();
    offsetCacheZone = tz;
  }
  const hourKey = Math.floor(guess / 3_600_000);
  let off = offsetCache.get(hourKey);
  if (off === undefined) {
    off = zoneOffsetAt(tz, guess);
    const second = zoneOffsetAt(tz, guess - off);
    if (second !== off) off = second;
    offsetCache.set(hourKey, off);
  }
  return guess - off;
}

// ---------------------------------------------------------------------------------------------
// Layouts

/**
 * BSD syslog `Mmm dd HH:MM:SS` (day space- or zero-padded, or not padded at all), with an optional
 * `.ffffff` fraction (pf's tcpdump stamps). No year: the year is `ctx.year` when forced, else the
 * latest one that does not put the stamp more than a day after `ctx.referenceTime`.
 */
export function readBsdStamp(s: string, i: number, ctx: ParseContext): number {
  // Lines of one second share a stamp: reuse the last one (year inference and zone included),
  // measured at about a third of the header cost on a 1 M-line ufw log.
  const last = ctx.lastStamp;
  if (last.length > 0 && s.charCodeAt(i + last.length) === 32 && s.startsWith(last, i)) {
    stampEnd.at = i + last.length;
    return ctx.lastStampTime;
  }
  const t = readBsdStampUncached(s, i, ctx);
  if (t === t) {
    ctx.lastStamp = s.slice(i, stampEnd.at);
    ctx.lastStampTime = t;
  }
  return t;
}

function readBsdStampUncached(s: string, i: number, ctx: ParseContext): number {
  const mo = monthAt(s, i);
  if (mo < 0 || s.charCodeAt(i + 3) !== 32) return NaN;
  let j = i + 4;
  if (s.charCodeAt(j) === 32) j++;
  let day = s.charCodeAt(j) - 48;
  if (!(day >= 0 && day <= 9)) return NaN;
  j++;
  const d2 = s.charCodeAt(j) - 48;
  if (d2 >= 0 && d2 <= 9) {
    day = day * 10 + d2;
    j++;
  }
  if (day < 1 || day > 31 || s.charCodeAt(j) !== 32) return NaN;
  const sec = clockAt(s, j + 1);
  if (sec < 0) return NaN;
  const ms = fractionAt(s, j + 9);
  const end = stampEnd.at;
  let year = ctx.year;
  if (year < 0) {
    year = new Date(ctx.referenceTime + DAY_MS).getUTCFullYear();
    const t = wallClockToEpoch(year, mo, day, sec, ms, ctx.timeZone);
    if (t <= ctx.referenceTime + DAY_MS) {
      stampEnd.at = end;
      return t;
    }
    year--;
  }
  stampEnd.at = end;
  return wallClockToEpoch(year, mo, day, sec, ms, ctx.timeZone);
}

/**
 * ISO 8601 / RFC 3339 `YYYY-MM-DD[T ]HH:MM:SS[.f][Z|±HH:MM|±HHMM]`. Without an offset the time is
 * wall-clock time in `ctx.timeZone`.
 */
export function readIsoStamp(s: string, i: number, ctx: ParseContext): number {
  const y = fourDigits(s, i);
  const mo = twoDigits(s, i + 5);
  const d = twoDigits(s, i + 8);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return NaN;
  const t = s.charCodeAt(i + 10);
  if (t !== 84 && t !== 32) return NaN;
  const sec = clockAt(s, i + 11);
  if (sec < 0) return NaN;
  const ms = fractionAt(s, i + 19);
  const j = stampEnd.at;
  const z = s.charCodeAt(j);
  if (z === 90) {
    stampEnd.at = j + 1;
    return Date.UTC(y, mo - 1, d, 0, 0, sec, ms);
  }
  if (z === 43 || z === 45) {
    const oh = twoDigits(s, j + 1);
    let om: number;
    let end: number;
    if (s.charCodeAt(j + 3) === 58) {
      om = twoDigits(s, j + 4);
      end = j + 6;
    } else {
      om = twoDigits(s, j + 3);
      end = j + 5;
    }
    if (oh < 0 || om < 0) return NaN;
    stampEnd.at = end;
    const off = (oh * 60 + om) * 60_000 * (z === 43 ? 1 : -1);
    return Date.UTC(y, mo - 1, d, 0, 0, sec, ms) - off;
  }
  stampEnd.at = j;
  return wallClockToEpoch(y, mo - 1, d, sec, ms, ctx.timeZone);
}

/** Whether `s` has an ISO date `YYYY-MM-DD` at `i` (a cheap test before readIsoStamp). */
export function isIsoDateAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57 && s.charCodeAt(i + 4) === 45 && s.charCodeAt(i + 7) === 45;
}
