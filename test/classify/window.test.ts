/** Sliding windows over times (src/classify/window.ts) against a brute-force count. */
import { densestWindow, densestWindowOf, span } from '../../src/classify/window.js';
import { rng } from '../helpers/rng.js';

/** Most times within [t, t + ms] over every known t, and the first such window's ends. */
function bruteForce(times: number[], ms: number): { count: number; from: number; to: number } {
  const known = times.filter((t) => t === t).sort((a, b) => a - b);
  let best = { count: 0, from: NaN, to: NaN };
  for (const t of known) {
    const inside = known.filter((u) => u >= t && u <= t + ms);
    if (inside.length > best.count) best = { count: inside.length, from: inside[0], to: inside[inside.length - 1] };
  }
  return best;
}

test('densestWindow and densestWindowOf give the brute-force window on 500 random sets, NaNs among them', () => {
  const r = rng(7);
  let multi = 0;
  for (let k = 0; k < 500; k++) {
    const n = Math.floor(r() * 40);
    const times = Array.from({ length: n }, () => (r() < 0.1 ? NaN : Math.floor(r() * 3_600_000)));
    const ms = Math.floor(r() * 600_000);
    const want = bruteForce(times, ms);
    expect(densestWindow(times, ms)).toEqual(want);
    const typed = Float64Array.from(times);
    expect(densestWindowOf(typed, ms)).toEqual(want);
    const known = times.filter((t) => t === t);
    expect(span(typed)).toBe(known.length === 0 ? NaN : Math.max(...known) - Math.min(...known));
    if (want.count > 1) multi++;
  }
  // Not only empty or single-item windows.
  expect(multi).toBeGreaterThan(300);
});

test('times exactly ms apart are inside one window; all-NaN gives none', () => {
  expect(densestWindow([0, 300_000, 300_001], 300_000)).toEqual({ count: 2, from: 0, to: 300_000 });
  expect(densestWindow([NaN, NaN], 1000)).toEqual({ count: 0, from: NaN, to: NaN });
  expect(span([NaN])).toBeNaN();
});
