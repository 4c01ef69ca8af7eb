/**
 * The core's byte path (LineInput.pushBytes → parseIptablesBytes: ASCII netfilter lines read
 * without a string) against the string path (LineInput.push) over the same bytes: the same
 * aggregate, counters and samples — and the lines it must leave to the string path (syslog
 * repetitions, odd shapes, other families) are left there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../src/core.js';
import { LineSplitter } from '../../src/lines.js';
import { snapshot } from '../helpers/report.js';

const fixture = (...p: string[]) => readFileSync(join(process.cwd(), 'fixtures', ...p));

/** Read `data` (in chunks of `size`) by the byte path, or by the string path only. */
function read(data: Buffer, bytePath: boolean, size = 4096): unknown {
  const analyzer = new Analyzer({ timeZone: 'UTC' });
  const input = analyzer.openInput('t.log', Date.UTC(2026, 0, 1));
  let taken = 0;
  // The byte path is the input's own splitter (regions loaded once, lines read in place); the
  // string path a splitter that only hands over text.
  const pushBytes = input.pushBytes.bind(input);
  input.pushBytes = (b, s, e) => {
    const ok = pushBytes(b, s, e);
    if (ok) taken++;
    return ok;
  };
  const splitter = bytePath ? input.splitter() : new LineSplitter((l) => input.push(l), () => undefined);
  for (let at = 0; at < data.length; at += size) splitter.write(data.subarray(at, at + size));
  splitter.end();
  const a = analyzer.aggregate;
  return {
    taken,
    report: snapshot(a),
    lines: a.lines,
    ignored: a.ignoredLines,
    unrecognized: a.unrecognizedLines,
    rejected: [...a.rejected],
    samples: a.rejectSamples,
    unrecognizedSamples: analyzer.unrecognizedSamples,
    lineNumber: input.lineNumber,
  };
}

function same(data: Buffer, size?: number): { taken: number } {
  const viaBytes = read(data, true, size) as { taken: number };
  const viaText = read(data, false, size) as { taken: number };
  expect({ ...viaBytes, taken: 0 }).toEqual({ ...viaText, taken: 0 });
  expect(viaText.taken).toBe(0);
  return viaBytes;
}

test.each([
  ['iptables', 'mixed-variants.log'],
  ['iptables', 'crowdsec-iptables-logs.log'],
  ['iptables', 'crowdsec-proxmox-iptables.log'],
  ['sample', 'ufw-sample.log'],
  ['filterlog', 'opnsense-crafted.log'],
  ['windows', 'crafted-pfirewall.log'],
])('%s/%s: the same aggregate by bytes and by text', (d, f) => {
  same(fixture(d, f));
});

test('the sample log is read almost wholly by bytes (guards the test itself)', () => {
  const data = fixture('sample', 'ufw-sample.log');
  const lines = data.toString().split('\n').filter((l) => l !== '').length;
  expect(same(data, 1 << 16).taken).toBeGreaterThan(lines * 0.9);
});

const ufw = fixture('sample', 'ufw-sample.log').toString().split('\n').filter((l) => l.includes('SRC='));
const [head, fields] = [ufw[0].slice(0, ufw[0].indexOf('[UFW')), ufw[0].slice(ufw[0].indexOf(' IN=') + 1)];

test.each([
  ['rsyslog repetition of a netfilter line', `${head}message repeated 3 times: [ [UFW BLOCK] ${fields}]`],
  ['repetition words after the fields', `${ufw[1]} message repeated 2 times`],
  ['last message repeated', `${head}last message repeated 4 times`],
  // Short: the fields end before where repeatCount stops looking (200 characters in).
  ['repetition words after a short UDP line', 'Jan  8 03:37:09 h kernel: [UFW BLOCK] IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=20 message repeated 2 times'],
  ['CR, NULs and spaces around a line', `  ${ufw[2]} \t\r\0\0`],
  ['an empty line and a blank one', `\n   `],
  ['a filterlog line between netfilter lines', fixture('filterlog', 'opnsense-crafted.log').toString().split('\n')[0]],
])('%s: counted as by the string path', (_name, line) => {
  const data = Buffer.from([...ufw.slice(3, 8), line, ...ufw.slice(8, 12)].join('\n'));
  same(data);
  same(data, 7);
});

test('a repetition of a netfilter line counts its packets, not one', () => {
  const once = read(Buffer.from(`${ufw[0]}\n`), true) as { report: { summary: { events: number } } };
  const line = `${head}message repeated 3 times: [ [UFW BLOCK] ${fields}]`;
  const r = read(Buffer.from(`${line}\n`), true) as { report: { summary: { events: number } }; taken: number };
  expect(once.report.summary.events).toBe(1);
  expect(r.taken).toBe(0);
  expect(r.report.summary.events).toBe(3);
});
