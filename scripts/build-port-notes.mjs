#!/usr/bin/env node
/**
 * Convert the researched port notes (shared/port-notes.json) into the project's own data file,
 * data/ports.json, in the schema documented in data/README.md.
 *
 *   node scripts/build-port-notes.mjs [--in ../shared/port-notes.json] [--out data/ports.json]
 *
 * The conversion is deterministic (same input, same bytes out) so the committed output can be
 * checked for drift: test/registry/port-notes-data.test.ts re-runs this script and compares.
 * Nothing is dropped: every entry, fact and source of the notes is carried over. The few
 * judgements added here (which facts hold for one transport only, labels for known uses, the
 * tag vocabulary) are tables below, each with its reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The closed tag vocabulary of data/ports.json (mirrored by `Tag` in src/registry/types.ts). */
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
];

/**
 * Every tag of the notes, mapped to the vocabulary above or to the field that now carries it.
 * A `derived:` tag is not stored, because the registry computes it per port and transport (a tag
 * stored on an entry would be wrong for the other transport or for neighbouring ports).
 */
export const TAG_MAP = {
  'mass-scanned': 'mass-scanned',
  'amplification-reflector': 'amplification',
  'iot-exploit': 'iot-exploit',
  'well-known-service': 'well-known',
  'remote-admin': 'remote-admin',
  botnet: 'botnet',
  database: 'database',
  'registry-conflict': 'registry-conflict',
  game: 'game',
  'legacy-worm': 'worm-backdoor',
  'backdoor-trojan': 'worm-backdoor',
  windows: 'windows',
  'nat-traversal': 'nat-traversal',
  'lan-noise': 'lan-noise',
  cloud: 'cloud',
  'isp-cpe': 'isp-cpe',
  voip: 'voip',
  proxy: 'proxy',
  malformed: 'malformed',
  irc: 'irc',
  mail: 'mail',
  rpc: 'rpc',
  range: 'derived:scope',
  ephemeral: 'derived:ephemeral',
  'dynamic-range': 'derived:rangeClass',
  reserved: 'derived:iana.status',
  'dormant-registration': 'derived:activity',
  'game-range-overlap': 'derived:ranges',
};

/** Tags the notes imply but do not spell out (the brief's vocabulary has web and file-sharing). */
export const ADDED_TAGS = {
  'port:80': { tags: ['web'], why: 'IANA http' },
  'port:443': { tags: ['web'], why: 'IANA https' },
  'port:8080': { tags: ['web'], why: 'IANA http-alt' },
  'port:8443': { tags: ['web'], why: 'alternate HTTPS in practice (fact 1)' },
  'port:21': { tags: ['file-sharing'], why: 'IANA ftp' },
  'port:69': { tags: ['file-sharing'], why: 'IANA tftp' },
  'port:445': { tags: ['file-sharing'], why: 'SMB over TCP (fact 1)' },
};

/**
 * Reflection needs a spoofable source address, i.e. UDP: on an entry that lists TCP too, the
 * amplification tag holds for UDP only.
 */
const UDP_ONLY_TAGS = new Set(['amplification']);

/**
 * Facts of a two-transport entry whose text is about one transport only. Without this, explaining
 * 3089/tcp would repeat the UDP game-range hint as if it applied to TCP.
 */
export const FACT_PROTOCOLS = {
  'port:3089#3': { protocols: ['udp'], why: 'the Ubisoft range is UDP 3074-3174' },
  'port:3074#3': { protocols: ['udp'], why: 'UDP 500, 3544 and 4500 NAT traversal' },
  'port:3074#4': { protocols: ['udp'], why: 'GDK: preferred local UDP multiplayer port' },
  'port:3074#5': { protocols: ['udp'], why: 'advice is about inbound UDP 3074' },
  'port:11211#2': { protocols: ['udp'], why: 'the 2018 reflection attacks used UDP 11211' },
  'port:31337#2': { protocols: ['udp'], why: 'Back Orifice listened on UDP' },
  'port:111#2': { protocols: ['udp'], why: "CISA's list is of UDP amplification" },
};

/**
 * Known unofficial uses, each resting on one fact of the entry. A use of a range is not repeated
 * on the ports inside it (3089's game-range hint is the range's use, found by containment). (its confidence and sources are
 * copied from that fact, so a use is never better supported than the fact behind it).
 */
