/**
 * The reference oracle's per-file counts (`*.expected.json` in ../shared/corpus), and the same
 * counts computed from one parser's results, for the per-parser corpus tests.
 */
import { readFileSync } from 'node:fs';
import { protoName } from '../../src/net/protocols.js';
import { isEvent, newParseContext, type ParseResult, type Parser } from '../../src/types.js';

export interface OracleSummary {
  events: number;
  by_protocol_dst_port: Record<string, number>;
  by_src_ip: Record<string, number>;
  by_direction: Record<string, number>;
  events_by_variant: Record<string, number>;
}

/** The lines of a file as a line splitter gives them (a final newline ends the last line). */
export function linesOf(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Counts in the oracle's shape from parse results. */
export function summarize(results: readonly ParseResult[]): OracleSummary {
  const s: OracleSummary = { events: 0, by_protocol_dst_port: {}, by_src_ip: {}, by_direction: {}, events_by_variant: {} };
  const add = (m: Record<string, number>, k: string): void => {
    m[k] = (m[k] ?? 0) + 1;
  };
  for (const r of results) {
    if (!isEvent(r)) continue;
    s.events++;
    add(s.by_protocol_dst_port, `${protoName(r.proto)}/${r.dstPort >= 0 ? r.dstPort : '-'}`);
    add(s.by_src_ip, r.src);
    add(s.by_direction, r.direction);
    add(s.events_by_variant, `${r.family}:${r.variant}`);
  }
  return s;
}

/** Every line of a file through one parser, with one context for the file (as the core does). */
export function parseFileWith(parser: Parser, path: string, ctx = newParseContext({ referenceTime: Date.UTC(2026, 0, 1), timeZone: 'UTC' })): ParseResult[] {
  return linesOf(path).map((line) => (parser.sniff(line) ? parser.parse(line, ctx) : null));
}
