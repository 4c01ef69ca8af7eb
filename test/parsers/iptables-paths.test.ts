/**
 * parseIptables reads the common line shape in one pass over the line's bytes (parseCommon) and
 * leaves every other line to the general reader (parseIptablesGeneral). The two must agree on every
 * line the common path accepts: every line of the fixtures, of the shared corpus and of a generated
 * benchmark sample, each cut short at every length, and deterministic mutations of them, in several
 * time zones, give deep-equal results through parseIptables and through the general reader alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../../bench/generate.js';
import { parseCommon, parseIptables, parseIptablesGeneral } from '../../parsers/iptables.js';
import { ipv4ToNumber } from '../../src/net/ip.js';
import { isEvent, newParseContext, type ParseContext, type ParseResult } from '../../src/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(ROOT, '../shared/corpus/iptables');

function logLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.log')) out.push(...readFileSync(join(dir, f), 'utf8').split(/\r?\n/));
  }
  return out;
}

let generated: string[] = [];
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iptables-paths-'));
  try {
    const file = join(dir, 'gen.log');
    await generate(file, { family: 'iptables', lines: 20_000, seed: 7, distinctShare: 0.2 });
    generated = readFileSync(file, 'utf8').split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const fixtureLines = (): string[] => [
  ...logLines(join(ROOT, 'fixtures/iptables')),
  ...logLines(join(ROOT, 'fixtures/sample')),
  ...logLines(CORPUS),
];

/** Contexts: machine zone, UTC, zones with DST (one with a 30-minute shift), a forced year. */
const contexts: [string, () => ParseContext][] = [
  ['machine zone', () => newParseContext({ referenceTime: Date.UTC(2026, 0, 2) })],
  ['UTC', () => newParseContext({ referenceTime: Date.UTC(2026, 0, 2), timeZone: 'UTC' })],
  ['Europe/Berlin', () => newParseContext({ referenceTime: Date.UTC(2025, 2, 30, 1, 30), timeZone: 'Europe/Berlin' })],
  ['Australia/Lord_Howe', () => newParseContext({ referenceTime: Date.UTC(2025, 3, 6), timeZone: 'Australia/Lord_Howe' })],
  ['forced year', () => newParseContext({ year: 2019, timeZone: 'America/New_York' })],
];

/** Results as comparable text (NaN kept apart from null). */
const text = (r: ParseResult): string => JSON.stringify(r, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v));

/** Lines where the two paths disagree (at most a few, for the failure message). */
function disagreements(lines: readonly string[], makeCtx: () => ParseContext): string[] {
  const a = makeCtx();
  const b = makeCtx();
  const bad: string[] = [];
  for (const line of lines) {
    const fast = text(parseIptables(line, a));
    const slow = text(parseIptablesGeneral(line, b));
    if (fast !== slow) {
      bad.push(`${line}\n  parseIptables:        ${fast}\n  parseIptablesGeneral: ${slow}`);
      if (bad.length >= 5) break;
    }
  }
  return bad;
}

/** `count` distinct netfilter lines taken evenly from `lines` (every file and variant gets some). */
function spread(lines: readonly string[], count: number): string[] {
  const distinct = [...new Set(lines.filter((l) => l.includes('SRC=')))];
  const step = Math.max(1, distinct.length / count);
  const out: string[] = [];
  for (let i = 0; i < distinct.length; i += step) out.push(distinct[Math.floor(i)]);
  return out;
}

/** Every line cut at every length. */
function truncations(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) for (let n = 0; n < line.length; n++) out.push(line.slice(0, n));
  return out;
}

