/**
 * The HTML report: self-contained (nothing to load), escaped, and read by a real browser. The
 * browser test loads the file in headless Chromium (`--dump-dom`) and asserts on what it built; it
 * is skipped, and says so in its name, when no `chromium` is installed (CI installs it: .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '../../src/reports/html.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('html');
const out = join(dir, 'report.html');
// The iptables variants fixture, and a vertical scan of 40 ports in 40 seconds so there is a scan.
const fixture = join(dir, 'scan.log');
let text = readFileSync(join(process.cwd(), 'fixtures', 'iptables', 'mixed-variants.log'), 'utf8');
for (let i = 0; i < 40; i++) {
  text += `Mar  1 10:01:${String(i).padStart(2, '0')} gw kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=203.0.113.200 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=1 PROTO=TCP SPT=40000 DPT=${1000 + i * 7} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}
writeFileSync(fixture, text);

const chromium = ['chromium', 'chromium-browser'].find((c) => spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0);

beforeAll(async () => {
  const r = await runCli(['--tz', 'UTC', '--year', '2024', '--format', 'html', '-o', out, fixture]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('');
});

test('one self-contained file: no script, no external stylesheet, image, font or frame', () => {
  const html = readFileSync(out, 'utf8');
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=/i);
  // The only URL is the SVG namespace, which is a name, not a request.
  expect(html.match(/https?:\/\/[^"' )]+/g)).toEqual(['http://www.w3.org/2000/svg']);
});

test('text from logs is escaped', () => {
  expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
});

(chromium ? test : test.skip)(`headless Chromium renders the report${chromium ? '' : ' (skipped: chromium not installed)'}`, () => {
  const profile = tempDir('chromium');
  const r = spawnSync(
    chromium!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--dump-dom',
      `file://${out}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status).toBe(0);
  const dom = r.stdout;
  // What the browser built from the file, section by section.
  expect(dom).toMatch(/<title>portscan-report: 64 probes, 2024-03-01<\/title>/);
  for (const h of ['Timeline', 'Top probed ports', 'Top sources', 'Scans found', 'Allowed, audited and outbound traffic (not probes)', 'Parse summary']) {
    expect(dom).toContain(`<h2>${h}</h2>`);
  }
  expect(dom).toContain('<div class="card"><b>67</b><span>events</span></div>');
  expect(dom).toContain('<div class="card"><b>55</b><span>ports probed</span></div>');
  // A port row: figures, the classifier's verdict on this log, the registry's note.
  expect(dom).toMatch(
    /<td class="port">3089\/tcp<\/td><td>ptk-alink<\/td><td class="n">3<\/td><td class="n">3<\/td><td class="n">2<\/td><td><span class="verdict v-background" title="background: [^"]+">background<\/span><\/td><td><span class="scanned s-background">background<\/span><\/td><td class="why">Reported to receive steady scanning/,
  );
  // The scanner: a source row with its class and severity, and the scan itself.
  expect(dom).toContain('<td class="port">203.0.113.200</td><td class="n">40</td><td class="n">40</td><td class="n">1</td><td>vertical-scan</td><td><span class="verdict sev-2">2</span></td>');
  expect(dom).toContain('<td>vertical</td><td>203.0.113.200: vertical scan of 40 ports of 203.0.113.10</td><td class="n">40</td>');
  // The chart: one bar per non-empty hour (09:00 and 10:00), a line per busiest port.
  const svg = dom.slice(dom.indexOf('<svg'), dom.indexOf('</svg>'));
  expect(svg.match(/<rect /g)).toHaveLength(2);
  expect(svg.match(/<polyline /g)).toHaveLength(5);
  expect(svg).toContain('<title>2024-03-01 10:00: 65 events, 64 probes</title>');
  expect(dom).toContain('<td>missing-dst</td><td class="n">1</td>');
});
