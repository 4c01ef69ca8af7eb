/**
 * The sync core: lines in, aggregate out. No streams here (src/stream.ts wraps this), so tests and
 * library users can feed lines from anywhere.
 *
 *   const analyzer = new Analyzer(normalizeOptions({}));
 *   const input = analyzer.openInput('ufw.log', mtime);
 *   for (const line of lines) input.push(line);
 *   const aggregate = analyzer.aggregate;
 */
import { Aggregate, MAX_REJECT_SAMPLES } from './aggregate.js';
import type { InputSummary } from './ingest/protocol.js';
import { LineSplitter } from './lines.js';
import type { CidrSet } from './classify/cidr.js';
import { newEvent, newParseContext, type PacketEvent, type ParseContext, type Parser, isEvent } from './types.js';
import { detectionOrder, parsers, type LineFormat } from '../parsers/index.js';
import { iptablesParser, loadRegion, parseIptablesBytes } from '../parsers/iptables.js';
import { REPEATED, repeatCount } from './syslog.js';

/** `auto`, a line format, or binary pflog (read from pcap files only). */
export type InputFormat = 'auto' | LineFormat | 'pflog';

export const INPUT_FORMATS: readonly InputFormat[] = ['auto', ...(Object.keys(parsers) as LineFormat[]), 'pflog'];

export interface AnalyzeOptions {
  inputFormat: InputFormat;
  /** IANA zone for stamps without an offset; '' = the machine's zone. */
  timeZone: string;
  /** Year for stamps without one; -1 = infer per input. */
  year: number;
  /** Events from these sources (`--ignore-src`, e.g. your monitoring hosts) are dropped and counted. */
  ignoreSrc: CidrSet | null;
  /** Events to these destinations (`--ignore-dst`) are dropped and counted. */
  ignoreDst: CidrSet | null;
  /**
   * Time window, epoch ms: events with `since <= time < until` are counted; the others (and events
   * without a time, when a window is set) only in `filteredEvents`. -Infinity / Infinity = open.
   */
  since: number;
  until: number;
  /**
   * Parse lines in a worker thread while this one aggregates (src/ingest/parallel.ts): `auto` for
   * inputs of 4 MiB and more on a machine with more than one core (the CLI's default), `always`
   * (tests), or `never` (the library's default: a thread in the caller's process is the caller's
   * choice). The aggregate is the same either way.
   */
  parseWorker: 'auto' | 'always' | 'never';
}

export function normalizeAnalyzeOptions(o: Partial<AnalyzeOptions> = {}): AnalyzeOptions {
  return {
    inputFormat: o.inputFormat ?? 'auto',
    timeZone: o.timeZone ?? '',
    year: o.year ?? -1,
    ignoreSrc: o.ignoreSrc != null && !o.ignoreSrc.isEmpty ? o.ignoreSrc : null,
    ignoreDst: o.ignoreDst != null && !o.ignoreDst.isEmpty ? o.ignoreDst : null,
    since: o.since ?? -Infinity,
    until: o.until ?? Infinity,
    parseWorker: o.parseWorker ?? 'never',
  };
}

/** The first few lines no parser recognised, kept to explain a run that found nothing. */
export interface UnrecognizedSample {
  input: string;
  lineNumber: number;
  text: string;
}

const MAX_UNRECOGNIZED_SAMPLES = 5;
const MAX_SAMPLE_TEXT = 200;

export class Analyzer {
  readonly aggregate = new Aggregate();
  readonly unrecognizedSamples: UnrecognizedSample[] = [];
  readonly options: AnalyzeOptions;
  /** Parsers tried for each line, most specific first. */
  readonly candidates: readonly Parser[];
  private readonly since: number;
  private readonly until: number;
  private readonly windowed: boolean;

  constructor(options: Partial<AnalyzeOptions> = {}) {
    this.options = normalizeAnalyzeOptions(options);
    const f = this.options.inputFormat;
    this.candidates = f === 'auto' || f === 'pflog' ? detectionOrder : [parsers[f]];
    this.since = this.options.since;
    this.until = this.options.until;
    this.windowed = this.since !== -Infinity || this.until !== Infinity;
  }

