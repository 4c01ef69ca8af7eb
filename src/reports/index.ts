/**
 * The report formats, as a typed registry: `--format` choices come from its keys.
 * Each entry builds the report model it needs from the aggregate and renders it.
 */
import type { Aggregate } from '../aggregate.js';
import type { ClassifierOptions } from '../classify/options.js';
import { buildReport } from '../report.js';
import { renderCsv, type CsvTable } from './csv.js';
import { renderJson } from './json.js';
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

export type Reporter = (agg: Aggregate, o: RenderOptions) => string;

/** Ports listed per source in the reports. */
const SOURCE_TOP_PORTS = 5;

export const reporters = {
  text: (agg, o) =>
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
  csv: (agg, o) =>
    renderCsv(
      buildReport(agg, { top: o.top, portTop: o.top, sourceOrder: 'events', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone, classifier: o.classifier }),
      o.table,
    ),
  json: (agg, o) =>
    renderJson(
      buildReport(agg, { top: o.top, portTop: o.top, sourceOrder: 'events', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone, classifier: o.classifier }),
    ),
} satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;

export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];