export const USES = {
  'range:3074-3174': [{ fact: 1, label: 'Ubisoft multiplayer (Rainbow Six Vegas and related titles)', kind: 'game' }],
  'port:3074': [
    { fact: 2, label: 'Xbox LIVE', kind: 'game' },
    { fact: 4, label: 'Xbox preferred multiplayer port', kind: 'game' },
  ],
  'range:3478-3480': [{ fact: 2, label: 'Game NAT traversal (e.g. War Thunder)', kind: 'game' }],
  'port:88': [{ fact: 2, label: 'Xbox LIVE', kind: 'game' }],
  'port:3544': [{ fact: 2, label: 'Xbox NAT traversal (Teredo)', kind: 'game' }],
  'port:9200': [{ fact: 1, label: 'Elasticsearch HTTP API', kind: 'service' }],
  'port:8291': [{ fact: 1, label: 'MikroTik RouterOS Winbox management', kind: 'service' }],
  'port:8443': [{ fact: 1, label: 'Alternate HTTPS (admin consoles)', kind: 'service' }],
  'port:5555': [{ fact: 2, label: 'Android Debug Bridge (ADB) over TCP', kind: 'service' }],
  'port:37215': [{ fact: 2, label: 'Huawei HG532 UPnP service', kind: 'service' }],
  'port:52869': [{ fact: 2, label: 'Realtek SDK miniigd UPnP SOAP service', kind: 'service' }],
  'port:2323': [{ fact: 2, label: 'Alternate Telnet (Mirai target)', kind: 'service' }],
  'port:4444': [{ fact: 2, label: 'Blaster worm remote shell', kind: 'malware' }],
  'port:31337': [{ fact: 2, label: 'Back Orifice trojan', kind: 'malware' }],
  'port:12345': [{ fact: 2, label: 'NetBus trojan', kind: 'malware' }],
  'port:27374': [{ fact: 2, label: 'SubSeven trojan', kind: 'malware' }],
  'port:1080': [{ fact: 2, label: 'MyDoom backdoor (2004)', kind: 'malware' }],
};

const REGISTRY_RANGES = new Set(['range:0-1023', 'range:1024-49151', 'range:49152-65535']);
const EPHEMERAL_RANGES = new Set(['range:32768-60999', 'range:1025-5000']);
const ACTIVITY = { active: 'active', dormant: 'dormant', 'unassigned-but-used': 'active' };
const CONFIDENCE = new Set(['primary', 'secondary', 'weak', 'inference']);
const FACT_KINDS = new Set(['registry', 'scanning', 'malware', 'unofficial-use', 'range', 'advice', 'fingerprint']);
const SCAN_CLASSES = new Set(['top', 'campaign', 'background', 'unrated', 'n/a']);
const YEAR = /\b(19[89]\d|20\d\d)\b/g;

function fail(msg) {
  throw new Error(`build-port-notes: ${msg}`);
}

export function entryId(note) {
  if (typeof note.port === 'number') return `port:${note.port}`;
  if (note.range) return `range:${note.range.from}-${note.range.to}`;
  return fail(`entry without port or range: ${JSON.stringify(note).slice(0, 80)}`);
}

function scopeOf(id) {
  if (id.startsWith('port:')) return 'port';
  if (REGISTRY_RANGES.has(id)) return 'registry-range';
  if (EPHEMERAL_RANGES.has(id)) return 'ephemeral-range';
  return 'service-range';
}

