import { Readable } from 'node:stream';
import type { Aggregate } from '../../src/aggregate.js';
import { buildReport } from '../../src/report.js';

/** The whole aggregate as comparable data (every row, fixed zone). */
export function snapshot(agg: Aggregate): unknown {
  return buildReport(agg, { top: 0, portTop: 0, sourceOrder: 'events', sourceTopPorts: 1000, timeZone: 'UTC' });
}

/** A byte stream that delivers `data` in the given chunk sizes (cycled). */
export function chunked(data: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]);
    chunks.push(data.subarray(at, at + n));
    at += n;
  }
  return Readable.from(chunks, { objectMode: false });
}

/** Deterministic pseudo-random chunk sizes (mulberry32), so a failure can be replayed. */
export function randomSizes(seed: number, count: number, max: number): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push((((t ^ (t >>> 14)) >>> 0) % max) + 1);
  }
  return out;
}
