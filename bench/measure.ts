/**
 * Run a Node.js program in this process and report its wall time and peak RSS on fd 3 (JSON) when
 * it exits — the same yardstick for our CLI and for the naive reference script.
 *   node dist/bench/measure.js SCRIPT [args…]   (stdout of SCRIPT is left to the caller)
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const script = resolve(process.argv[2]);
process.argv = [process.argv[0], script, ...process.argv.slice(3)];
const started = process.hrtime.bigint();
process.on('exit', (code) => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  writeSync(3, JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, code }) + '\n');
});
await import(pathToFileURL(script).href);
