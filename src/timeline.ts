/**
 * Counts per hour, in total and per (protocol, port), for the timeline of the reports.
 *
 * Logs are written in time order, so one hour is "open" at a time: its per-port counts are a dense
 * Float64Array indexed by the aggregate's port index, and a packet costs one array update (no Map,
 * no object). When the hour changes, the open hour's cells are packed into two small typed arrays
 * (port indices, counts) and kept; an hour that is met again (several files, out of order) is
 * unpacked and merged, so the counts are exact in any order.
 *
 * Memory is bounded by distinct (port, hour) cells, not by lines. A log with tens of thousands of
 * ports over months could still grow many cells: past MAX_TIMELINE_CELLS the per-port cells of all
 * but the busiest ports are dropped and `portsPartial` is set (the totals stay exact). Reports only
 * chart the busiest few ports.
 */
export const HOUR_MS = 3_600_000;

/**
 * Per-port cells kept before the quiet ports are pruned. Measured on a generated week of 1 M
 * iptables lines (36,000 ports): 250,000 cells cost ~30 MB of peak RSS; the reports chart 5 ports.
 */
export const MAX_TIMELINE_CELLS = 60_000;

/** Ports whose cells survive a prune. */
const KEEP_PORTS_ON_PRUNE = 50;

/** One hour as the report reads it: totals, and events per port key. */
export class HourCounts {
  events = 0;
  probes = 0;
  /** Port key → events in this hour. */
  readonly ports = new Map<number, number>();
  constructor(readonly hour: number) {}
}

/** A closed hour: its cells packed. */
interface PackedHour {
  events: number;
  probes: number;
  index: Int32Array;
  count: Float64Array;
}

export class Timeline {
  /** Per-port cells kept (open hour included). */
  cells = 0;
  portsPartial = false;
  /** Next prune threshold: doubles when the busiest ports alone fill half of it (a year of hours). */
  private limit = MAX_TIMELINE_CELLS;
  private readonly closed = new Map<number, PackedHour>();
  /** The open hour (NaN: none), its totals, its counts by port index and the indices it touched. */
  private hour = NaN;
  private events = 0;
  private probes = 0;
  private counts = new Float64Array(1024);
  private touched: Int32Array = new Int32Array(256);
  private touchedCount = 0;
  /** Port key by port index. */
  private keys = new Float64Array(1024);
  /** For `add` by key only (tests, library users): port key → index. */
  private readonly indexOfKey = new Map<number, number>();
  private nextIndex = 0;

  /** Count n events on port `key` at `time` (epoch ms). */
  add(time: number, key: number, n: number, probe: boolean): void {
    let index = this.indexOfKey.get(key);
    if (index === undefined) {
      index = this.nextIndex++;
      this.indexOfKey.set(key, index);
    }
    this.addIndexed(time, index, key, n, probe);
  }

  /**
   * `add` for the aggregate, which already numbers its ports densely (`PortStats.index`): the
   * index is used as is (do not mix with `add` on one Timeline).
   */
  addIndexed(time: number, index: number, key: number, n: number, probe: boolean): void {
    const hour = Math.floor(time / HOUR_MS);
    if (hour !== this.hour) this.open(hour);
    this.events += n;
    if (probe) this.probes += n;
    if (index >= this.counts.length) this.growPorts(index);
    const prev = this.counts[index];
    if (prev === 0) {
      this.keys[index] = key;
      if (this.touchedCount === this.touched.length) this.touched = grownI32(this.touched, this.touched.length * 2);
      this.touched[this.touchedCount++] = index;
      this.counts[index] = n;
      if (++this.cells > this.limit) this.prune();
    } else {
      this.counts[index] = prev + n;
    }
  }

  /** Every hour with its totals and per-port counts (made on demand, for the report). */
  get hours(): Map<number, HourCounts> {
    return this.hourCounts(null);
  }

