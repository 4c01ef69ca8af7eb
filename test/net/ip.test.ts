import { canonicalIpv4, canonicalIpv6, ipv4ToNumber, ownAddress } from '../../src/net/ip.js';

test.each([
  // RFC 5952 section 4 rules: lower case, no leading zeros, longest zero run compressed, first on a tie,
  // a single zero group not compressed.
  ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['2012:1234:1234:0000:0000:0000:0000:0002', '2012:1234:1234::2'],
  ['fe80:0000:0000:0000:0084:88ff:feae:790a', 'fe80::84:88ff:feae:790a'],
  ['ff02:0000:0000:0000:0000:0000:0000:0016', 'ff02::16'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['2001:DB8::A', '2001:db8::a'],
  ['::', '::'],
  ['::1', '::1'],
  ['1::', '1::'],
  ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ['fe80::1%eth0', 'fe80::1'],
])('IPv6 %s → %s', (input, want) => {
  expect(canonicalIpv6(input)).toBe(want);
});

test.each([['1:2:3:4:5:6:7:8:9'], ['1::2::3'], ['12345::'], [':1'], ['1:'], ['g::1'], ['']])('not IPv6: %s', (s) => {
  expect(canonicalIpv6(s)).toBe('');
});

test.each([
  ['192.168.1.1', '192.168.1.1'],
  ['010.001.002.003', '10.1.2.3'],
  ['0.0.0.0', '0.0.0.0'],
  ['255.255.255.255', '255.255.255.255'],
])('IPv4 %s → %s', (input, want) => {
  expect(canonicalIpv4(input)).toBe(want);
});

test.each([['256.1.1.1'], ['1.2.3'], ['1.2.3.4.5'], ['1..2.3'], ['192.168.1.10055'], ['x.x.x.79'], ['']])('not IPv4: %s', (s) => {
  expect(ipv4ToNumber(s)).toBe(-1);
});

test('ownAddress gives an equal string for both families', () => {
  expect(ownAddress('203.0.113.5')).toBe('203.0.113.5');
  expect(ownAddress('2001:db8::1')).toBe('2001:db8::1');
});
