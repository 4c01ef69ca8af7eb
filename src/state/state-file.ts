/**
 * The state file of `--state FILE`: the cursors of the files read and a bounded history of the
 * ports seen, as JSON. Read strictly (a corrupt or foreign file is an error, never silently reset:
 * resetting would report a whole log again); written atomically, temp file + rename, and only after
 * the report was written.
 *
 *   {
 *     "format": "portscan-report-state", "version": 1,
 *     "updated": "2024-03-01T10:00:00.000Z",
 *     "files": [ { "path": "/var/log/ufw.log", "at": "/var/log/ufw.log", "dev": 2049, "ino": 1234,
 *                  "size": 52311, "compressed": false, "offset": 52311,
 *                  "headHash": "<sha256 hex>", "tailHash": "<sha256 hex>" } ],
 *     "ports": { "22/tcp": "2024-03-01T09:59:58.000Z", … }     // port → last seen
 *   }
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ReportError } from '../errors.js';
import type { FileCursor } from './cursor.js';

export const STATE_FORMAT = 'portscan-report-state';
export const STATE_VERSION = 1;

/** Ports remembered for `--fail-on new-port`; the least recently seen go first. */
export const MAX_PORT_HISTORY = 10_000;

export interface RunState {
  files: FileCursor[];
  /** Port label (`22/tcp`, `icmp`) → last seen (ISO). */
  ports: Map<string, string>;
  /** False for a state created in this run (no file yet, or --reset-state): it has no history. */
  existed: boolean;
}

export function emptyState(): RunState {
  return { files: [], ports: new Map(), existed: false };
}

function corrupt(path: string, why: string): ReportError {
  return new ReportError('STATE_CORRUPT', `${path}: ${why}; not a state file this version can use (start over with --reset-state)`);
}

const HEX64 = /^[0-9a-f]{64}$/;

function isCursor(v: unknown): v is FileCursor {
  const c = v as Record<string, unknown>;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.path === 'string' &&
    typeof c.at === 'string' &&
    [c.dev, c.ino, c.size, c.offset].every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) &&
    typeof c.compressed === 'boolean' &&
    typeof c.headHash === 'string' &&
    HEX64.test(c.headHash) &&
    typeof c.tailHash === 'string' &&
    HEX64.test(c.tailHash)
  );
}

/** Read the state; a missing file is a first run. Throws STATE_CORRUPT for anything else unusable. */
export async function loadState(path: string): Promise<RunState> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState();
    throw new ReportError('STATE_UNREADABLE', `${path}: cannot read the state file (${code ?? String(err)})`);
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt(path, 'not JSON (a damaged file?)');
  }
  if (typeof data !== 'object' || data === null || data.format !== STATE_FORMAT) throw corrupt(path, `not a ${STATE_FORMAT} file`);
  if (data.version !== STATE_VERSION) throw corrupt(path, `state version ${String(data.version)}, expected ${STATE_VERSION}`);
  if (!Array.isArray(data.files) || !data.files.every(isCursor)) throw corrupt(path, 'damaged "files" entries');
  const ports = data.ports;
  if (typeof ports !== 'object' || ports === null || Array.isArray(ports) || !Object.values(ports).every((v) => typeof v === 'string')) {
    throw corrupt(path, 'damaged "ports" history');
  }
  return { files: data.files, ports: new Map(Object.entries(ports as Record<string, string>)), existed: true };
}

/** The state as JSON, the port history cut to MAX_PORT_HISTORY (most recently seen kept). */
export function serializeState(state: RunState, now: Date): string {
  const ports = [...state.ports].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : a[0] < b[0] ? -1 : 1)).slice(0, MAX_PORT_HISTORY);
  ports.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const data = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    updated: now.toISOString(),
    files: state.files,
    ports: Object.fromEntries(ports),
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Temp file beside it, fsync, rename: a crash leaves the old state or the new one, never half. */
export async function saveState(path: string, state: RunState, now = new Date()): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fsp.mkdir(dir, { recursive: true });
    const fh = await fsp.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(serializeState(state, now));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new ReportError('STATE_UNWRITABLE', `${path}: cannot write the state file (${e.code ?? e.message})`);
  }
}
