/**
 * `portscan-report explain`, run in-process through main(argv, io): what the registry knows about a
 * port without any log, in text and JSON; usage errors name the argument and exit 2.
 */
import { runCli } from '../helpers/cli.js';

describe('explain answers', () => {
  test('3089: both transports in full, the UDP game range marked as not applying to TCP', async () => {
    const r = await runCli(['explain', '3089']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^3089\/tcp {2}ptk-alink - ParaTek Agent Linking$/m);
    expect(r.stdout).toMatch(/^3089\/udp {2}ptk-alink - ParaTek Agent Linking$/m);
    expect(r.stdout).toMatch(/^ {2}Activity {6}dormant: registered, but nothing is known to use it$/m);
    expect(r.stdout).toContain('Ubisoft multiplayer range (reported), 3074-3174 (udp only: does not apply to');
    expect(r.stdout).toContain('https://www.iana.org/assignments/service-names-port-numbers/');
  });

  test.each<[string, RegExp]>([
    ['3089/udp', /^3089\/udp {2}ptk-alink/m],
    ['udp/3089', /^3089\/udp {2}ptk-alink/m],
    ['ssh', /^22\/tcp {2}ssh - The Secure Shell \(SSH\) Protocol$/m],
    ['3074-3174', /^202 ports; `explain PORT\/PROTO` shows one in full\.$/m],
    ['3074-3174/udp', /^101 ports; `explain PORT\/PROTO` shows one in full\.$/m],
  ])('%s', async (query, expected) => {
    const r = await runCli(['explain', query]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(expected);
  });

  test('several queries at once, each port once', async () => {
    const r = await runCli(['explain', '22/tcp', 'ssh/tcp']);
    expect(r.stdout.match(/^22\/tcp {2}ssh/gm)).toHaveLength(1);
  });

  test('--format json: the same knowledge as data', async () => {
    const r = await runCli(['explain', '--format', 'json', '3089/tcp']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(1);
    expect(j.ports).toHaveLength(1);
    expect(j.ports[0]).toMatchObject({ key: '3089/tcp', iana: { name: 'ptk-alink', status: 'assigned' }, activity: 'dormant', rangeClass: 'user' });
    expect(j.ports[0].notes.find((n: { id: string }) => n.id === 'range:3074-3174')).toMatchObject({ applies: false, protocols: ['udp'] });
    expect(j.sources.map((s: { id: string }) => s.id)).toContain('iana');
  });

  test('--help describes the subcommand', async () => {
    const r = await runCli(['explain', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('portscan-report explain [--format text|json] QUERY...');
  });

  test('the main --help mentions it', async () => {
    expect((await runCli(['--help'])).stdout).toContain('portscan-report explain PORT|PORT/PROTO|RANGE|SERVICE');
  });
});

describe('explain refuses, naming the argument, exit 2', () => {
  test.each<[string[], string]>([
    [['explain', 'nosuchservice'], "'nosuchservice': no IANA service named \"nosuchservice\""],
    [['explain', '70000'], "'70000': port out of range"],
    [['explain', '3174-3074'], "'3174-3074': range \"3174-3074\" runs backwards: write 3074-3174"],
    [['explain', '3089/icmp'], "'3089/icmp': unknown transport \"icmp\""],
    [['explain', '0-65535'], "'0-65535': \"0-65535\" names 131072 port/transport pairs"],
    [['explain'], 'explain: needs a port, port/proto, range or service name (e.g. explain 3089'],
    [['explain', '--format', 'csv', '22'], "explain --format: 'csv' is not one of text, json"],
    [['explain', '--bogus', '22'], 'explain: Unknown argument: bogus'],
  ])('%j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Try 'portscan-report explain --help'");
  });

  test('an unknown service says which code it was', async () => {
    expect((await runCli(['explain', 'nosuchservice'])).stderr).toContain('(unknown-service)');
  });
});
