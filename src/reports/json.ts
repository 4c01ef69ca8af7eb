import type { LazyReport, Report } from '../report.js';

/** The JSON contract: the report model as is, two-space indented, one trailing newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The same bytes as `renderJson`, in pieces: the top-level fields one by one, the row lists a
 * few hundred rows at a time, so a report of 240k rows never exists as one string (nor as one
 * array when the rows come from a LazyReport). Any field that is iterable is written as an array.
 * Strings inside JSON text never hold a raw newline, so re-indenting a field is a plain replace.
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

/**
 * Rows stringified at a time. Each batch goes through one JSON.stringify inside a wrapper object,
 * so its rows come out already indented for their place in the report: re-indenting every row
 * with a replace cost ~1 s of ~19 on a report with 240k rows.
 */
const JSON_BATCH = 256;
const WRAP_OPEN = '{\n  "k": [\n'.length;
const WRAP_CLOSE = '\n  ]\n}'.length;

function* arrayChunks(rows: Iterable<unknown>): Generator<string> {
  let batch: unknown[] = [];
  let sep = '[\n';
  const text = () => {
    const wrapped = JSON.stringify({ k: batch }, null, 2);
    const out = sep + wrapped.slice(WRAP_OPEN, wrapped.length - WRAP_CLOSE);
    sep = ',\n';
    batch = [];
    return out;
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length === JSON_BATCH) yield text();
  }
  if (batch.length > 0) yield text();
  yield sep === '[\n' ? '[]' : '\n  ]';
}

function indent(json: string, newline: string): string {
  return json.indexOf('\n') < 0 ? json : json.replace(/\n/g, newline);
}
