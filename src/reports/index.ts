/**
 * The report formats, as a typed registry: `--format` choices come from its keys.
 * Each entry builds the report model it needs from the aggregate and renders it.
 */
import type { Aggregate } from '../aggregate.js';
import type { ClassifierOptions } from '../classify/options.js';
import { buildLazyReport, buildReport, type ReportOptions } from '../report.js';
import { renderCsvChunks, type CsvTable } from './csv.js';
import { renderHtml } from './html.js';
import { renderJsonChunks } from './json.js';
import { renderMarkdown } from './markdown.js';
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
  /** Draw the timeline chart in the text report (decided once: stdout is a terminal). */
  chart?: boolean;
  /** The --since/--until window, epoch ms, when one was given. */
  window?: { since: number; until: number };
}

/**
 * A report as pieces of text, in order: the CLI writes them as they come (with backpressure), so
 * the JSON and CSV of a log with 150k sources never exist whole. `[...].join('')` for one string.
 */
export type Reporter = (agg: Aggregate, o: RenderOptions) => Iterable<string>;

/** Ports listed per source in the reports. */
const SOURCE_TOP_PORTS = 5;

function forPeople(o: RenderOptions, sourceTopPorts: number): ReportOptions {
  return {
    top: o.top,
    portTop: 0,
    sourceOrder: 'probes',
    sourceTopPorts,
    timeZone: o.timeZone,
    classifier: o.classifier,
    portSelection: 'text',
    portRegistry: false,
    window: o.window,
  };
}

/** The JSON and CSV contract: every row (or `--top`), ranked by events, registry filled. */
function contractOptions(o: RenderOptions): ReportOptions {
  return {
    top: o.top,
    portTop: o.top,
    sourceOrder: 'events',
    sourceTopPorts: SOURCE_TOP_PORTS,
    timeZone: o.timeZone,
    classifier: o.classifier,
    window: o.window,
  };
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
        window: o.window,
      }),
      { top: o.top, color: o.color, timeZone: o.timeZone, chart: o.chart === true },
    ),
  ],
  csv: (agg, o) => renderCsvChunks(buildLazyReport(agg, contractOptions(o)), o.table),
  json: (agg, o) => renderJsonChunks(buildLazyReport(agg, contractOptions(o))),
  // For people, like text: only the ports they can show, registry notes looked up per shown row.
  markdown: (agg, o) => [renderMarkdown(buildReport(agg, forPeople(o, 3)), { top: o.top, timeZone: o.timeZone })],
  html: (agg, o) => [renderHtml(buildReport(agg, forPeople(o, SOURCE_TOP_PORTS)), { top: o.top, timeZone: o.timeZone })],
} satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;

export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];