/** Deterministic edits that hit the places the common path checks. */
const PIECES = [
  ' ', '  ', '=', '[', ']', ':', ')', '\t', '\0', '0', '9', '.', '-', 'A', 'I', 'N', 'C', 'T', 'x', 'é', 'Ā', '\u0130', '€',
  'SRC=', ' DST=', 'IN=', 'PHYSIN=', ' OUT=', ' MAC=', '[SRC=', ' URGP=', ' SYN', ' ACK', ' XYZ', 'PROTO=', ' ID=', ' TTL=',
  ' FRAG=1', ' HOPLIMIT=', ' LEN=', ' TYPE=', ' CODE=', ' SPT=', ' DPT=', ' WINDOW=', ' RES=', ' SEQ=1 ACK=2', '256', '65536',
  '::', '::ffff:1.2.3.4', '01', 'kernel:', 'kernel', '<1>', '<12345>', '.5', '+02:00', 'Z', '[ 1.5] ', '[C0] ', '[UFW ', 'INCOMPLETE',
];

function mutations(lines: readonly string[], perLine: number, seed: number): string[] {
  let state = seed;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
  const out: string[] = [];
  for (const line of lines) {
    for (let k = 0; k < perLine; k++) {
      let t = line;
      for (let edits = 1 + rand(3); edits > 0; edits--) {
        const at = rand(t.length + 1);
        const piece = PIECES[rand(PIECES.length)];
        switch (rand(3)) {
          case 0:
            t = t.slice(0, at) + piece + t.slice(at);
            break;
          case 1:
            t = t.slice(0, at) + piece + t.slice(at + piece.length);
            break;
          default:
            t = t.slice(0, at) + t.slice(at + 1 + rand(4));
        }
      }
      out.push(t);
    }
  }
  return out;
}

describe.each(contexts)('common path = general reader (%s)', (_name, makeCtx) => {
  test('every line of the fixtures and the corpus', () => {
    expect(disagreements(fixtureLines(), makeCtx)).toEqual([]);
  });

  test('every line of a generated benchmark sample', () => {
    expect(generated.length).toBeGreaterThan(20_000);
    expect(disagreements(generated, makeCtx)).toEqual([]);
  });

  test('fixture lines cut at every length', () => {
    expect(disagreements(truncations(spread(fixtureLines(), 100)), makeCtx)).toEqual([]);
  });

  test('mutated lines', () => {
    expect(disagreements(mutations(spread([...fixtureLines(), ...generated.slice(0, 2000)], 400), 25, 12345), makeCtx)).toEqual([]);
  });
});

test('the common path takes the usual lines (it has not silently stopped matching)', () => {
  const ctx = newParseContext({ referenceTime: Date.UTC(2026, 0, 2), timeZone: 'UTC' });
  const usual = [
    // ufw, BSD stamp, uptime
    'Jul 31 20:23:19 Team-Harmony kernel: [   43.132314] [UFW BLOCK] IN=eth0 OUT= MAC=b2:09:12:69:72:6f:84:b5:9c:f9:18:30:08:00 SRC=37.139.50.4 DST=104.131.169.143 LEN=40 TOS=0x00 PREC=0x00 TTL=246 ID=54321 PROTO=TCP SPT=53172 DPT=8545 WINDOW=65535 RES=0x00 SYN URGP=0 ',
    // rsyslog RFC 3339 stamp, DF, two flags
    '2025-01-23T12:22:21.537693-05:00 ubuntu2204 kernel: [UFW AUDIT] IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.53 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=35134 DF PROTO=TCP SPT=46734 DPT=80 WINDOW=250 RES=0x00 ACK FIN URGP=0 ',
    // <PRI>, prefix glued to IN=
    '<161>Oct 10 07:25:12 Hostname kernel: [wan-lan-default-D]IN=eth0 OUT= MAC=90:10:20:76:8d:20:90:10:65:29:b6:2a:08:00 SRC=67.43.156.15 DST=10.4.0.5 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=38842 DPT=443 WINDOW=2853 RES=0x00 ACK URGP=0',
    // UDP without MAC=
    'Mar  1 10:00:00 dropbox-backup kernel: IN=eth0 OUT= SRC=198.51.100.12 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=1 PROTO=UDP SPT=1234 DPT=53 LEN=20',
    // ICMP error quoting the inner packet
    'Jan  8 03:37:09 host kernel: DENY: IN=eth0 OUT= MAC=90:10:28:5f:62:24:90:10:18:5a:89:2a:08:00 SRC=192.168.2.71 DST=192.168.2.83 LEN=88 TOS=0x00 PREC=0x00 TTL=118 ID=21684 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.168.2.83 DST=192.168.173.191 LEN=60 TOS=0x00 PREC=0x00 TTL=127 ID=4017 PROTO=UDP SPT=9993 DPT=47042 LEN=40 ] ',
    // IPv6
    'Dec 20 20:10:01 rohan kernel: [  449.059606] DROP IN=eth0 OUT= MAC=00:1b:b9:76:9c:e4:00:13:46:3a:41:36:86:dd SRC=2012:1234:1234:0000:0000:0000:0000:0001 DST=2012:1234:1234:0000:0000:0000:0000:0002 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=136 CODE=0',
    // numeric protocol without ports
    'Apr 24 12:06:50 localhost kernel: [ 3445.031964] Shorewall:wlan0_mac:DROP:IN=wlan0 OUT= MAC=02:00:5e:02:03:01:18:53:33:33:d6:41:03:00 SRC=192.168.10.55 DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=0 PROTO=2',
  ];
  for (const line of usual) {
    const fast = parseCommon(line, ctx);
    expect(fast).toBeDefined();
    expect(text(fast as ParseResult)).toBe(text(parseIptablesGeneral(line, newParseContext({ referenceTime: Date.UTC(2026, 0, 2), timeZone: 'UTC' }))));
  }
  // And most of a generated log.
  const taken = generated.filter((l) => parseCommon(l, ctx) !== undefined).length;
  expect(taken / generated.length).toBeGreaterThan(0.95);
});

