/**
 * data/ports.json against the researched notes it was converted from (../shared/port-notes.json):
 * every port and range, every fact, tag and source must survive, and the committed file must be
 * exactly what scripts/build-port-notes.mjs produces today.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portNotesData, rangeClassOf, TAGS, type NoteEntry, type PortNotesData } from '../../src/registry/registry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOTES_PATH = resolve(ROOT, '../shared/port-notes.json');
const SCRIPT = resolve(ROOT, 'scripts/build-port-notes.mjs');

interface RawFact {
  kind: string;
  text: string;
  sources: string[];
  confidence: string;
}
interface RawSource {
  id: string;
  title: string;
  url: string;
  license?: string;
}
interface RawNote {
  port?: number;
  range?: { from: number; to: number };
  label?: string;
  protocols: string[];
  rangeClass: string;
  iana?: Record<string, unknown>;
  activity?: string | null;
  tags: string[];
  scanVolume: { class: string; basis: string };
  facts: RawFact[];
  sources: RawSource[];
}

const notes = JSON.parse(readFileSync(NOTES_PATH, 'utf8')) as RawNote[];
const data: PortNotesData = JSON.parse(readFileSync(resolve(ROOT, 'data/ports.json'), 'utf8'));
const byId = new Map(data.entries.map((e) => [e.id, e]));
const catalogue = new Map(data.sources.map((s) => [s.id, s]));

function idOf(n: RawNote): string {
  return n.port !== undefined ? `port:${n.port}` : `range:${n.range!.from}-${n.range!.to}`;
}

function entryFor(n: RawNote): NoteEntry {
  const e = byId.get(idOf(n));
  if (e === undefined) throw new Error(`${idOf(n)} missing from data/ports.json`);
  return e;
}

describe('data/ports.json keeps everything the notes say', () => {
  test('the notes are the ones this data was built from (56 entries, 122 facts, 43 sources)', () => {
    expect(notes).toHaveLength(56);
    expect(notes.flatMap((n) => n.facts)).toHaveLength(122);
    expect(new Set(notes.flatMap((n) => n.sources.map((s) => s.id))).size).toBe(43);
  });

  test('one entry per note, in the same order, and nothing else', () => {
    expect(data.entries.map((e) => e.id)).toEqual(notes.map(idOf));
  });

  test.each(notes.map((n) => [idOf(n), n] as const))('%s: place, label, transports', (_id, n) => {
    const e = entryFor(n);
    expect(e.port).toBe(n.port ?? null);
    expect(e.range).toEqual(n.range ?? null);
    expect(e.label).toBe(n.label ?? null);
    expect([...e.protocols].sort()).toEqual([...n.protocols].sort());
    expect(e.iana).toEqual(n.iana ?? null);
  });

  test.each(notes.map((n) => [idOf(n), n] as const))('%s: every fact, word for word, with its confidence and sources', (_id, n) => {
    const e = entryFor(n);
    expect(e.facts.map(({ kind, text, confidence, sources }) => ({ kind, text, confidence, sources }))).toEqual(
      n.facts.map(({ kind, text, confidence, sources }) => ({ kind, text, confidence, sources })),
    );
  });

  test.each(notes.map((n) => [idOf(n), n] as const))('%s: every source, title and address intact', (_id, n) => {
    const e = entryFor(n);
    expect(e.sources).toEqual(n.sources.map((s) => s.id));
    for (const raw of n.sources) {
      const s = catalogue.get(raw.id)!;
      expect(s.title).toBe(raw.title);
      expect(s.license).toBe(raw.license);
      expect(s.url ?? s.locator ?? '').toBe(raw.url);
      if (s.url !== null) expect(s.url).toMatch(/^https?:\/\//);
    }
  });

  test.each(notes.map((n) => [idOf(n), n] as const))('%s: tags, activity and scan volume', (_id, n) => {
    const e = entryFor(n);
    for (const t of n.tags) {
      const mapped = data.tagMap[t];
      expect(mapped).toBeDefined();
      if (!mapped.startsWith('derived:')) expect(e.tags).toContain(mapped);
    }
    const expectedActivity = n.activity == null ? 'unknown' : n.activity === 'unassigned-but-used' ? 'active' : n.activity;
    expect(e.activity).toBe(expectedActivity);
    expect(e.scanVolume.class).toBe(n.scanVolume.class);
    expect(e.scanVolume.basis).toBe(n.scanVolume.basis === '' ? null : n.scanVolume.basis);
  });

  test('port entries sit in the RFC 6335 range the notes name', () => {
    for (const n of notes.filter((x) => x.port !== undefined)) expect(`${n.port}:${rangeClassOf(n.port!)}`).toBe(`${n.port}:${n.rangeClass}`);
  });

  test('the catalogue holds exactly the sources the notes cite, and each fact cites only those', () => {
    const cited = new Set(notes.flatMap((n) => n.sources.map((s) => s.id)));
    expect(new Set(catalogue.keys())).toEqual(cited);
    for (const e of data.entries) for (const f of e.facts) for (const s of f.sources) expect(e.sources).toContain(s);
  });

  test('tags come from the closed vocabulary, the same in the data and in the code', () => {
    expect(data.tags).toEqual([...TAGS]);
    for (const e of data.entries) for (const t of e.tags) expect(TAGS).toContain(t);
  });

  test('a use is never better supported than the fact it rests on', () => {
    const facts = new Map(data.entries.flatMap((e) => e.facts.map((f) => [f.id, f] as const)));
    const uses = data.entries.flatMap((e) => e.uses);
    expect(uses.length).toBeGreaterThan(10);
    for (const u of uses) {
      const f = facts.get(u.fact)!;
      expect(f).toBeDefined();
      expect(u.confidence).toBe(f.confidence);
      expect(u.sources).toEqual(f.sources);
    }
  });

  test('the registry loads the same data', () => {
    expect(portNotesData().entries.map((e) => e.id)).toEqual(data.entries.map((e) => e.id));
  });
});

test('scripts/build-port-notes.mjs reproduces the committed data/ports.json byte for byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'port-notes-'));
  try {
    const out = join(dir, 'ports.json');
    execFileSync(process.execPath, [SCRIPT, '--in', NOTES_PATH, '--out', out], { stdio: 'pipe' });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(resolve(ROOT, 'data/ports.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
