#!/usr/bin/env node
/**
 * The `portscan-report` command. On Linux, for an input that may be large (src/cli/launch.ts: files
 * of 512 MiB or more, or standard input), it runs the CLI (src/cli/run.ts) in a child process with
 * glibc's mmap threshold fixed at 128 KiB (MALLOC_MMAP_THRESHOLD_), which glibc reads only when a
 * process starts; a smaller input is read in this process.
 *
 * Why: by default glibc raises the threshold each time a large block is freed (a read chunk, a
 * grown table), after which large typed arrays (the aggregate's pages) are carved out of one heap
 * among short-lived blocks; the holes are never given back. On the 4 M-line benchmark that cost
 * 15–25 MB of peak RSS, more with the parse worker (306 MB against 280 MB with the fixed
 * threshold, which was no slower). With the threshold fixed, every block over 128 KiB has its own
 * mapping and goes back to the system when freed.
 *
 * The child shares stdin, stdout and stderr; its exit code (or the signal that ended it) is this
 * process's. Nothing here imports the CLI: the parent stays small and starts fast.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wantsChild } from './launch.js';

const LAUNCHED = 'PORTSCAN_REPORT_LAUNCHED';

if (
  process.platform !== 'linux' ||
  process.env[LAUNCHED] !== undefined ||
  process.env.MALLOC_MMAP_THRESHOLD_ !== undefined ||
  !wantsChild(process.argv.slice(2))
) {
  await import('./run.js');
} else {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./run.js', import.meta.url)), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [LAUNCHED]: '1', MALLOC_MMAP_THRESHOLD_: String(128 * 1024) },
  });
  // Ctrl-C reaches both processes (one process group): the child decides; a signal sent to this
  // process alone (a cron timeout's kill) is passed on.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => {
    process.stderr.write(`portscan-report: cannot start: ${err.message}\n`);
    process.exitCode = 3;
  });
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exitCode = code ?? 3;
  });
}
