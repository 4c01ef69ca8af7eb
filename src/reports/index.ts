/**
 * The report formats, as a typed registry: `--format` choices come from its keys.
 * Each entry builds the report model it needs from the aggregate and renders it.
 */
import type { Aggregate } from '../aggregate.js';
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
}

export type Reporter = (agg: Aggregate, o: RenderOptions) => string;

/** Ports listed per source in the reports. */
const SOURCE_TOP_PORTS = 5;

export const reporters = {
  text: (agg, o) =>
    renderText(
      // Ports are few: the text renderer ranks them itself (probes first, other traffic apart).
      buildReport(agg, { top: o.top, portTop: 0, sourceOrder: 'probes', sourceTopPorts: 3, timeZone: o.timeZone }),
      { top: o.top, color: o.color, timeZone: o.timeZone },
    ),
  csv: (agg, o) =>
    renderCsv(
      buildReport(agg, { top: o.top, portTop: o.top, sourceOrder: 'events', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone }),
      o.table,
    ),
  json: (agg, o) =>
    renderJson(
      buildReport(agg, { top: o.top, portTop: o.top, sourceOrder: 'events', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone }),
    ),
} satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;

export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];
