/**
 * The report formats, as a typed registry: `--format` choices come from its keys.
 * Each entry builds the report model it needs from the aggregate and renders it.
 */
import type { Aggregate } from '../aggregate.js';
import type { ClassifierOptions } from '../classify/options.js';
import { buildLazyReport, buildReport, type ReportOptions } from '../report.js';
import { renderCsvChunks, type CsvTable } from './csv.js';
import { renderJsonChunks } from './json.js';
import { renderText } from './text.js';

export interface RenderOptions {
  /** Rows per table; 0 = all. */
  top: number;
  table: CsvTable;
  color: boolean;
  /** Zone that stamps without offset were read in, and that the text report shows times in. */
  timeZone: string;
  /** Classifier settings (home net, thresholds); defaults when left out. */
  classifier?: Partial<ClassifierOptions>;
}

/**
 * A report as pieces of text, in order: the CLI writes them as they come (with backpressure), so
 * the JSON and CSV of a log with 150k sources never exist whole. `[...].join('')` for one string.
 */
export type Reporter = (agg: Aggregate, o: RenderOptions) => Iterable<string>;

/** Ports listed per source in the reports. */
const SOURCE_TOP_PORTS = 5;

/** The JSON and CSV contract: every row (or `--top`), ranked by events, registry filled. */
function contractOptions(o: RenderOptions): ReportOptions {
  return { top: o.top, portTop: o.top, sourceOrder: 'events', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone, classifier: o.classifier };
}

export const reporters = {
  text: (agg, o) => [
    renderText(
      // The text renderer ranks the ports itself (probes, other traffic, attention): it gets only those it may show.
      buildReport(agg, {
        top: o.top,
        portTop: 0,
        sourceOrder: 'probes',
        sourceTopPorts: 3,
        timeZone: o.timeZone,
        classifier: o.classifier,
        portSelection: 'text',
        portRegistry: false,
      }),
      { top: o.top, color: o.color, timeZone: o.timeZone },
    ),
  ],
  csv: (agg, o) => renderCsvChunks(buildLazyReport(agg, contractOptions(o)), o.table),
  json: (agg, o) => renderJsonChunks(buildLazyReport(agg, contractOptions(o))),
} satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;

export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];
