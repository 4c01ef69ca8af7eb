/**
 * Temporary directories for a test file, removed when the file's tests are done (importing this
 * registers the afterAll): a test run leaves nothing in the system's temp directory. Jest runs no
 * afterAll for a file whose tests it all skips (`-t` naming tests elsewhere): a directory made
 * while the tests are collected, outside any hook or test, is then left behind. Made in a
 * beforeAll (test/core/parallel.test.ts, test/cli/launcher.test.ts), it is not made at all then.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory, named psr-NAME-XXXXXX in the temp directory. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `psr-${name}-`));
  made.push(dir);
  return dir;
}
