/**
 * `portscan-report explain QUERY…`: everything the registry knows about ports, without any log.
 *
 *   portscan-report explain 3089          TCP and UDP 3089
 *   portscan-report explain 3089/udp      one transport
 *   portscan-report explain 3074-3174     a range (listed compactly, the shared notes told once)
 *   portscan-report explain ssh           a service name
 *   portscan-report explain --format json 3089
 *
 * Exit codes: 0 answered; 2 usage error or a query that names no port (the message names it).
 */
import yargs from 'yargs';
import { ReportError } from '../errors.js';
import { explainJson, renderExplainText } from '../registry/explain.js';
import { resolveQuery, type PortInfo } from '../registry/registry.js';
import type { CliIo } from './main.js';

export const EXPLAIN_FORMATS = ['text', 'json'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

const NAME = 'portscan-report explain';
const EXAMPLES = 'e.g. explain 3089, explain 3089/udp, explain 3074-3174, explain ssh';

export const EXPLAIN_OPTION_TABLE = {
  format: {
    alias: 'f',
    type: 'string',
    describe: `Output format: ${EXPLAIN_FORMATS.join(', ')}`,
    default: 'text',
  },
} as const;

interface RawExplain {
  _: (string | number)[];
  query?: (string | number)[];
  format?: string;
}

export interface ExplainOptions {
  queries: string[];
  format: ExplainFormat;
}

function parser() {
  return yargs()
    .scriptName(NAME)
    .usage(`${NAME} [--format text|json] QUERY...\n\nEverything portscan-report knows about a port, without any log: IANA name and status, range, known uses, tags, how much it is scanned, and the sources.`)
    .command('$0 [query..]', 'Ports to explain', (y) =>
      y.positional('query', { type: 'string', array: true, describe: 'A port (3089), port/proto (3089/udp), range (3074-3174) or service name (ssh)' }),
    )
    .options(EXPLAIN_OPTION_TABLE)
    .example(`${NAME} 3089`, 'TCP and UDP 3089, in full')
    .example(`${NAME} 3074-3174/udp`, 'a range, one line a port')
    .example(`${NAME} --format json ssh`, 'as data')
    .epilogue('Exit codes: 0 answered, 2 usage error or unknown port/service.')
    .parserConfiguration({ 'parse-positional-numbers': false })
    .strictOptions()
    .help('help')
    .alias('help', 'h')
    .wrap(80)
    .exitProcess(false);
}

/** Validate once: the format, and that there is something to explain. */
export function checkExplainOptions(raw: RawExplain): ExplainOptions {
  const format = (raw.format ?? 'text') as ExplainFormat;
  if (!EXPLAIN_FORMATS.includes(format)) {
    throw new ReportError('USAGE', `explain --format: '${raw.format}' is not one of ${EXPLAIN_FORMATS.join(', ')} (e.g. explain --format json 3089)`);
  }
  const queries = (raw.query ?? raw._).map(String).filter((q) => q.trim() !== '');
  if (queries.length === 0) throw new ReportError('USAGE', `explain: needs a port, port/proto, range or service name (${EXAMPLES})`);
  return { queries, format };
}

/** Resolve every query; the first that names nothing is a usage error naming it. */
export function resolveQueries(queries: readonly string[]): PortInfo[] {
  const infos: PortInfo[] = [];
  for (const q of queries) {
    const r = resolveQuery(q);
    if (!r.ok) throw new ReportError('USAGE', `explain: '${q}': ${r.message} (${r.code})`);
    for (const info of r.infos) if (!infos.includes(info)) infos.push(info);
  }
  return infos;
}

type Parsed = { kind: 'run'; raw: RawExplain } | { kind: 'output'; text: string } | { kind: 'error'; message: string };

function parseArgs(argv: string[]): Promise<Parsed> {
  return new Promise((resolve) => {
    parser().parse(argv, {}, (err: Error | undefined, raw: unknown, output: string) => {
      if (err) resolve({ kind: 'error', message: `explain: ${err.message.split('\n')[0]}` });
      else if (output) resolve({ kind: 'output', text: output });
      else resolve({ kind: 'run', raw: raw as RawExplain });
    });
  });
}

/** The subcommand: returns the text to write, or throws a USAGE ReportError. */
export async function runExplain(argv: string[], io: CliIo): Promise<string> {
  const parsed = await parseArgs(argv);
  if (parsed.kind === 'output') return `${parsed.text}\n`;
  if (parsed.kind === 'error') throw new ReportError('USAGE', parsed.message);
  const opts = checkExplainOptions(parsed.raw);
  const infos = resolveQueries(opts.queries);
  if (opts.format === 'json') return `${JSON.stringify(explainJson(infos), null, 2)}\n`;
  const columns = (io.stdout as { columns?: number }).columns;
  return renderExplainText(infos, { width: typeof columns === 'number' && columns > 0 ? Math.min(columns, 100) : 80 });
}
