/**
 * Temporary directories for a test file, removed when the file's tests are done (importing this
 * registers the afterAll): a test run leaves nothing in the system's temp directory.
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
