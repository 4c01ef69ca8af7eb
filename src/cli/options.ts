/**
 * The CLI's options table and its check(): the one place where flags become a fully defaulted
 * `CliOptions`. Nothing downstream sees `undefined` or a raw string it must validate again.
 */
import { CidrError, CidrSet } from '../classify/cidr.js';
import { INPUT_FORMATS, type InputFormat } from '../core.js';
import { ReportError } from '../errors.js';
import { CSV_TABLES, type CsvTable } from '../reports/csv.js';
import { REPORT_FORMATS, type ReportFormat } from '../reports/index.js';
import { isValidTimeZone, machineTimeZone } from '../time/stamps.js';
import { parseTimeBound, type TimeBound } from '../time/window.js';
import { ALERT_FORMS, parseAlertConditions, type AlertCondition } from '../alerts.js';

export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

export const RELATIVE_TO = ['newest', 'now'] as const;
export type RelativeTo = (typeof RELATIVE_TO)[number];

/** yargs option definitions; `--help` is generated from these. */
export const OPTION_TABLE = {
  format: {
    alias: 'f',
    type: 'string',
    describe: `Report format: ${REPORT_FORMATS.join(', ')}`,
    default: 'text',
  },
  table: {
    type: 'string',
    describe: `CSV table: ${CSV_TABLES.join(', ')}`,
    default: 'ports',
  },
  top: {
    alias: 'n',
    type: 'string',
    describe: 'Rows per table (text, markdown, html default 20; csv/json default all)',
  },
  output: {
    alias: 'o',
    type: 'string',
    describe: 'Write the report to FILE (atomically) instead of stdout',
  },
  color: {
    type: 'string',
    describe: `Colour: ${COLOR_MODES.join(', ')} (auto: only on a terminal, not with NO_COLOR or TERM=dumb)`,
    default: 'auto',
  },
  'input-format': {
    alias: 'i',
    type: 'string',
    describe: `Log format: ${INPUT_FORMATS.join(', ')} (auto: detected per line)`,
    default: 'auto',
  },
  tz: {
    type: 'string',
    describe: 'IANA time zone of stamps without an offset, and for display (default: this machine\'s)',
  },
  year: {
    type: 'string',
    describe: 'Year of syslog stamps that have none (default: inferred per file)',
  },
  'home-net': {
    type: 'string',
    describe: 'Your addresses, as CIDR blocks separated by commas: what "you" is (default: the destinations seen inbound)',
  },
  'ignore-src': {
    type: 'string',
    describe: 'Leave out traffic from these CIDR blocks (e.g. your monitoring hosts); counted in the summary',
  },
  'ignore-dst': {
    type: 'string',
    describe: 'Leave out traffic to these CIDR blocks; counted in the summary',
  },
  since: {
    type: 'string',
    describe: 'Only events at or after: ISO date/time, today, yesterday, or a duration (30m, 24h, 7d, 2w) back from the newest event',
  },
  until: {
    type: 'string',
    describe: 'Only events before (same forms as --since)',
  },
  'relative-to': {
    type: 'string',
    describe: `What durations count back from: ${RELATIVE_TO.join(', ')}`,
    default: 'newest',
  },
  state: {
    type: 'string',
    describe: 'Incremental run: report only what was appended since the last run with this state FILE (rotation-aware)',
  },
  'reset-state': {
    type: 'boolean',
    describe: 'Start the --state file over (also when it is damaged): report the files from the start',
    default: false,
  },
  'fail-on': {
    type: 'string',
    describe: `Exit 4 with a reason on stderr when a condition holds (comma list): ${ALERT_FORMS.join(', ')}`,
  },
  quiet: {
    alias: 'q',
    type: 'boolean',
    describe: 'Print nothing when there is nothing new (or, with --fail-on, no condition holds)',
    default: false,
  },
} as const;

export interface CliOptions {
  files: string[];
  format: ReportFormat;
  table: CsvTable;
  /** Rows per table; 0 = all. */
  top: number;
  output: string | null;
  color: ColorMode;
  inputFormat: InputFormat;
  /** '' = the machine's zone. */
  timeZone: string;
  /** The zone reports name and display in. */
  displayZone: string;
  year: number;
  /** Null: the destinations seen inbound. */
  homeNet: CidrSet | null;
  ignoreSrc: CidrSet | null;
  ignoreDst: CidrSet | null;
  since: TimeBound | null;
  until: TimeBound | null;
  relativeTo: RelativeTo;
  /** State file of incremental runs, or null. */
  state: string | null;
  resetState: boolean;
  failOn: AlertCondition[];
  quiet: boolean;
}

/** Raw yargs values, before check(). */
export interface RawOptions {
  /** The operands (files, `-`), as given. */
  _: (string | number)[];
  format?: string;
  table?: string;
  top?: string;
  output?: string;
  color?: string;
  'input-format'?: string;
  tz?: string;
  year?: string;
  'home-net'?: string | string[];
  'ignore-src'?: string | string[];
  'ignore-dst'?: string | string[];
  since?: string;
  until?: string;
  'relative-to'?: string;
  state?: string;
  'reset-state'?: boolean;
  'fail-on'?: string;
  quiet?: boolean;
}

