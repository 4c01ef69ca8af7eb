/**
 * `--since` / `--until`: ISO dates and times, `today`, `yesterday`, `now`, and durations (`90s`, `30m`,
 * `24h`, `7d`, `2w`) measured back from an anchor: the newest event of the inputs, or now with
 * `--relative-to now`. Parsed once with date-fns (never per line); the core only compares numbers.
 *
 * A window is half-open, `since <= t < until`, so `--since yesterday --until today` is exactly
 * yesterday and consecutive windows never count an event twice.
 */
// Per-function entry points: the package root loads every date-fns module (about 20 MB of RSS).
import { isValid } from 'date-fns/isValid';
import { milliseconds } from 'date-fns/milliseconds';
import { parseISO } from 'date-fns/parseISO';
import { wallClockToEpoch } from './stamps.js';

export type TimeBound =
  | { kind: 'absolute'; time: number; text: string }
  /** `ms` before the anchor. */
  | { kind: 'relative'; ms: number; text: string };

const DURATION = /^(\d+)\s*(s|m|min|h|d|w)$/;
const UNIT: Record<string, keyof Duration> = { s: 'seconds', m: 'minutes', min: 'minutes', h: 'hours', d: 'days', w: 'weeks' };
const HAS_OFFSET = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;

type Duration = { seconds?: number; minutes?: number; hours?: number; days?: number; weeks?: number };

/** Midnight of the day `days` before the day of `now` (negative: after), in zone `tz` ('' = the machine's). */
export function startOfDayIn(now: number, days: number, tz: string): number {
  let y: number;
  let mo: number;
  let d: number;
  if (tz === '') {
    const t = new Date(now);
    [y, mo, d] = [t.getFullYear(), t.getMonth(), t.getDate()];
  } else {
    const p: Record<string, number> = {};
    for (const part of new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(now)) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    [y, mo, d] = [p.year, p.month - 1, p.day];
  }
  // Date.UTC normalises day 0 / negative days into the previous month.
  const day = new Date(Date.UTC(y, mo, d - days));
  return wallClockToEpoch(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 0, 0, tz);
}

/**
 * Read one bound, or null when the text is none of the accepted forms (the caller names the flag).
 * `tz` is the zone of dates without an offset and of `today`/`yesterday` ('' = the machine's).
 */
export function parseTimeBound(text: string, now: number, tz: string): TimeBound | null {
  const s = text.trim();
  switch (s.toLowerCase()) {
    case 'now':
      return { kind: 'absolute', time: now, text: s };
    case 'today':
      return { kind: 'absolute', time: startOfDayIn(now, 0, tz), text: s };
    case 'yesterday':
      return { kind: 'absolute', time: startOfDayIn(now, 1, tz), text: s };
  }
  const m = DURATION.exec(s);
  if (m !== null) return { kind: 'relative', ms: milliseconds({ [UNIT[m[2]]]: Number(m[1]) }), text: s };
  if (!/^\d{4}-\d\d-\d\d/.test(s)) return null;
  const d = parseISO(s);
  if (!isValid(d)) return null;
  if (HAS_OFFSET.test(s) || tz === '') return { kind: 'absolute', time: d.getTime(), text: s };
  // parseISO read the wall-clock time in the machine's zone; read the same wall clock in --tz.
  const secOfDay = d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
  return { kind: 'absolute', time: wallClockToEpoch(d.getFullYear(), d.getMonth(), d.getDate(), secOfDay, d.getMilliseconds(), tz), text: s };
}

export interface ResolvedWindow {
  since: number;
  until: number;
}

/** Epoch-ms bounds; a relative bound counts back from `anchor` (NaN anchor: no event, empty window). */
export function resolveWindow(since: TimeBound | null, until: TimeBound | null, anchor: number): ResolvedWindow {
  const at = (b: TimeBound | null, open: number): number =>
    b === null ? open : b.kind === 'absolute' ? b.time : anchor - b.ms;
  return { since: at(since, -Infinity), until: at(until, Infinity) };
}

export function needsAnchor(...bounds: (TimeBound | null)[]): boolean {
  return bounds.some((b) => b !== null && b.kind === 'relative');
}
