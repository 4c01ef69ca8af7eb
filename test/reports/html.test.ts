/**
 * The HTML report: self-contained (nothing to load), escaped, and read by a real browser. The
 * browser test loads the file in headless Chromium (`--dump-dom`) and asserts on what it built; it
 * is skipped, and says so in its name, when no `chromium` is installed (CI installs it: .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from '../../src/reports/html.js';
import { runCli } from '../helpers/cli.js';

const fixture = join(process.cwd(), 'fixtures', 'iptables', 'mixed-variants.log');
const dir = mkdtempSync(join(tmpdir(), 'psr-html-'));
const out = join(dir, 'report.html');

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
  const profile = mkdtempSync(join(tmpdir(), 'psr-chromium-'));
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
  expect(dom).toMatch(/<title>portscan-report: 24 probes, 2024-03-01<\/title>/);
  for (const h of ['Timeline', 'Top probed ports', 'Top sources', 'Scans found', 'Allowed, audited and outbound traffic (not probes)', 'Parse summary']) {
    expect(dom).toContain(`<h2>${h}</h2>`);
  }
  expect(dom).toMatch(/<div class="card"><b>27<\/b><span>events<\/span><\/div>/);
  expect(dom).toMatch(/<td class="port">3089\/tcp<\/td><td>ptk-alink<\/td><td class="n">3<\/td><td class="n">3<\/td><td class="n">2<\/td><td><span class="verdict v-background">background<\/span><\/td>/);
  expect(dom).toContain('<td class="port">198.51.100.8</td><td class="n">6</td>');
  // The chart: one bar per non-empty hour (09:00 and 10:00), a line per busiest port.
  const svg = dom.slice(dom.indexOf('<svg'), dom.indexOf('</svg>'));
  expect(svg.match(/<rect /g)).toHaveLength(2);
  expect(svg.match(/<polyline /g)).toHaveLength(5);
  expect(svg).toContain('<title>2024-03-01 10:00: 25 events, 24 probes</title>');
  expect(dom).toContain('<td>missing-dst</td><td class="n">1</td>');
});