  /** Start a new input (a file or a stream). `referenceTime` anchors stamps without a year. */
  openInput(name: string, referenceTime: number = Date.now()): LineInput {
    const ctx = newParseContext({ referenceTime, year: this.options.year, timeZone: this.options.timeZone });
    return new LineInput(this, name, ctx);
  }

  /**
   * Count an event into the aggregate, unless it falls outside the --since/--until window or
   * `--ignore-src`/`--ignore-dst` drop it (each counted apart). Filtering happens here, before
   * aggregation, so what is left out costs no per-source memory. The window test comes first: it
   * is one comparison.
   */
  addEvent(ev: PacketEvent): void {
    const agg = this.aggregate;
    if (this.windowed) {
      const t = ev.time;
      // NaN fails both comparisons: an event without a time cannot be placed in a window.
      if (!(t >= this.since && t < this.until)) {
        agg.filteredEvents += ev.count;
        return;
      }
    }
    const { ignoreSrc, ignoreDst } = this.options;
    if (ignoreSrc !== null && ignoreSrc.has(ev.src)) {
      agg.ignoredBySource += ev.count;
      return;
    }
    if (ignoreDst !== null && ignoreDst.has(ev.dst)) {
      agg.ignoredByDestination += ev.count;
      return;
    }
    agg.addEvent(ev);
  }

  /**
   * Take in what a parse worker counted of one input besides its events (src/ingest/parallel.ts),
   * as a serial run would have counted it: samples are kept while there is room, reasons keep the
   * order they first occurred in.
   */
  absorb(s: InputSummary): void {
    const agg = this.aggregate;
    agg.ignoredLines += s.ignoredLines;
    agg.unrecognizedLines += s.unrecognizedLines;
    for (const sample of s.unrecognizedSamples) {
      if (this.unrecognizedSamples.length < MAX_UNRECOGNIZED_SAMPLES) this.unrecognizedSamples.push(sample);
    }
    for (const [reason, n] of s.rejected) agg.rejected.set(reason, (agg.rejected.get(reason) ?? 0) + n);
    for (const sample of s.rejectSamples) {
      if (agg.rejectSamples.length < MAX_REJECT_SAMPLES) agg.rejectSamples.push(sample);
    }
  }

  noteUnrecognized(input: string, lineNumber: number, text: string): void {
    this.aggregate.unrecognizedLines++;
    if (this.unrecognizedSamples.length < MAX_UNRECOGNIZED_SAMPLES) {
      const cut = text.length > MAX_SAMPLE_TEXT ? `${text.slice(0, MAX_SAMPLE_TEXT)}…` : text;
      this.unrecognizedSamples.push({ input, lineNumber, text: Buffer.from(cut).toString() });
    }
  }
}

/** One input's line feed. Per-input parser state (Windows `#Fields:`, the year) lives in `ctx`. */
export class LineInput {
  lineNumber = 0;
  /** The parser that read the previous firewall line: tried first, since inputs rarely mix. */
  private last: Parser | null = null;
  /** The previous event, for `last message repeated N times`. */
  private lastEvent: PacketEvent | null = null;
  /**
   * Two events parsers may fill instead of allocating one a line (`Parser.parse`'s `into`): a line
   * is parsed into the one that is not `lastEvent`, which stays intact for a repeat line. Nothing
   * downstream keeps an event past its line.
   */
  private readonly spareA = newEvent('iptables', '');
  private readonly spareB = newEvent('iptables', '');

  constructor(
    private readonly analyzer: Analyzer,
    readonly name: string,
    readonly ctx: ParseContext,
  ) {}

  /**
   * A LineSplitter that feeds this input (a line over MAX_LINE_LENGTH is a reject). ASCII lines go
   * to pushBytes first, and are decoded only when it declines them.
   */
  splitter(): LineSplitter {
    const agg = this.analyzer.aggregate;
    return new LineSplitter(
      (line) => this.push(line),
      () => {
        this.lineNumber++;
        agg.lines++;
        agg.addReject('line-too-long', this.name, this.lineNumber, '(line longer than 1 MiB skipped)');
      },
      undefined,
      (bytes, start, end) => this.pushBytes(bytes, start, end),
      loadRegion,
    );
  }

