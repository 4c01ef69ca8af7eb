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
  return monthOf(s.charCodeAt(i), s.charCodeAt(i + 1), s.charCodeAt(i + 2));
}

/** Month index (0-11) of the three character codes of an English month name, or -1. */
function monthOf(a: number, b: number, c: number): number {
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
  if (tz === '') return localWallClockToEpoch(y, mo, d, secOfDay, ms);
  const guess = utcEpoch(y, mo, d, secOfDay, ms);
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

/**
 * The machine's zone: `new Date(y, mo, d, 0, 0, secOfDay, ms)`, with the start of the minute cached.
 * Within one minute of wall-clock time the zone offset does not change (every transition since
 * 1972 falls on a whole minute and every offset is whole minutes), so a stamp is the minute's start
 * plus its seconds: one Date per distinct minute of the log instead of one per line. Older years,
 * fractional seconds and out-of-range values take the Date as before.
 */
// Two entries, by the parity of the year: a log read just after New Year tries each stamp in this
// year, then in the last one.
const localY = [NaN, NaN];
const localMo = [NaN, NaN];
const localD = [NaN, NaN];
const localMinute = [NaN, NaN];
const localMinuteEpoch = [NaN, NaN];

function localWallClockToEpoch(y: number, mo: number, d: number, secOfDay: number, ms: number): number {
  if (!(y >= 1980 && y <= 9999) || (secOfDay | 0) !== secOfDay || secOfDay < 0 || (ms | 0) !== ms || ms < 0 || ms > 999) {
    return new Date(y, mo, d, 0, 0, secOfDay, ms).getTime();
  }
  const intoMinute = secOfDay % 60;
  const minute = secOfDay - intoMinute;
  const e = y & 1;
  if (minute !== localMinute[e] || d !== localD[e] || mo !== localMo[e] || y !== localY[e]) {
    localMinuteEpoch[e] = new Date(y, mo, d, 0, 0, minute, 0).getTime();
    localY[e] = y;
    localMo[e] = mo;
    localD[e] = d;
    localMinute[e] = minute;
  }
  return localMinuteEpoch[e] + intoMinute * 1000 + ms;
}

/** `Date.UTC(y, mo, d)` of the last day asked for (stamps of one log share their day), by year parity. */
const utcY = [NaN, NaN];
const utcMo = [NaN, NaN];
const utcD = [NaN, NaN];
const utcDayEpoch = [NaN, NaN];

function utcEpoch(y: number, mo: number, d: number, secOfDay: number, ms: number): number {
  // Date.UTC is plain arithmetic (MakeDay × ms per day + time), so the day's start plus the time of
  // day is the same number, for integer seconds and milliseconds.
  if ((secOfDay | 0) !== secOfDay || (ms | 0) !== ms || (y | 0) !== y) return Date.UTC(y, mo, d, 0, 0, secOfDay, ms);
  const e = y & 1;
  if (d !== utcD[e] || mo !== utcMo[e] || y !== utcY[e]) {
    utcDayEpoch[e] = Date.UTC(y, mo, d);
    utcY[e] = y;
    utcMo[e] = mo;
    utcD[e] = d;
  }
  return utcDayEpoch[e] + secOfDay * 1000 + ms;
}

/** The UTC year of `referenceTime` plus a day: the first year tried for a stamp without one. */
let yearReference = NaN;
let yearOfReference = NaN;

function referenceYear(referenceTime: number): number {
  if (referenceTime !== yearReference) {
    yearOfReference = new Date(referenceTime + DAY_MS).getUTCFullYear();
    yearReference = referenceTime;
  }
  return yearOfReference;
}

/**
 * Epoch ms of a BSD stamp's fields (month 0-11, day, seconds of the day, ms): the year is `ctx.year`
 * when forced, else the latest one that does not put the stamp more than a day after
 * `ctx.referenceTime`.
 */
export function bsdStampTime(mo: number, day: number, sec: number, ms: number, ctx: ParseContext): number {
  let year = ctx.year;
  if (year < 0) {
    year = referenceYear(ctx.referenceTime);
    const t = wallClockToEpoch(year, mo, day, sec, ms, ctx.timeZone);
    if (t <= ctx.referenceTime + DAY_MS) return t;
    year--;
  }
  return wallClockToEpoch(year, mo, day, sec, ms, ctx.timeZone);
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
  const t = bsdStampTime(mo, day, sec, ms, ctx);
  stampEnd.at = end;
  return t;
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
    return utcEpoch(y, mo - 1, d, sec, ms);
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
    return utcEpoch(y, mo - 1, d, sec, ms) - off;
  }
  stampEnd.at = j;
  return wallClockToEpoch(y, mo - 1, d, sec, ms, ctx.timeZone);
}

