/**
 * The library: the same engine the CLI uses.
 *
 *   import { analyzeLines, analyzeFiles, buildReport, renderText, renderJson, renderCsv } from 'portscan-report';
 *   import { buildLazyReport, renderJsonChunks } from 'portscan-report';  // rows made and written one at a time
 *   import { classify, CidrSet } from 'portscan-report';   // classes, scans, verdicts without a report
 */
import { Analyzer, type AnalyzeOptions } from './core.js';
import type { Aggregate } from './aggregate.js';
import { openSource, readSource } from './stream.js';
import { stopParseWorkers } from './ingest/parallel.js';
import type { Readable } from 'node:stream';

export { Analyzer, LineInput, INPUT_FORMATS, type AnalyzeOptions, type InputFormat } from './core.js';
export { Aggregate, PortStats, SourceStats, isProbe, isInbound, portKey } from './aggregate.js';
export {
  buildReport,
  buildTimeline,
  buildLazyReport,
  collectReport,
  SCHEMA_VERSION,
  type Report,
  type LazyReport,
  type ReportOptions,
  type PortRow,
  type SourceRow,
  type ScanRow,
  type PortRegistry,
  type PortVerdictRow,
  type ReportSummary,
  type TimelineReport,
} from './report.js';
export { renderMarkdown } from './reports/markdown.js';
export { renderHtml } from './reports/html.js';
export { parseTimeBound, resolveWindow, type TimeBound } from './time/window.js';
export { newestEventTime } from './time/newest.js';
export { planReads, type FileCursor, type PlannedRead } from './state/cursor.js';
export { loadState, saveState, type RunState } from './state/state-file.js';
export { parseAlertConditions, evaluateAlerts, type AlertCondition } from './alerts.js';
export {
  classify,
  Classification,
  SOURCE_CLASSES,
  type SourceClass,
  type PortVerdict,
  type Reason,
  type ScanFinding,
  type ScanKind,
} from './classify/classify.js';
export { DEFAULT_CLASSIFIER_OPTIONS, normalizeClassifierOptions, type ClassifierOptions } from './classify/options.js';
export { CidrSet, CidrError, type CidrErrorCode } from './classify/cidr.js';
export { renderText, type TextOptions } from './reports/text.js';
export { renderCsv, renderCsvChunks, type CsvTable } from './reports/csv.js';
export { renderJson, renderJsonChunks } from './reports/json.js';
export { reporters, REPORT_FORMATS, type ReportFormat } from './reports/index.js';
export { ReportError, type ErrorCode } from './errors.js';
export type { PacketEvent, RejectReason, Family, Action, Direction, Parser, ParseContext } from './types.js';
export { parsers } from '../parsers/index.js';
export { main } from './cli/main.js';

/** Analyse lines from any iterable (one input). */
export function analyzeLines(lines: Iterable<string>, options: Partial<AnalyzeOptions> = {}, name = '(lines)'): Aggregate {
  const analyzer = new Analyzer(options);
  const input = analyzer.openInput(name);
  for (const line of lines) input.push(line);
  return analyzer.aggregate;
}

/** Analyse a byte stream (gzip recognised by magic bytes). */
export async function analyzeStream(stream: Readable, options: Partial<AnalyzeOptions> = {}): Promise<Aggregate> {
  const analyzer = new Analyzer(options);
  try {
    await readSource({ name: '(stream)', stream, referenceTime: Date.now() }, analyzer);
  } finally {
    await stopParseWorkers();
  }
  return analyzer.aggregate;
}

/** Analyse files (`-` is standard input). Rejects with a ReportError naming the file. */
export async function analyzeFiles(paths: string[], options: Partial<AnalyzeOptions> = {}, stdin: Readable = process.stdin): Promise<Aggregate> {
  const analyzer = new Analyzer(options);
  try {
    for (const p of paths) await readSource(await openSource(p, stdin), analyzer);
  } finally {
    await stopParseWorkers();
  }
  return analyzer.aggregate;
}
