/**
 * CSV: one table per run (`--table ports|sources`), a header row, every row (or `--top`).
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are escaped with a
 * leading quote by csv-stringify's `escape_formulas`: a log line must never become a formula.
 */
import { stringify } from 'csv-stringify/sync';
import type { LazyReport, PortRow, Report, SourceRow } from '../report.js';

export const CSV_TABLES = ['ports', 'sources'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

const SOURCE_COLUMNS = ['address', 'events', 'probes', 'ports', 'destinations', 'first_seen', 'last_seen', 'top_ports', 'class', 'severity'];

const PORT_COLUMNS = [
  'proto',
  'port',
  'service',
  'events',
  'probes',
  'blocked',
  'allowed',
  'audit',
  'unknown_action',
  'sources',
  'probe_sources',
  'destinations',
  'first_seen',
  'last_seen',
  'name',
  'status',
  'verdict',
];

function sourceCells(s: SourceRow): unknown[] {
  return [
    s.address,
    s.events,
    s.probes,
    s.ports,
    s.destinations,
    s.firstSeen ?? '',
    s.lastSeen ?? '',
    s.topPorts.map((p) => (p.port === null ? p.proto : `${p.port}/${p.proto}`)).join(' '),
    s.class,
    s.severity,
  ];
}

function portCells(p: PortRow): unknown[] {
  return [
    p.proto,
    p.port ?? '',
    p.service,
    p.events,
    p.probes,
    p.byAction.block,
    p.byAction.allow,
    p.byAction.audit,
    p.byAction.unknown,
    p.sources,
    p.probeSources,
    p.destinations,
    p.firstSeen ?? '',
    p.lastSeen ?? '',
    p.registry?.name ?? '',
    p.registry?.status ?? '',
    p.verdict.verdict,
  ];
}

/**
 * Rows handed to csv-stringify at a time. Each record is written on its own (one line, its own
 * delimiter), so batches give the same bytes as one call over all rows; 1000 keeps the piece
 * small and the calls few.
 */
const CSV_BATCH = 1000;

/** The same bytes as `renderCsv`, in pieces of up to CSV_BATCH rows (the header with the first). */
export function* renderCsvChunks(report: Report | LazyReport, table: CsvTable): Generator<string> {
  if (table === 'sources') yield* csvChunks(report.sources, sourceCells, SOURCE_COLUMNS);
  else yield* csvChunks(report.ports, portCells, PORT_COLUMNS);
}

function* csvChunks<T>(rows: Iterable<T>, cells: (row: T) => unknown[], columns: string[]): Generator<string> {
  let batch: unknown[][] = [];
  let header = true;
  for (const row of rows) {
    batch.push(cells(row));
    if (batch.length === CSV_BATCH) {
      yield stringify(batch, { header, escape_formulas: true, columns });
      header = false;
      batch = [];
    }
  }
  if (batch.length > 0 || header) yield stringify(batch, { header, escape_formulas: true, columns });
}

export function renderCsv(report: Report, table: CsvTable): string {
  return [...renderCsvChunks(report, table)].join('');
}