/** Whether `s` has an ISO date `YYYY-MM-DD` at `i` (a cheap test before readIsoStamp). */
export function isIsoDateAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57 && s.charCodeAt(i + 4) === 45 && s.charCodeAt(i + 7) === 45;
}

// ---------------------------------------------------------------------------------------------
// The same layouts over the bytes of an ASCII line (parsers that copy the line into a byte buffer
// first). The line's bytes are followed by at least 16 zero bytes, which no check accepts, so a
// read past its end fails like charCodeAt's NaN. Same results as the string readers.

function digit2(a: number, b: number): number {
  const x = a - 48;
  const y = b - 48;
  if (!(x >= 0 && x <= 9 && y >= 0 && y <= 9)) return -1;
  return x * 10 + y;
}

/** `HH:MM:SS` at `i` of `b` as seconds of the day, or -1 (clockAt). */
function clockAtBytes(b: Uint8Array, i: number): number {
  const h = digit2(b[i], b[i + 1]);
  const m = digit2(b[i + 3], b[i + 4]);
  const sec = digit2(b[i + 6], b[i + 7]);
  if (h < 0 || m < 0 || sec < 0 || b[i + 2] !== 58 || b[i + 5] !== 58) return -1;
  if (h > 23 || m > 59 || sec > 60) return -1;
  return h * 3600 + m * 60 + sec;
}

/** fractionAt over bytes. */
function fractionAtBytes(b: Uint8Array, i: number): number {
  if (b[i] !== 46) {
    stampEnd.at = i;
    return 0;
  }
  let j = i + 1;
  let ms = 0;
  let scale = 100;
  for (;;) {
    const d = b[j] - 48;
    if (!(d >= 0 && d <= 9)) break;
    ms += d * scale;
    scale /= 10;
    j++;
  }
  stampEnd.at = j;
  return Math.floor(ms);
}

/** Whether `b` has a three-letter month name and a space at `i` (monthAt(…) >= 0 and the space). */
export function isBsdStampAt(b: Uint8Array, i: number): boolean {
  return monthOf(b[i], b[i + 1], b[i + 2]) >= 0 && b[i + 3] === 32;
}

/**
 * The minute of the last 15-character BSD stamp read from bytes (`Mmm dd HH:MM` as three words) and
 * the epoch ms of its second 0, for the context it was read in: the next stamps of that minute are
 * that plus their seconds (most lines of a log share their minute with the line before).
 */
let minuteCtx: ParseContext | null = null;
let minuteKey0 = 0;
let minuteKey1 = 0;
let minuteKey2 = 0;
let minuteBase = NaN;

/**
 * Epoch ms of second 0 of a minute such that second s of it (no fraction) is that plus s × 1000 for
 * every s in 0-59, exactly as bsdStampTime computes it; NaN when that does not hold or is not known
 * to: a zone other than the machine's or UTC (its offsets are looked up per hour), a year before
 * 1980 in the machine's zone (see localWallClockToEpoch), or the reference time plus a day (where
 * the year changes) inside the minute.
 */
function bsdMinuteBase(mo: number, day: number, minuteStart: number, ctx: ParseContext): number {
  const tz = ctx.timeZone;
  if (tz !== '' && tz !== 'UTC' && tz !== 'Etc/UTC') return NaN;
  let year = ctx.year;
  let base: number;
  if (year < 0) {
    year = referenceYear(ctx.referenceTime);
    base = wallClockToEpoch(year, mo, day, minuteStart, 0, tz);
    const limit = ctx.referenceTime + DAY_MS;
    if (base > limit) {
      year--;
      base = wallClockToEpoch(year, mo, day, minuteStart, 0, tz);
    } else if (!(base + 59_000 <= limit)) {
      return NaN;
    }
  } else {
    base = wallClockToEpoch(year, mo, day, minuteStart, 0, tz);
  }
  if (tz === '' && !(year >= 1980 && year <= 9999)) return NaN;
  return base;
}

