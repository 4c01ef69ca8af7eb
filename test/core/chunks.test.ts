/**
 * Chunk boundaries on purpose (after split2's "split utf8 chars" test): the same bytes fed whole,
 * one byte at a time and in random chunks must give the same aggregate — across CRLF pairs,
 * multi-byte UTF-8 characters and gzip.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { analyzeStream } from '../../src/index.js';
import { chunked, randomSizes, snapshot } from '../helpers/report.js';

const sample = readFileSync(join(process.cwd(), 'fixtures', 'iptables', 'mixed-variants.log'));
// CRLF line ends and a UTF-8 line (non-firewall) so that splits fall inside both.
const crlf = Buffer.from(sample.toString('utf8').replace(/\n/g, '\r\n') + 'Mar  1 10:00:00 host app: naïve café ☕ 日本\r\n');

test('the fixture is a real mix (guards the test itself)', () => {
  expect(sample.toString().split('\n').length).toBeGreaterThan(20);
});

test.each([
  ['LF', sample],
  ['CRLF + UTF-8', crlf],
])('%s: whole, byte by byte, and random chunks give the same aggregate', async (_n, data) => {
  const whole = snapshot(await analyzeStream(chunked(data, [data.length]), { timeZone: 'UTC' }));
  const bytes = snapshot(await analyzeStream(chunked(data, [1]), { timeZone: 'UTC' }));
  expect(bytes).toEqual(whole);
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = snapshot(await analyzeStream(chunked(data, randomSizes(seed, 5000, 97)), { timeZone: 'UTC' }));
    expect(random).toEqual(whole);
  }
});

test('gzip in random chunks gives the same aggregate as the plain text', async () => {
  const whole = snapshot(await analyzeStream(chunked(crlf, [crlf.length]), { timeZone: 'UTC' }));
  const gz = gzipSync(crlf);
  for (const seed of [7, 8]) {
    const r = snapshot(await analyzeStream(chunked(gz, randomSizes(seed, 5000, 13)), { timeZone: 'UTC' }));
    expect(r).toEqual(whole);
  }
});
