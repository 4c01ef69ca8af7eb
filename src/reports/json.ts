import type { LazyReport, Report } from '../report.js';

/** The JSON contract: the report model as is, two-space indented, one trailing newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The same bytes as `renderJson`, in pieces: the top-level fields one by one, and the row lists
 * one row at a time, so a report of 240k rows never exists as one string (nor as one array when
 * the rows come from a LazyReport). Any field that is iterable is written as a JSON array.
 * Strings inside JSON text never hold a raw newline, so re-indenting a row is a plain replace.
 */
export function* renderJsonChunks(report: Report | LazyReport): Generator<string> {
  let sep = '{\n  ';
  for (const [key, value] of Object.entries(report)) {
    if (value === undefined) continue;
    yield `${sep}${JSON.stringify(key)}: `;
    sep = ',\n  ';
    if (typeof value === 'object' && value !== null && Symbol.iterator in value) yield* arrayChunks(value as Iterable<unknown>);
    else yield indent(JSON.stringify(value, null, 2), '\n  ');
  }
  yield sep === '{\n  ' ? '{}\n' : '\n}\n';
}

function* arrayChunks(rows: Iterable<unknown>): Generator<string> {
  let sep = '[\n    ';
  for (const row of rows) {
    yield sep + indent(JSON.stringify(row, null, 2) ?? 'null', '\n    ');
    sep = ',\n    ';
  }
  yield sep === '[\n    ' ? '[]' : '\n  ]';
}

function indent(json: string, newline: string): string {
  return json.indexOf('\n') < 0 ? json : json.replace(/\n/g, newline);
}
