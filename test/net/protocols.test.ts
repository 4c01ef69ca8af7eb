/** Protocol names and numbers as firewall logs print them, and names that only look like ones. */
import { protoName, protoNumber } from '../../src/net/protocols.js';
import { parseIptables } from '../../parsers/iptables.js';
import { newParseContext } from '../../src/types.js';

test.each([
  ['TCP', 6],
  ['udp', 17],
  ['ICMPv6', 58],
  ['2', 2],
  ['255', 255],
])('protoNumber(%s) = %d', (text, n) => {
  expect(protoNumber(text)).toBe(n);
});

test.each([['256'], ['-1'], ['constructor'], ['__proto__'], ['toString'], ['hasOwnProperty'], ['NOPE'], ['']])('not a protocol: %s', (text) => {
  expect(protoNumber(text)).toBe(-1);
});

test('a line with PROTO=constructor is rejected as bad-protocol, not counted', () => {
  const line = 'Jan  8 03:37:09 host kernel: [UFW BLOCK] IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TTL=245 ID=1 PROTO=constructor';
  expect(parseIptables(line, newParseContext({ referenceTime: Date.UTC(2024, 5, 1) }))).toBe('bad-protocol');
  expect(protoName(6)).toBe('tcp');
});
