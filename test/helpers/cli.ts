import { PassThrough, Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Sink extends Writable {
  text = '';
  isTTY: boolean;
  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

/** Run the CLI in-process. `stdin` null = a terminal (nothing piped). */
export async function runCli(
  argv: string[],
  opts: { stdin?: string | Buffer | null; stdoutTTY?: boolean; stderrTTY?: boolean; env?: Record<string, string> } = {},
): Promise<CliResult> {
  let stdin: Readable & { isTTY?: boolean };
  if (opts.stdin === null || opts.stdin === undefined) {
    stdin = new PassThrough();
    stdin.isTTY = opts.stdin === null;
    if (opts.stdin === undefined) (stdin as PassThrough).end();
  } else {
    stdin = Readable.from([Buffer.from(opts.stdin)]);
  }
  const stdout = new Sink(opts.stdoutTTY ?? false);
  const stderr = new Sink(opts.stderrTTY ?? false);
  const code = await main(argv, { stdin, stdout, stderr, env: opts.env ?? {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
