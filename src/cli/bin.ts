#!/usr/bin/env node
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// Cap V8's young generation (NEW_SPACE_CAP, both semi-spaces). V8 grows it once enough bytes have
// survived collections, summed over the whole run, so on a long log it always reaches its maximum
// (16 MiB semi-spaces): ~30 MB of RSS that holds garbage between collections. Once it reaches the
// cap, growth is switched off (--semi-space-growth-factor is read at each growth, so it applies when
// set at run time; a command-line V8 flag would need a wrapper script around node). A smaller cap
// costs time (a collection per MiB allocated at 1 MiB semi-spaces: ~15% on 1 M lines).
// For the CLI only: a library user's process is theirs.
const NEW_SPACE_CAP = Number(process.env.PORTSCAN_REPORT_NEW_SPACE_MB ?? '4') * 1024 * 1024;
const capYoungGeneration = setInterval(() => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (space === undefined || space.space_size >= NEW_SPACE_CAP) {
    setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(capYoungGeneration);
  }
}, 10);
capYoungGeneration.unref();

// `portscan-report … | head`: the reader went away; what it wanted was written. Exit 0.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`portscan-report: internal error: ${String(err)}\n`);
    process.exitCode = 3;
  },
);
