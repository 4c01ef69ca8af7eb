/** Sliding-window counts over sorted times: "15 ports within 5 minutes". */

export interface Densest {
  /** Most items inside any window of the given width. */
  count: number;
  /** Time of the first and last item of that window (NaN when there are none). */
  from: number;
  to: number;
}

/**
 * The densest window of width `ms` over `times` (NaN times are left out). Two pointers: O(n log n)
 * for the sort, O(n) after. A window [t, t + ms] includes both ends, so items exactly `ms` apart are
 * inside (Zeek counts over an epoch of `interval`; "within 5 min" reads as ≤).
 */
export function densestWindow(times: readonly number[], ms: number): Densest {
  return densestWindowOf(Float64Array.from(times), ms);
}

/** densestWindow over a typed array, which it sorts in place (no copy: hostsOf's scratch). */
export function densestWindowOf(ts: Float64Array, ms: number): Densest {
  // A typed array sorts by number, NaNs last.
  ts.sort();
  let n = ts.length;
  while (n > 0 && ts[n - 1] !== ts[n - 1]) n--;
  // The best window's ends as indices, one object at the end: an object per improvement was 13 MB
  // of garbage in one report of the 1 M-line bench (this runs for every host a scanner touched).
  let bestCount = 0;
  let bestLo = 0;
  let bestHi = 0;
  let lo = 0;
  for (let hi = 0; hi < n; hi++) {
    while (ts[hi] - ts[lo] > ms) lo++;
    const count = hi - lo + 1;
    if (count > bestCount) {
      bestCount = count;
      bestLo = lo;
      bestHi = hi;
    }
  }
  return bestCount === 0 ? { count: 0, from: NaN, to: NaN } : { count: bestCount, from: ts[bestLo], to: ts[bestHi] };
}

/** Span between the earliest and latest known time (NaN when fewer than one is known). */
export function span(times: ArrayLike<number>): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (t !== t) continue;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return min === Infinity ? NaN : max - min;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** Calendar day of a time in zone `tz` ('' = UTC), as a comparable string (`2024-05-29`). */
export function calendarDay(t: number, tz: string): string {
  if (t !== t) return '';
  if (tz === '' || tz === 'UTC') return new Date(t).toISOString().slice(0, 10);
  let f = dayFormatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(tz, f);
  }
  return f.format(new Date(t));
}

/** Calendar days from `first` to `last` inclusive, counted in zone `tz` (0 when a time is unknown). */
export function daysSpanned(first: number, last: number, tz: string): number {
  if (first !== first || last !== last) return 0;
  if (tz === '' || tz === 'UTC') return Math.floor(last / 86_400_000) - Math.floor(first / 86_400_000) + 1;
  const a = Date.parse(`${calendarDay(first, tz)}T00:00:00Z`);
  const b = Date.parse(`${calendarDay(last, tz)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000) + 1;
}

/** "4 min 10 s", "2 h 5 min", "3 days": a duration for a sentence. */
export function durationText(ms: number): string {
  if (ms !== ms) return 'an unknown time';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.round(h / 24);
  return `${d} days`;
}
