/**
 * CSV: one table per run (`--table ports|sources`), a header row, every row (or `--top`).
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are escaped with a
 * leading quote by csv-stringify's `escape_formulas`: a log line must never become a formula.
 */
import { stringify } from 'csv-stringify/sync';
import type { Report } from '../report.js';

export const CSV_TABLES = ['ports', 'sources'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export function renderCsv(report: Report, table: CsvTable): string {
  if (table === 'sources') {
    return stringify(
      report.sources.map((s) => [
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
      ]),
      {
        header: true,
        escape_formulas: true,
        columns: ['address', 'events', 'probes', 'ports', 'destinations', 'first_seen', 'last_seen', 'top_ports', 'class', 'severity'],
      },
    );
  }
  return stringify(
    report.ports.map((p) => [
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
    ]),
    {
      header: true,
      escape_formulas: true,
      columns: [
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
      ],
    },
  );
}
