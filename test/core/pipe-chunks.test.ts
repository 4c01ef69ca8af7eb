/**
 * pipeChunks (src/stream.ts): a pipe read by its descriptor, one read per chunk asked for. Every
 * byte comes once and in order, and a short read (a writer sending a line at a time) does not keep
 * the 64 KiB read buffer alive: up to 4 MiB of such chunks are held before the parse worker is
 * chosen, which would otherwise pin gigabytes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { PIPE_CHUNK, pipeChunks } from '../../src/stream.js';
import { tempDir } from '../helpers/tmp.js';

const canFifo = process.platform !== 'win32' && spawnSync('mkfifo', ['--help']).status === 0;

/** Chunks read from a named pipe that a shell writes `script` into. */
async function readFifo(script: string): Promise<Buffer[]> {
  const fifo = join(tempDir('fifo'), 'p');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const writer = spawn('bash', ['-c', `exec > "${fifo}"; ${script}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const done = new Promise((resolve) => writer.on('close', resolve));
  // Opening the read end waits (in the thread pool) for the writer to open its end.
  const fh = await fsp.open(fifo, 'r');
  const chunks: Buffer[] = [];
  try {
    for await (const c of pipeChunks(fh.fd)) chunks.push(c);
  } finally {
    await fh.close();
  }
  await done;
  return chunks;
}

(canFifo ? describe : describe.skip)('pipeChunks', () => {
  test('a line at a time: every byte once, in order, and no short chunk holds the read buffer', async () => {
    const chunks = await readFifo('for i in $(seq 1 200); do printf "line %d of the slow writer\\n" $i; sleep 0.002; done');
    const expected = Array.from({ length: 200 }, (_, i) => `line ${i + 1} of the slow writer\n`).join('');
    expect(Buffer.concat(chunks).toString()).toBe(expected);
    // The writer pauses between lines, so most reads find one line (the test's premise).
    expect(chunks.length).toBeGreaterThan(50);
    for (const c of chunks) expect(c.buffer.byteLength).toBeLessThan(PIPE_CHUNK);
  }, 30_000);

  test('a fast writer: full reads, every byte once and in order', async () => {
    const chunks = await readFifo('head -c 3000000 /dev/zero | tr "\\0" "a"; printf "end\\n"');
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(3_000_004);
    expect(all.subarray(0, 3_000_000).every((b) => b === 0x61)).toBe(true);
    expect(all.subarray(3_000_000).toString()).toBe('end\n');
    expect(Math.max(...chunks.map((c) => c.length))).toBe(PIPE_CHUNK);
  }, 30_000);
});