function usage(message: string): ReportError {
  return new ReportError('USAGE', message);
}

function oneOf<T extends string>(flag: string, value: string | undefined, valid: readonly T[], example: string): T {
  const v = (value ?? valid[0]) as T;
  if (valid.includes(v)) return v;
  throw usage(`--${flag}: '${value}' is not one of ${valid.join(', ')} (e.g. ${example})`);
}

function wholeNumber(flag: string, value: string | undefined, min: number, max: number, example: string): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw usage(`--${flag}: '${value}' is not a whole number from ${min} to ${max} (e.g. ${example})`);
  }
  return n;
}

/** A CIDR list flag (repeatable, comma-separated), built once; null when not given. */
function cidrList(flag: string, value: string | string[] | undefined): CidrSet | null {
  if (value === undefined) return null;
  const text = (Array.isArray(value) ? value : [value]).join(',');
  try {
    return CidrSet.parseList(text);
  } catch (err) {
    if (err instanceof CidrError) throw usage(`--${flag}: ${err.message} (e.g. --${flag} 203.0.113.0/24,2001:db8::/32)`);
    throw err;
  }
}

function timeBound(flag: string, value: string | undefined, now: number, tz: string): TimeBound | null {
  if (value === undefined) return null;
  const b = parseTimeBound(value, now, tz);
  if (b === null) {
    throw usage(`--${flag}: '${value}' is not a time: give an ISO date or time, today, yesterday, now, or a duration such as 30m, 24h, 7d, 2w (e.g. --${flag} 2024-03-01T08:00, --${flag} 24h)`);
  }
  return b;
}

/**
 * The raw options of a command line that holds operands only (file names, `-` for stdin; none at
 * all): what yargs gives for it, without loading yargs (src/cli/main.ts). Null when any argument
 * could be a flag (starts with `-` and is not `-` itself): yargs reads that line.
 */
export function operandsOnly(argv: readonly string[]): RawOptions | null {
  for (const a of argv) if (a.startsWith('-') && a !== '-') return null;
  return { _: [...argv] };
}

/** Validate and default everything once. Throws a USAGE ReportError naming the flag. */
export function checkOptions(raw: RawOptions, now: number = Date.now()): CliOptions {
  const format = oneOf('format', raw.format, REPORT_FORMATS, '--format json');
  const table = oneOf('table', raw.table, CSV_TABLES, '--format csv --table sources');
  // Reports for people get 20 rows per table; csv and json, for programs, every row.
  const forPeople = format !== 'csv' && format !== 'json';
  const top = wholeNumber('top', raw.top, 0, 1_000_000, '--top 50') ?? (forPeople ? 20 : 0);
  const color = oneOf('color', raw.color, COLOR_MODES, '--color never');
  const inputFormat = oneOf('input-format', raw['input-format'], INPUT_FORMATS, '--input-format iptables');
  const year = wholeNumber('year', raw.year, 1970, 9999, '--year 2024') ?? -1;
  let timeZone = '';
  if (raw.tz !== undefined) {
    if (!isValidTimeZone(raw.tz)) throw usage(`--tz: '${raw.tz}' is not an IANA time zone (e.g. --tz Europe/Berlin, --tz UTC)`);
    timeZone = raw.tz;
  }
  if (raw.output === '') throw usage('--output: needs a file name (e.g. -o report.txt)');
  const files = raw._.map(String);
  const since = timeBound('since', raw.since, now, timeZone);
  const until = timeBound('until', raw.until, now, timeZone);
  const relativeTo = oneOf('relative-to', raw['relative-to'], RELATIVE_TO, '--relative-to now');
  if (raw.state === '') throw usage('--state: needs a file name (e.g. --state ~/.cache/portscan-report/state.json)');
  const state = raw.state ?? null;
  if (raw['reset-state'] === true && state === null) throw usage('--reset-state: needs --state FILE (e.g. --state state.json --reset-state)');
  const failOn = raw['fail-on'] === undefined ? [] : parseAlertConditions(raw['fail-on']);
  if (failOn.some((c) => c.kind === 'new-port') && state === null) {
    throw usage('--fail-on new-port: needs --state FILE, where the ports seen so far are kept (e.g. --state state.json --fail-on new-port)');
  }
  return {
    files,
    format,
    table,
    top: forPeople && top === 0 ? Number.MAX_SAFE_INTEGER : top,
    output: raw.output ?? null,
    color,
    inputFormat,
    timeZone,
    displayZone: timeZone || machineTimeZone(),
    year,
    homeNet: cidrList('home-net', raw['home-net']),
    ignoreSrc: cidrList('ignore-src', raw['ignore-src']),
    ignoreDst: cidrList('ignore-dst', raw['ignore-dst']),
    since,
    until,
    relativeTo,
    state,
    resetState: raw['reset-state'] === true,
    failOn,
    quiet: raw.quiet === true,
  };
}

/** Colour on or off, decided once: --color, then NO_COLOR, TERM=dumb and whether stdout is a terminal. */
export function decideColor(mode: ColorMode, isTTY: boolean, env: Record<string, string | undefined>): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