test('srcV4 and dstV4 are the numbers of IPv4 addresses, -1 for IPv6', () => {
  const ctx = newParseContext({ referenceTime: Date.UTC(2026, 0, 2), timeZone: 'UTC' });
  let v4 = 0;
  let v6 = 0;
  const wrong: string[] = [];
  for (const line of [...fixtureLines(), ...generated]) {
    for (const r of [parseIptables(line, ctx), parseIptablesGeneral(line, ctx)]) {
      if (!isEvent(r)) continue;
      for (const [text, n] of [[r.src, r.srcV4], [r.dst, r.dstV4]] as const) {
        const want = text.includes(':') ? -1 : ipv4ToNumber(text);
        if (want < 0) v6++;
        else v4++;
        if (n !== want && wrong.length < 5) wrong.push(`${text} ${n} in ${line}`);
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(v4).toBeGreaterThan(1000);
  expect(v6).toBeGreaterThan(100);
});

/**
 * Stamps in the machine's zone are the start of their minute plus the seconds (src/time/stamps.ts).
 * Checked against `new Date(y, mo, d, h, m, s, ms)` around DST changes in processes that run in zones
 * with them, one with a 30-minute change.
 */
test.each(['Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu'])('machine-zone stamps in %s', (zone) => {
  const script = `
    import { wallClockToEpoch } from ${JSON.stringify(join(ROOT, 'dist/src/time/stamps.js'))};
    let bad = 0, n = 0;
    for (const y of [1979, 1985, 2024, 2025, 2026]) {
      for (let day = 0; day < 366; day += 1) {
        const mo = 0, d = 1 + day;
        // every few seconds of the small hours, and a sweep of the rest of the day
        for (let sec = 0; sec < 86400; sec += sec < 5 * 3600 ? 7 : 601) {
          const ms = (sec * 37) % 1000;
          const a = wallClockToEpoch(y, mo, d, sec, ms, '');
          const b = new Date(y, mo, d, 0, 0, sec, ms).getTime();
          n++;
          if (a !== b && bad++ < 3) console.error(y, mo, d, sec, ms, a, b);
        }
      }
    }
    console.log(JSON.stringify({ n, bad }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, TZ: zone },
    encoding: 'utf8',
  });
  const { n, bad } = JSON.parse(out) as { n: number; bad: number };
  expect(n).toBeGreaterThan(100_000);
  expect(bad).toBe(0);
}, 60_000);
