/**
 * canonicalIpv4 reads the address and notes leading zeros in one pass; it must give what the
 * two-step definition gives (the number, then the text rebuilt when an octet of two or three digits
 * starts with 0) for every string, valid or not.
 */
import { canonicalIpv4, ipv4ToNumber, numberToIpv4 } from '../../src/net/ip.js';

function leadingZeroOctet(s: string): boolean {
  for (let i = 0; i < s.length - 1; i++) {
    if (s.charCodeAt(i) === 48 && (i === 0 || s.charCodeAt(i - 1) === 46) && s.charCodeAt(i + 1) !== 46) return true;
  }
  return false;
}

function reference(s: string): string {
  const n = ipv4ToNumber(s);
  if (n < 0) return '';
  return leadingZeroOctet(s) ? numberToIpv4(n) : s;
}

test('one pass = number then leading zeros, on crafted strings', () => {
  const parts = ['0', '00', '000', '1', '01', '001', '10', '010', '100', '255', '256', '0255', '99', '', 'a', ' '];
  const wrong: string[] = [];
  let n = 0;
  for (const a of parts) {
    for (const b of parts) {
      for (const c of parts) {
        for (const d of parts) {
          for (const s of [`${a}.${b}.${c}.${d}`, `${a}.${b}.${c}`, `${a}.${b}.${c}.${d}.`, `${a}${b}.${c}.${d}`]) {
            n++;
            if (canonicalIpv4(s) !== reference(s) && wrong.length < 5) wrong.push(s);
          }
        }
      }
    }
  }
  expect(n).toBeGreaterThan(200_000);
  expect(wrong).toEqual([]);
});

test.each([
  ['1.2.3.00', '1.2.3.0'],
  ['1.2.3.0', '1.2.3.0'],
  ['00.1.2.3', '0.1.2.3'],
  ['10.0.0.10', '10.0.0.10'],
  ['1.2.3.', ''],
  ['1.2.3.4 ', ''],
])('canonicalIpv4(%j) = %j', (input, want) => {
  expect(canonicalIpv4(input)).toBe(want);
});
