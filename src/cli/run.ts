/** The CLI's process (src/cli/bin.ts starts it): process-wide settings, then main(). */
// First, so that its check runs as early as it can (see there).
import './young-generation.js';
import { WORKER_MIN_BYTES, prewarmParseWorker } from '../ingest/parallel.js';
import { isReadablePipe } from '../ingest/pipe.js';
import { inputBytes } from './launch.js';

// Input files that will go through the parse worker: start it now, so that it loads while the CLI
// does (main.js is imported after this, not before). Input of unknown size arriving through a pipe
// (`cat ufw.log | portscan-report`) is taken to be large: a small one costs the other core's start
// of a thread it does not use, a large one would wait for that start.
const mode = process.env.PORTSCAN_REPORT_PARSE_WORKER;
if (mode === undefined || mode === '' || mode === 'auto' || mode === 'always') {
  const bytes = inputBytes(process.argv.slice(2));
  if (bytes === null ? isReadablePipe(0) : bytes >= WORKER_MIN_BYTES || mode === 'always') prewarmParseWorker();
}
const { main } = await import('./main.js');

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
