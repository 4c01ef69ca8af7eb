/**
 * The line splitter against String.split on the whole text, fed in every way a stream can cut it:
 * random chunk sizes, one byte at a time, cuts inside multi-byte characters and inside CRLF.
 */
import { LineSplitter } from '../../src/lines.js';
import { rng } from '../helpers/rng.js';

/** What the splitter reported, in order: each line, or TOO-LONG for a skipped one. */
function feed(bytes: Buffer, cuts: number[], maxLength?: number): string[] {
  const out: string[] = [];
  const s = new LineSplitter(
    (line) => out.push(line),
    () => out.push('TOO-LONG'),
    maxLength,
  );
  writeCut(s, bytes, cuts);
  return out;
}

/** Write `bytes` to the splitter cut at `cuts`, then end it. */
function writeCut(s: LineSplitter, bytes: Buffer, cuts: number[]): void {
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    s.write(bytes.subarray(at, c));
    at = c;
  }
  s.end();
}

function randomCuts(n: number, r: () => number, meanChunk: number): number[] {
  const cuts: number[] = [];
  for (let at = Math.floor(r() * meanChunk * 2); at < n; at += 1 + Math.floor(r() * meanChunk * 2)) cuts.push(at);
  return cuts;
}

const TEXT = [
  'Jan  8 03:37:09 host kernel: [UFW BLOCK] IN=eth0 SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=1 DPT=3089',
  '',
  'ünïcödé prefix → 日本語 SRC=2001:db8::1',
  'crlf line\r',
  '\r',
  'emoji 🔥 split across chunks',
  '',
  '',
  'last line without a newline',
].join('\n');

describe('LineSplitter', () => {
  const bytes = Buffer.from(TEXT, 'utf8');
  const want = TEXT.split('\n');

  test('whole text in one chunk', () => {
    expect(feed(bytes, [])).toEqual(want);
  });

  test('one byte at a time (cuts inside every multi-byte character)', () => {
    expect(feed(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(want);
  });

  test('200 random chunkings', () => {
    const r = rng(42);
    for (let i = 0; i < 200; i++) expect(feed(bytes, randomCuts(bytes.length, r, 1 + Math.floor(r() * 40)))).toEqual(want);
  });

  test('a final newline adds no empty line; empty chunks change nothing', () => {
    expect(feed(Buffer.from('a\nb\n'), [0, 0, 2, 2])).toEqual(['a', 'b']);
    expect(feed(Buffer.from(''), [])).toEqual([]);
    expect(feed(Buffer.from('\n'), [])).toEqual(['']);
  });

  test('invalid UTF-8 becomes U+FFFD and ends nothing early', () => {
    expect(feed(Buffer.from([0x61, 0xff, 0x0a, 0x62, 0xc3]), [2])).toEqual(['a\ufffd', 'b\ufffd']);
  });

  test('lines longer than maxLength are reported once each and skipped, however they are cut', () => {
    const lines = ['short', 'x'.repeat(25), 'ok', 'y'.repeat(11), 'z'.repeat(10), 'é'.repeat(6), 'tail', 'w'.repeat(30)];
    const text = Buffer.from(lines.join('\n'));
    const expected = ['short', 'TOO-LONG', 'ok', 'TOO-LONG', 'z'.repeat(10), 'TOO-LONG', 'tail', 'TOO-LONG'];
    expect(feed(text, [], 10)).toEqual(expected);
    const r = rng(7);
    for (let i = 0; i < 200; i++) expect(feed(text, randomCuts(text.length, r, 1 + Math.floor(r() * 12)), 10)).toEqual(expected);
  });
});

describe('LineSplitter with onBytes', () => {
  /** Lines as the splitter hands them over: taken as bytes (B:) or, declined, as text (T:). */
  function feedBytes(bytes: Buffer, cuts: number[], take: (line: string) => boolean): string[] {
    const out: string[] = [];
    const s = new LineSplitter(
      (line) => out.push(`T:${line}`),
      () => out.push('TOO-LONG'),
      undefined,
      (chunk, start, end) => {
        const line = chunk.toString('latin1', start, end);
        if (!take(line)) return false;
        out.push(`B:${line}`);
        return true;
      },
    );
    writeCut(s, bytes, cuts);
    return out;
  }

  const ascii = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? '' : `line ${i} ${'x'.repeat(i % 50)}${i % 11 === 0 ? '\r' : ''}`)).join('\n');

  test('every line once, in order, as bytes or as text, whatever the cuts', () => {
    const bytes = Buffer.from(ascii);
    const want = ascii.split('\n');
    const r = rng(11);
    for (let round = 0; round < 20; round++) {
      const got = feedBytes(bytes, randomCuts(bytes.length, r, 1 + Math.floor(r() * 400)), (l) => l.length % 2 === 0);
      expect(got.map((x) => x.slice(2))).toEqual(want);
      // Lines within one chunk are offered as bytes; a declined one comes as text.
      expect(got.some((x) => x.startsWith('B:'))).toBe(true);
      expect(got.filter((x) => x.startsWith('B:')).every((x) => x.length % 2 === 0)).toBe(true);
    }
  });

  test('a chunk with a non-ASCII byte is read as text only', () => {
    const bytes = Buffer.from(`${ascii}\nnaïve café\n${ascii}`);
    const got = feedBytes(bytes, [], () => true);
    expect(got.map((x) => x.slice(2))).toEqual(bytes.toString('utf8').split('\n'));
    expect(got.every((x) => x.startsWith('T:'))).toBe(true);
  });
});
