/**
 * Deterministic synthetic firewall logs for benchmarks (not for tests of correctness: those use
 * real lines). Same arguments → same bytes.
 *
 *   node dist/bench/generate.js --family iptables --lines 1000000 --seed 1 -o /tmp/fw.log
 *
 * Content, roughly like an Internet-facing host: background probes from many distinct sources
 * (a new source for ~20% of lines, a Zipf-like head of popular ports and a uniform tail), a few
 * vertical scanners (one source, hundreds of ports), a few horizontal sweeps (one port, a /24),
 * ~2% unrelated syslog lines and ~0.05% damaged lines.
 */
import { createWriteStream } from 'node:fs';

export const FAMILIES = ['iptables', 'filterlog', 'pf', 'windows'] as const;
export type BenchFamily = (typeof FAMILIES)[number];

const HEAD_PORTS = [23, 22, 445, 3389, 80, 8080, 1433, 443, 2323, 3306, 5900, 8443, 21, 25, 135, 139, 6379, 8088, 81, 5555, 7547, 3089, 37215, 52869, 9200];
/** UDP probes go to UDP services (DNS, NTP, SNMP, SSDP, SIP, memcached, the 3074–3174 game range …). */
const UDP_PORTS = [5060, 1900, 123, 53, 161, 11211, 137, 389, 3702, 5353, 3089, 3074, 27015, 19];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Probe {
  time: number;
  src: string;
  dst: string;
  proto: 'TCP' | 'UDP';
  spt: number;
  dpt: number;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function bsdStamp(t: number): string {
  const d = new Date(t);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function formatLine(family: BenchFamily, p: Probe, id: number): string {
  switch (family) {
    case 'iptables':
      return p.proto === 'TCP'
        ? `${bsdStamp(p.time)} gw kernel: [${(p.time / 1000 - 1.7e9).toFixed(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=${p.src} DST=${p.dst} LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + (id % 200)} ID=${id % 65536} PROTO=TCP SPT=${p.spt} DPT=${p.dpt} WINDOW=1024 RES=0x00 SYN URGP=0`
        : `${bsdStamp(p.time)} gw kernel: [${(p.time / 1000 - 1.7e9).toFixed(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=${p.src} DST=${p.dst} LEN=40 TOS=0x00 PREC=0x00 TTL=${40 + (id % 200)} ID=${id % 65536} PROTO=UDP SPT=${p.spt} DPT=${p.dpt} LEN=20`;
    case 'filterlog':
      return p.proto === 'TCP'
        ? `${bsdStamp(p.time)} fw filterlog[3313]: 5,,,1000000103,igb0,match,block,in,4,0x0,,${40 + (id % 200)},${id % 65536},0,none,6,tcp,44,${p.src},${p.dst},${p.spt},${p.dpt},0,S,${id},,1024,,mss`
        : `${bsdStamp(p.time)} fw filterlog[3313]: 5,,,1000000103,igb0,match,block,in,4,0x0,,${40 + (id % 200)},${id % 65536},0,none,17,udp,40,${p.src},${p.dst},${p.spt},${p.dpt},20`;
    case 'pf':
      return p.proto === 'TCP'
        ? `${bsdStamp(p.time)}.${String(id % 1000000).padStart(6, '0')} rule 4/(match) block in on em0: ${p.src}.${p.spt} > ${p.dst}.${p.dpt}: S ${id}:${id}(0) win 1024 <mss 1460>`
        : `${bsdStamp(p.time)}.${String(id % 1000000).padStart(6, '0')} rule 4/(match) block in on em0: ${p.src}.${p.spt} > ${p.dst}.${p.dpt}: udp 20`;
    case 'windows': {
      const d = new Date(p.time);
      const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
      const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
      return p.proto === 'TCP'
        ? `${date} ${time} DROP TCP ${p.src} ${p.dst} ${p.spt} ${p.dpt} 44 S ${id} 0 1024 - - - RECEIVE`
        : `${date} ${time} DROP UDP ${p.src} ${p.dst} ${p.spt} ${p.dpt} 40 - - - - - - - RECEIVE`;
    }
  }
}

const WINDOWS_HEADER = [
  '#Version: 1.5',
  '#Software: Microsoft Windows Firewall',
  '#Time Format: Local',
  '#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path',
  '',
].join('\n');

export interface GenerateOptions {
  family: BenchFamily;
  lines: number;
  seed: number;
  /** Share of lines that start a new background source. */
  distinctShare: number;
}

/** Write the synthetic log to `path`; resolves with the number of bytes written. */
export async function generate(path: string, o: GenerateOptions): Promise<number> {
  const rand = rng(o.seed);
  const out = createWriteStream(path);
  let bytes = 0;
  let buf: string[] = [];
  const flush = async () => {
    const s = buf.join('\n') + '\n';
    buf = [];
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  if (o.family === 'windows') {
    out.write(WINDOWS_HEADER);
    bytes += WINDOWS_HEADER.length;
  }
  const start = Date.UTC(2025, 10, 19);
  const span = 7 * 86_400_000;
  const sources: string[] = [];
  const newSource = () => `${1 + Math.floor(rand() * 222)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  let scanner: { src: string; left: number; port: number; sweep: boolean; base: string } | null = null;
  for (let i = 0; i < o.lines; i++) {
    const time = start + Math.floor((span * i) / o.lines);
    const r = rand();
    let line: string;
    if (r < 0.02) {
      line = `${bsdStamp(time)} gw systemd[1]: Started Session ${i} of user admin.`;
    } else if (r < 0.0205) {
      line = `${bsdStamp(time)} gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=${newSource()} DS`;
    } else {
      let p: Probe;
      if (scanner === null && rand() < 0.0005) {
        scanner = { src: newSource(), left: 200 + Math.floor(rand() * 800), port: 1, sweep: rand() < 0.3, base: `203.0.${Math.floor(rand() * 4)}` };
      }
      if (scanner !== null) {
        const s: { src: string; left: number; port: number; sweep: boolean; base: string } = scanner;
        p = s.sweep
          ? { time, src: s.src, dst: `${s.base}.${1 + (s.left % 254)}`, proto: 'TCP', spt: 40000 + (i % 20000), dpt: 445 }
          : { time, src: s.src, dst: '203.0.113.10', proto: 'TCP', spt: 40000 + (i % 20000), dpt: s.port++ };
        if (--s.left === 0) scanner = null;
      } else {
        let src: string;
        if (sources.length === 0 || rand() < o.distinctShare) {
          src = newSource();
          sources.push(src);
          if (sources.length > 2_000_000) sources.length = 0;
        } else {
          src = sources[Math.floor(Math.pow(rand(), 3) * sources.length)];
        }
        const head = rand() < 0.7;
        const udp = rand() < 0.15;
        const list = udp ? UDP_PORTS : HEAD_PORTS;
        const dpt = head ? list[Math.floor(Math.pow(rand(), 2) * list.length)] : 1 + Math.floor(rand() * 65535);
        p = { time, src, dst: `203.0.113.${1 + (i % 4)}`, proto: udp ? 'UDP' : 'TCP', spt: 1024 + Math.floor(rand() * 64511), dpt };
      }
      line = formatLine(o.family, p, i);
    }
    buf.push(line);
    if (buf.length === 4096) await flush();
  }
  if (buf.length > 0) await flush();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}

function arg(name: string, fallback: string): string {
  let i = process.argv.indexOf(`--${name}`);
  if (i < 0 && name.length === 1) i = process.argv.indexOf(`-${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && /generate\.(js|ts)$/.test(process.argv[1])) {
  const family = arg('family', 'iptables') as BenchFamily;
  if (!FAMILIES.includes(family)) {
    process.stderr.write(`--family: '${family}' is not one of ${FAMILIES.join(', ')}\n`);
    process.exit(2);
  }
  const out = arg('o', arg('output', ''));
  if (out === '') {
    process.stderr.write('usage: node dist/bench/generate.js --family iptables --lines 1000000 --seed 1 -o FILE\n');
    process.exit(2);
  }
  generate(out, { family, lines: Number(arg('lines', '1000000')), seed: Number(arg('seed', '1')), distinctShare: 0.2 }).then((bytes) =>
    process.stderr.write(`${out}: ${bytes} bytes\n`),
  );
}
