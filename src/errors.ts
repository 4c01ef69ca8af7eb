/**
 * Errors the tool reports, as a closed set of codes (tests assert the code, not the message).
 * Each maps to one exit code; the message is one line that names the file and the cause.
 */
export const ERROR_EXIT_CODES = {
  USAGE: 2,
  INPUT_NOT_FOUND: 2,
  INPUT_UNREADABLE: 2,
  INPUT_CORRUPT: 2,
  OUTPUT_UNWRITABLE: 2,
  /** `--state FILE` is damaged, of another program, or of another state version. */
  STATE_CORRUPT: 2,
  STATE_UNREADABLE: 2,
  STATE_UNWRITABLE: 2,
} as const;

export type ErrorCode = keyof typeof ERROR_EXIT_CODES;

export class ReportError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }

  get exitCode(): number {
    return ERROR_EXIT_CODES[this.code];
  }
}

/** One line for a Node.js system error: `ufw.log: no such file` rather than a stack. */
export function describeSystemError(path: string, err: unknown): ReportError {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return new ReportError('INPUT_NOT_FOUND', `${path}: no such file`);
    case 'EACCES':
    case 'EPERM':
      return new ReportError('INPUT_UNREADABLE', `${path}: permission denied`);
    case 'EISDIR':
      return new ReportError('INPUT_UNREADABLE', `${path}: is a directory`);
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return new ReportError('INPUT_CORRUPT', `${path}: corrupt gzip data (${e.message})`);
    default:
      return new ReportError('INPUT_UNREADABLE', `${path}: ${e?.message ?? String(err)}`);
  }
}