function convertSource(src) {
  const url = typeof src.url === 'string' ? src.url : '';
  const out = { id: src.id, title: src.title, url: /^https?:\/\//.test(url) ? url : null };
  // Not every reference is a web page: a Debian package file, an npm package, or nothing at all
  // for the project's own reasoning. Keep the text, but never pretend it is a URL.
  if (out.url === null && url !== '') out.locator = url;
  if (src.license !== undefined) out.license = src.license;
  return out;
}

function convertScanVolume(sv) {
  if (!SCAN_CLASSES.has(sv.class)) fail(`unknown scan class ${sv.class}`);
  const basis = sv.basis ? sv.basis : null;
  const years = basis ? [...basis.matchAll(YEAR)].map((m) => Number(m[1])) : [];
  return { class: sv.class, basis, year: years.length ? Math.max(...years) : null };
}

function convertEntry(note, catalogue) {
  const id = entryId(note);
  const scope = scopeOf(id);
  for (const t of note.tags) if (!(t in TAG_MAP)) fail(`${id}: tag ${t} has no mapping`);
  const tags = [];
  for (const t of [...note.tags.map((t) => TAG_MAP[t]), ...(ADDED_TAGS[id]?.tags ?? [])]) {
    if (!t.startsWith('derived:') && !tags.includes(t)) tags.push(t);
  }
  for (const t of tags) if (!TAGS.includes(t)) fail(`${id}: tag ${t} outside the vocabulary`);

  const facts = note.facts.map((f, i) => {
    if (!CONFIDENCE.has(f.confidence)) fail(`${id}: confidence ${f.confidence}`);
    if (!FACT_KINDS.has(f.kind)) fail(`${id}: fact kind ${f.kind}`);
    const fid = `${id}#${i + 1}`;
    for (const s of f.sources) if (!catalogue.has(s)) fail(`${fid}: unknown source ${s}`);
    const fact = { id: fid, kind: f.kind, text: f.text, confidence: f.confidence, sources: [...f.sources] };
    const only = FACT_PROTOCOLS[fid];
    if (only) fact.protocols = only.protocols;
    return fact;
  });

  const uses = (USES[id] ?? []).map((u) => {
    const fact = facts[u.fact - 1] ?? fail(`${id}: use refers to missing fact ${u.fact}`);
    return {
      label: u.label,
      kind: u.kind,
      confidence: fact.confidence,
      protocols: fact.protocols ?? [...note.protocols],
      fact: fact.id,
      sources: [...fact.sources],
    };
  });

  const entry = {
    id,
    scope,
    port: typeof note.port === 'number' ? note.port : null,
    range: note.range ? { from: note.range.from, to: note.range.to } : null,
    label: note.label ?? null,
    protocols: [...note.protocols].sort(),
    activity: note.activity == null ? 'unknown' : (ACTIVITY[note.activity] ?? fail(`${id}: activity ${note.activity}`)),
    tags,
  };
  const restricted = tags.filter((t) => UDP_ONLY_TAGS.has(t) && note.protocols.includes('tcp'));
  if (restricted.length) entry.tagProtocols = Object.fromEntries(restricted.map((t) => [t, ['udp']]));
  entry.scanVolume = convertScanVolume(note.scanVolume);
  entry.iana = note.iana ?? null;
  entry.facts = facts;
  entry.uses = uses;
  entry.sources = note.sources.map((s) => s.id);
  return entry;
}

export function convertNotes(notes) {
  if (!Array.isArray(notes)) fail('notes must be an array');
  const catalogue = new Map();
  for (const note of notes) {
    for (const src of note.sources) {
      const prev = catalogue.get(src.id);
      if (prev && JSON.stringify(prev) !== JSON.stringify(src)) fail(`source ${src.id} differs between entries`);
      catalogue.set(src.id, src);
    }
  }
  const entries = notes.map((n) => convertEntry(n, catalogue));
  const ids = new Set();
  for (const e of entries) {
    if (ids.has(e.id)) fail(`duplicate entry ${e.id}`);
    ids.add(e.id);
  }
  return {
    schemaVersion: 1,
    about: 'Port and port-range notes for portscan-report; schema in data/README.md. Generated by scripts/build-port-notes.mjs from shared/port-notes.json: edit the notes or the script, not this file.',
    ianaSnapshot: '2026-08-17',
    tags: TAGS,
    tagMap: TAG_MAP,
    sources: [...catalogue.values()].map(convertSource),
    entries,
  };
}

function main(argv) {
  let input = resolve(ROOT, '../shared/port-notes.json');
  let output = resolve(ROOT, 'data/ports.json');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--in') input = resolve(argv[++i]);
    else if (argv[i] === '--out') output = resolve(argv[++i]);
    else fail(`unknown argument ${argv[i]} (expected --in FILE, --out FILE)`);
  }
  const data = convertNotes(JSON.parse(readFileSync(input, 'utf8')));
  writeFileSync(output, `${JSON.stringify(data, null, 1)}\n`);
  process.stderr.write(`${output}: ${data.entries.length} entries, ${data.sources.length} sources\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