/**
 * readBsdStamp over bytes (`v` is a DataView of the same bytes): epoch ms or NaN, stampEnd.at past
 * the stamp.
 */
export function readBsdStampBytes(b: Uint8Array, v: DataView, i: number, ctx: ParseContext): number {
  if (
    ctx === minuteCtx &&
    b[i + 12] === 58 &&
    v.getInt32(i, true) === minuteKey0 &&
    v.getInt32(i + 4, true) === minuteKey1 &&
    v.getInt32(i + 8, true) === minuteKey2 &&
    b[i + 15] !== 46
  ) {
    const s = digit2(b[i + 13], b[i + 14]);
    if (s >= 0 && s <= 59) {
      stampEnd.at = i + 15;
      return minuteBase + s * 1000;
    }
  }
  const mo = monthOf(b[i], b[i + 1], b[i + 2]);
  if (mo < 0 || b[i + 3] !== 32) return NaN;
  let j = i + 4;
  if (b[j] === 32) j++;
  let day = b[j] - 48;
  if (!(day >= 0 && day <= 9)) return NaN;
  j++;
  const d2 = b[j] - 48;
  if (d2 >= 0 && d2 <= 9) {
    day = day * 10 + d2;
    j++;
  }
  if (day < 1 || day > 31 || b[j] !== 32) return NaN;
  const sec = clockAtBytes(b, j + 1);
  if (sec < 0) return NaN;
  const ms = fractionAtBytes(b, j + 9);
  const end = stampEnd.at;
  const t = bsdStampTime(mo, day, sec, ms, ctx);
  stampEnd.at = end;
  if (j === i + 6 && end === i + 15) {
    // `Mmm dd HH:MM:SS` without a fraction: remember its minute.
    const s = digit2(b[i + 13], b[i + 14]);
    const base = s <= 59 ? bsdMinuteBase(mo, day, sec - s, ctx) : NaN;
    if (base === base) {
      minuteCtx = ctx;
      minuteKey0 = v.getInt32(i, true);
      minuteKey1 = v.getInt32(i + 4, true);
      minuteKey2 = v.getInt32(i + 8, true);
      minuteBase = base;
    } else {
      minuteCtx = null;
    }
  }
  return t;
}

/** isIsoDateAt over bytes. */
export function isIsoDateAtBytes(b: Uint8Array, i: number): boolean {
  const c = b[i];
  return c >= 48 && c <= 57 && b[i + 4] === 45 && b[i + 7] === 45;
}

/** readIsoStamp over bytes: epoch ms or NaN, stampEnd.at past the stamp. */
export function readIsoStampBytes(b: Uint8Array, i: number, ctx: ParseContext): number {
  const hi = digit2(b[i], b[i + 1]);
  const lo = digit2(b[i + 2], b[i + 3]);
  const y = hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
  const mo = digit2(b[i + 5], b[i + 6]);
  const d = digit2(b[i + 8], b[i + 9]);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  if (b[i + 4] !== 45 || b[i + 7] !== 45) return NaN;
  const t = b[i + 10];
  if (t !== 84 && t !== 32) return NaN;
  const sec = clockAtBytes(b, i + 11);
  if (sec < 0) return NaN;
  const ms = fractionAtBytes(b, i + 19);
  const j = stampEnd.at;
  const z = b[j];
  if (z === 90) {
    stampEnd.at = j + 1;
    return utcEpoch(y, mo - 1, d, sec, ms);
  }
  if (z === 43 || z === 45) {
    const oh = digit2(b[j + 1], b[j + 2]);
    let om: number;
    let end: number;
    if (b[j + 3] === 58) {
      om = digit2(b[j + 4], b[j + 5]);
      end = j + 6;
    } else {
      om = digit2(b[j + 3], b[j + 4]);
      end = j + 5;
    }
    if (oh < 0 || om < 0) return NaN;
    stampEnd.at = end;
    const off = (oh * 60 + om) * 60_000 * (z === 43 ? 1 : -1);
    return utcEpoch(y, mo - 1, d, sec, ms) - off;
  }
  stampEnd.at = j;
  return wallClockToEpoch(y, mo - 1, d, sec, ms, ctx.timeZone);
}