  /**
   * `hours`, with the counts of the ports in `keys` only (null: every port): a report charts a few
   * of the tens of thousands of cells a long log keeps.
   */
  hourCounts(keys: ReadonlySet<number> | null): Map<number, HourCounts> {
    const out = new Map<number, HourCounts>();
    const put = (hour: number, events: number, probes: number, each: (fn: (index: number, n: number) => void) => void) => {
      const h = new HourCounts(hour);
      h.events = events;
      h.probes = probes;
      each((index, n) => {
        const key = this.keys[index];
        if (keys === null || keys.has(key)) h.ports.set(key, n);
      });
      out.set(hour, h);
    };
    for (const [hour, p] of this.closed) {
      put(hour, p.events, p.probes, (fn) => {
        for (let i = 0; i < p.index.length; i++) fn(p.index[i], p.count[i]);
      });
    }
    if (this.hour === this.hour) {
      put(this.hour, this.events, this.probes, (fn) => {
        for (let i = 0; i < this.touchedCount; i++) fn(this.touched[i], this.counts[this.touched[i]]);
      });
    }
    return out;
  }

  /** Close the open hour (pack its cells) and open `hour` (unpacking it if it was met before). */
  private open(hour: number): void {
    if (this.hour === this.hour) {
      const n = this.touchedCount;
      const index = new Int32Array(n);
      const count = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = this.touched[i];
        index[i] = k;
        count[i] = this.counts[k];
        this.counts[k] = 0;
      }
      this.closed.set(this.hour, { events: this.events, probes: this.probes, index, count });
    }
    this.hour = hour;
    this.touchedCount = 0;
    const again = this.closed.get(hour);
    if (again === undefined) {
      this.events = 0;
      this.probes = 0;
      return;
    }
    this.closed.delete(hour);
    this.events = again.events;
    this.probes = again.probes;
    if (again.index.length > this.touched.length) this.touched = grownI32(this.touched, again.index.length * 2);
    for (let i = 0; i < again.index.length; i++) {
      const k = again.index[i];
      if (k >= this.counts.length) this.growPorts(k);
      this.counts[k] = again.count[i];
      this.touched[i] = k;
    }
    this.touchedCount = again.index.length;
  }

  private growPorts(index: number): void {
    const n = Math.max(index + 1, this.counts.length * 2);
    const counts = new Float64Array(n);
    counts.set(this.counts);
    this.counts = counts;
    const keys = new Float64Array(n);
    keys.set(this.keys);
    this.keys = keys;
  }

  /**
   * Drop the per-port cells of every port but the busiest (by timeline events so far). Typed arrays
   * indexed by port, no Map: a log spread over many ports and hours prunes again and again.
   */
  private prune(): void {
    const ports = this.counts.length;
    const totals = new Float64Array(ports);
    for (const p of this.closed.values()) for (let i = 0; i < p.index.length; i++) totals[p.index[i]] += p.count[i];
    for (let i = 0; i < this.touchedCount; i++) totals[this.touched[i]] += this.counts[this.touched[i]];
    const keep = new Uint8Array(ports);
    for (const k of busiest(totals, this.keys, KEEP_PORTS_ON_PRUNE)) keep[k] = 1;
    let cells = 0;
    for (const [hour, p] of this.closed) {
      let kept = 0;
      for (let i = 0; i < p.index.length; i++) kept += keep[p.index[i]];
      if (kept < p.index.length) {
        const index = new Int32Array(kept);
        const count = new Float64Array(kept);
        let w = 0;
        for (let i = 0; i < p.index.length; i++) {
          if (keep[p.index[i]] === 0) continue;
          index[w] = p.index[i];
          count[w++] = p.count[i];
        }
        this.closed.set(hour, { events: p.events, probes: p.probes, index, count });
      }
      cells += kept;
    }
    let w = 0;
    for (let i = 0; i < this.touchedCount; i++) {
      const k = this.touched[i];
      if (keep[k] === 1) this.touched[w++] = k;
      else this.counts[k] = 0;
    }
    this.touchedCount = w;
    cells += w;
    this.cells = cells;
    this.portsPartial = true;
    if (cells > this.limit / 2) this.limit *= 2;
  }
}

/** Indices of the `n` largest totals (ties: smaller port key first); ports with no total left out. */
function busiest(totals: Float64Array, keys: Float64Array, n: number): number[] {
  const top: number[] = [];
  const before = (a: number, b: number) => totals[a] > totals[b] || (totals[a] === totals[b] && keys[a] < keys[b]);
  for (let k = 0; k < totals.length; k++) {
    if (totals[k] === 0) continue;
    if (top.length === n && !before(k, top[n - 1])) continue;
    // Insert in order into the short list.
    let j = top.length < n ? top.length : n - 1;
    if (top.length < n) top.push(k);
    while (j > 0 && before(k, top[j - 1])) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = k;
  }
  return top;
}

function grownI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