  /**
   * The line bytes[start, end) (ASCII), read without making a string of it, when it is what
   * `push` would hand the iptables parser and of the common netfilter shape (parseIptablesBytes).
   * Returns false, having counted nothing, for any other line: the caller then decodes it for
   * `push`. The two paths give the same result (test/core/byte-path.test.ts).
   */
  pushBytes(bytes: Buffer, start: number, end: number): boolean {
    // push tries the parser of the previous firewall line first, else the candidates in order.
    if ((this.last ?? this.analyzer.candidates[0]) !== iptablesParser) return false;
    // trimLine's reading: a CR, NULs, spaces and tabs at the end; NULs and spaces at the start.
    while (end > start) {
      const c = bytes[end - 1];
      if (c !== 13 && c !== 0 && c !== 32 && c !== 9) break;
      end--;
    }
    while (start < end && (bytes[start] === 0 || bytes[start] === 32)) start++;
    if (start === end) return false;
    let ev: PacketEvent | undefined;
    try {
      ev = parseIptablesBytes(bytes, start, end, this.ctx, this.lastEvent === this.spareA ? this.spareB : this.spareA);
    } catch {
      ev = undefined;
    }
    if (ev === undefined) return false;
    this.analyzer.aggregate.lines++;
    this.lineNumber++;
    this.last = iptablesParser;
    this.analyzer.addEvent(ev);
    this.lastEvent = ev;
    return true;
  }

  push(raw: string): void {
    const agg = this.analyzer.aggregate;
    agg.lines++;
    this.lineNumber++;
    const line = trimLine(raw);
    if (line.length === 0) {
      agg.ignoredLines++;
      return;
    }
    const repeat = repeatCount(line);
    if (repeat > 0) {
      this.pushRepeat(line, repeat);
      return;
    }

    let parser: Parser | null = null;
    if (this.last !== null && this.last.sniff(line)) {
      parser = this.last;
    } else {
      for (const p of this.analyzer.candidates) {
        if (p.sniff(line)) {
          parser = p;
          break;
        }
      }
    }
    if (parser === null) {
      this.lastEvent = null;
      this.analyzer.noteUnrecognized(this.name, this.lineNumber, line);
      return;
    }
    this.last = parser;
    let result;
    try {
      result = parser.parse(line, this.ctx, this.lastEvent === this.spareA ? this.spareB : this.spareA);
    } catch {
      // Parsers are total; this is a bug, but one bad line must not end a multi-gigabyte run.
      result = 'malformed' as const;
    }
    if (isEvent(result)) {
      this.analyzer.addEvent(result);
      this.lastEvent = result;
    } else if (result === null) {
      agg.ignoredLines++;
    } else {
      this.lastEvent = null;
      agg.addReject(result, this.name, this.lineNumber, line);
    }
  }

  /**
   * `last message repeated N times` (BSD syslogd, old rsyslog): the previous message N more times.
   * `message repeated N times: [ msg ]` (rsyslog): `msg` N times, read with the outer line's header.
   * A repetition of a line that was no event is nothing we count.
   */
  private pushRepeat(line: string, n: number): void {
    const agg = this.analyzer.aggregate;
    let ev: PacketEvent | null = this.lastEvent;
    const open = line.indexOf(': [', line.indexOf(REPEATED));
    const close = line.lastIndexOf(']');
    if (open >= 0 && close > open) {
      ev = null;
      const inner = `${line.slice(0, line.indexOf(REPEATED))}${line.slice(open + 3, close).trim()}`;
      for (const p of this.analyzer.candidates) {
        if (!p.sniff(inner)) continue;
        const r = p.parse(inner, this.ctx);
        if (isEvent(r)) ev = r;
        break;
      }
    }
    if (ev === null) {
      agg.ignoredLines++;
      return;
    }
    this.analyzer.addEvent({ ...ev, count: n });
  }
}

/** Strip a CR left by CRLF files and NUL padding (Windows pads pfirewall.log with NULs). */
function trimLine(s: string): string {
  let end = s.length;
  let start = 0;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 13 && c !== 0 && c !== 32 && c !== 9) break;
    end--;
  }
  while (start < end && (s.charCodeAt(start) === 0 || s.charCodeAt(start) === 32)) start++;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

