#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// Keep V8's young generation at its first size (1 MiB semi-spaces) instead of letting it grow to
// 16 MiB ones. V8 grows it once enough bytes have survived collections, summed over the whole run,
// so on a long log it always reaches the maximum: ~30 MB of RSS that holds only garbage between
// collections. Read per growth, so it still applies when set here (a command-line V8 flag would
// need a wrapper script around node). For the CLI only: a library user's process is theirs.
setFlagsFromString('--semi-space-growth-factor=1');

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
