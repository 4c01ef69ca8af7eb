import type { Report } from '../report.js';

/** The JSON contract: the report model as is, two-space indented, one trailing newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
