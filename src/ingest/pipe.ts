/**
 * Reading a pipe by its descriptor, on either thread (src/stream.ts reads the first chunks, the
 * parse worker reads on): which descriptors qualify, and what to do when one is empty.
 */
import { fstatSync } from 'node:fs';

/**
 * Whether descriptor `fd` is a pipe (or a socket: what a Node.js parent's `stdio: 'pipe'` gives its
 * child) read this way; false when it cannot tell. Not on Windows, whose named pipes libuv reads
 * its own way.
 */
export function isReadablePipe(fd: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * Whether a failed read of a pipe may simply be tried again: the pipe is empty for now (EAGAIN:
 * standard input is non-blocking once Node.js has opened it; libuv reports EWOULDBLOCK as EAGAIN
 * too), or a signal interrupted the read (EINTR: libuv does not retry reads itself).
 */
export function readAgain(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EINTR';
}

/** Longest pause before an empty pipe is tried again (a slow writer: `tail -f | …`). */
const MAX_PIPE_WAIT_MS = 50;

/** The pause after `wait` ms: 1 ms first, then doubling up to MAX_PIPE_WAIT_MS. */
export function nextPipeWait(wait: number): number {
  return Math.min(MAX_PIPE_WAIT_MS, Math.max(1, wait * 2));
}
