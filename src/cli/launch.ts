/**
 * Whether the `portscan-report` command (src/cli/bin.ts) runs the CLI in a child process with
 * glibc's mmap threshold fixed, or in its own process. The child saves memory only on a large
 * input (15–25 MB of peak RSS on a 1 GB file; about 12 MB on 250 MB) and costs one more Node.js
 * start every run (40–150 ms on the project's machine): so the child only where the input may be
 * large. That is input of unknown size (standard input, a pipe, no file named) or files that add
 * up to LAUNCH_MIN_BYTES, a gzip file counted at GZIP_RATIO times its size.
 *
 * src/cli/run.ts also asks `inputBytes`, to start the parse worker early for a large input.
 *
 * Only the arguments are read, before the CLI's option parser is loaded (the parent stays small):
 * an argument is a file when it names one, except the value of an option that takes one. Any
 * mistake here costs time or memory, never a result: the CLI reads its arguments itself.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export const LAUNCH_MIN_BYTES = 512 * 1024 * 1024;
/** What a gzip file is counted as, against its size: firewall logs compress about 10:1. */
export const GZIP_RATIO = 10;

/**
 * The CLI's options that take no value (the others take the next argument unless given as
 * `--name=value`); test/cli/launcher.test.ts checks this list against the options table.
 */
export const FLAGS_WITHOUT_VALUE: readonly string[] = ['--reset-state', '--quiet', '-q', '--help', '-h', '--version', '-V'];

/** Whether the CLI should run in a child with the fixed threshold, for these arguments. */
export function wantsChild(args: readonly string[]): boolean {
  const bytes = inputBytes(args);
  return bytes === null || bytes >= LAUNCH_MIN_BYTES;
}

/**
 * The bytes the input files named in `args` count for (gzip at GZIP_RATIO times its size), or null
 * when the input is of unknown size: standard input (by name or because no file is named), a pipe.
 */
export function inputBytes(args: readonly string[]): number | null {
  let files = 0;
  let bytes = 0;
  let operands = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (operands && a === '--') {
      operands = false;
      continue;
    }
    if (operands && a.startsWith('-') && a !== '-') {
      // `--name=value` and yargs' negations (`--no-name`) stand alone.
      if (!a.includes('=') && !a.startsWith('--no-') && !FLAGS_WITHOUT_VALUE.includes(a)) i++;
      continue;
    }
    if (a === '-') return null;
    const size = fileSize(a);
    if (size === null) return null;
    if (size < 0) continue;
    files++;
    bytes += size;
  }
  return files === 0 ? null : bytes;
}

/**
 * The bytes a file counts for; -1 when `path` names nothing readable (the CLI will say so); null
 * for a pipe or device (its size is unknown).
 */
function fileSize(path: string): number | null {
  try {
    const st = statSync(path);
    if (!st.isFile()) return st.isDirectory() ? -1 : null;
    return isGzip(path) ? st.size * GZIP_RATIO : st.size;
  } catch {
    return -1;
  }
}

function isGzip(path: string): boolean {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
