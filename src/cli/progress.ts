/**
 * The progress line on stderr: bytes read, lines per second, time left. Only for a terminal and
 * only for inputs worth waiting for (PROGRESS_MIN_BYTES); never on stdout. Redrawn at most every
 * REDRAW_MS from the per-chunk byte count, so it costs nothing per line.
 */
import type { Writable } from 'node:stream';
import { num } from '../reports/format.js';

export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;
const REDRAW_MS = 200;

export function wantProgress(stderrIsTTY: boolean, totalBytes: number): boolean {
  return stderrIsTTY && totalBytes >= PROGRESS_MIN_BYTES;
}

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The line for `bytes` of `total` read, `lines` so far, after `elapsedMs`. */
export function progressText(bytes: number, total: number, lines: number, elapsedMs: number): string {
  const secs = Math.max(elapsedMs / 1000, 0.001);
  const pct = total > 0 ? Math.min(100, Math.floor((bytes / total) * 100)) : 0;
  const eta = bytes > 0 ? ((total - bytes) / bytes) * secs : NaN;
  return `${formatBytes(bytes)} / ${formatBytes(total)} ${pct}%  ${num(Math.round(lines / secs))} lines/s  ETA ${Number.isNaN(eta) ? '-' : clock(eta)}`;
}

export class Progress {
  private bytes = 0;
  private readonly started = Date.now();
  private drawn = 0;
  constructor(
    private readonly out: Writable,
    private readonly total: number,
    private readonly lines: () => number,
  ) {}

  readonly add = (n: number): void => {
    this.bytes += n;
    const now = Date.now();
    if (now - this.drawn < REDRAW_MS) return;
    this.drawn = now;
    this.out.write(`\r${progressText(this.bytes, this.total, this.lines(), now - this.started)}\x1b[K`);
  };

  /** Erase the line, so what follows on stderr starts clean. */
  done(): void {
    if (this.drawn > 0) this.out.write('\r\x1b[K');
  }
}
