/**
 * CIDR sets and the filters built on them: --home-net (what "you" is), --ignore-src and
 * --ignore-dst (dropped before aggregation, counted in the summary).
 */
import { CidrError, CidrSet } from '../../src/classify/cidr.js';
import { Analyzer } from '../../src/core.js';
import { classify } from '../../src/classify/classify.js';
import { runCli } from '../helpers/cli.js';
import { ev, HOST } from './events.js';

describe('CidrSet', () => {
  const set = CidrSet.parse(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);

  test.each<[string, boolean]>([
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['9.255.255.255', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['2001:db8::1', true],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db9::', false],
  ])('%s in the set: %s', (address, expected) => {
    expect(set.has(address)).toBe(expected);
    expect(set.has(address)).toBe(expected); // memoised answer, same answer
  });

  test('size counts the addresses (a bare address is a /32)', () => {
    expect(CidrSet.parse(['203.0.113.0/29', '198.51.100.1']).size).toBe(9);
  });

  test.each<[string, string]>([
    ['10.0.0.0/33', 'bad-cidr'],
    ['ten.0.0.0/8', 'bad-cidr'],
    ['2001:db8::/129', 'bad-cidr'],
    [' , ', 'empty'],
  ])('%j is refused with code %s', (text, code) => {
    expect(() => CidrSet.parseList(text)).toThrow(CidrError);
    try {
      CidrSet.parseList(text);
    } catch (err) {
      expect((err as CidrError).code).toBe(code);
    }
  });
});

describe('--ignore-src and --ignore-dst', () => {
  test('dropped before aggregation, counted apart', () => {
    const analyzer = new Analyzer({ ignoreSrc: CidrSet.parseList('198.51.100.0/24'), ignoreDst: CidrSet.parseList('203.0.113.99') });
    analyzer.addEvent(ev({ src: '198.51.100.7', count: 3 }));
    analyzer.addEvent(ev({ src: '192.0.2.1', dst: '203.0.113.99' }));
    analyzer.addEvent(ev({ src: '192.0.2.1' }));
    const agg = analyzer.aggregate;
    expect([agg.ignoredBySource, agg.ignoredByDestination, agg.events]).toEqual([3, 1, 1]);
    expect([...agg.sources.keys()]).toEqual(['192.0.2.1']);
  });

  test('from the command line, the summary counts them', async () => {
    const line = (src: string) =>
      `May 29 00:01:13 vps kernel: [522457.625974] [UFW BLOCK] IN=ens3 OUT= MAC=00:00 SRC=${src} DST=${HOST} LEN=44 TOS=0x00 PREC=0x00 TTL=38 ID=57050 PROTO=TCP SPT=44031 DPT=9389 WINDOW=1024 RES=0x00 SYN URGP=0\n`;
    const r = await runCli(['--tz', 'UTC', '--year', '2024', '--format', 'json', '--ignore-src', '198.51.100.0/24', '-'], {
      stdin: line('198.51.100.7') + line('192.0.2.1'),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.ignored).toEqual({ bySource: 1, byDestination: 0 });
  });

  test.each([['--home-net'], ['--ignore-src'], ['--ignore-dst']])('%s with a bad block is a usage error naming the flag', async (flag) => {
    const r = await runCli([flag, '10.0.0.0/33', '-'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag}: '10.0.0.0/33' is not an address or CIDR block`);
  });
});

describe('--home-net', () => {
  test('says how many addresses the log watches; a source inside it talking out is outbound', () => {
    const events = [ev({ src: '203.0.113.5', dst: '192.0.2.80', dstPort: 443 }), ev({ src: '192.0.2.1' })];
    const analyzer = new Analyzer();
    for (const e of events) analyzer.addEvent(e);
    const c = classify(analyzer.aggregate, { homeNet: CidrSet.parseList('203.0.113.0/24') });
    expect(c.home).toMatchObject({ origin: 'option', watched: 256, sweepsVisible: true });
    expect(c.classOf(analyzer.aggregate.sources.get('203.0.113.5')!)).toBe('outbound');
    expect(c.classOf(analyzer.aggregate.sources.get('192.0.2.1')!)).toBe('background');
  });
});
