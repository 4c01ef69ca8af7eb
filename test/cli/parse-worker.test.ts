/** PORTSCAN_REPORT_PARSE_WORKER: the CLI's switch for the parse worker (src/ingest/parallel.ts). */
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const sample = join(process.cwd(), 'fixtures', 'sample', 'ufw-sample.log');

test('always and auto (the default) give the report of a serial run', async () => {
  const serial = await runCli(['--format', 'json', '--tz', 'UTC', sample], { env: { PORTSCAN_REPORT_PARSE_WORKER: 'never' } });
  expect(serial.code).toBe(0);
  for (const mode of ['always', 'auto', '']) {
    const r = await runCli(['--format', 'json', '--tz', 'UTC', sample], { env: { PORTSCAN_REPORT_PARSE_WORKER: mode } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(serial.stdout);
  }
});

test('another value is a usage error naming the variable', async () => {
  const r = await runCli([sample], { env: { PORTSCAN_REPORT_PARSE_WORKER: 'yes' } });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/PORTSCAN_REPORT_PARSE_WORKER must be auto, always or never, not 'yes'/);
  expect(r.stdout).toBe('');
});
