/**
 * The report formats, as a typed registry: `--format` choices come from its keys.
 * Each entry builds the report model it needs from the aggregate and renders it.
 */
import type { Aggregate } from '../aggregate.js';
import { buildReport } from '../report.js';
import { renderCsv, type CsvTable } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export interface RenderOptions {
  /** Rows per table; 0 = all. */
  top: number;
  table: CsvTable;
  color: boolean;
  /** Zone that stamps without offset were read in, and that the text report shows times in. */
  timeZone: string;
  /** Draw the timeline chart in the text report (decided once: stdout is a terminal). */
  chart?: boolean;
  /** The --since/--until window, epoch ms, when one was given. */
  window?: { since: number; until: number };
}

export type Reporter = (agg: Aggregate, o: RenderOptions) => string;

/** Ports listed per source in the reports. */
const SOURCE_TOP_PORTS = 5;

export const reporters = {
  text: (agg, o) =>
    renderText(
      // Ports are few: the text renderer ranks them itself (probes first, other traffic apart).
      buildReport(agg, { top: o.top, portTop: 0, sourceOrder: 'probes', sourceTopPorts: 3, timeZone: o.timeZone, window: o.window }),
      { top: o.top, color: o.color, timeZone: o.timeZone, chart: o.chart === true },
    ),
  csv: (agg, o) =>
    renderCsv(
      buildReport(agg, { top: o.top, portTop: o.top, sourceOrder: 'events', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone, window: o.window }),
      o.table,
    ),
  json: (agg, o) =>
    renderJson(
      buildReport(agg, { top: o.top, portTop: o.top, sourceOrder: 'events', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone, window: o.window }),
    ),
  markdown: (agg, o) =>
    renderMarkdown(
      buildReport(agg, { top: o.top, portTop: 0, sourceOrder: 'probes', sourceTopPorts: 3, timeZone: o.timeZone, window: o.window }),
      { top: o.top, timeZone: o.timeZone },
    ),
  html: (agg, o) =>
    renderHtml(
      buildReport(agg, { top: o.top, portTop: 0, sourceOrder: 'probes', sourceTopPorts: SOURCE_TOP_PORTS, timeZone: o.timeZone, window: o.window }),
      { top: o.top, timeZone: o.timeZone },
    ),
} satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;

export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];
