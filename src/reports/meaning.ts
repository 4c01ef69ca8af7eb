/**
 * "What this means": the report model told in plain sentences, for the text report. Every figure
 * comes from the model (src/report.ts), so the text never says what the JSON does not.
 */
import { SOURCE_CLASSES, type SourceClass } from '../classify/classify.js';
import { durationText } from '../classify/window.js';
import type { Confidence } from '../registry/types.js';
import { rowRegistry, type PortRegistry, type PortRow, type Report, type ScanRow, type SourceRow } from '../report.js';
import { num, portLabel, wallTime } from './format.js';

/** Plural-aware "N things". */
function count(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

function confidenceWords(c: Confidence): string {
  switch (c) {
    case 'primary':
      return 'primary source';
    case 'secondary':
      return 'secondary source';
    case 'weak':
      return 'weak source';
    case 'inference':
      return 'project inference';
  }
}

/** Sentences about the port from the registry alone. */
export function registrySentences(proto: string, reg: PortRegistry): string[] {
  const out: string[] = [];
  switch (reg.status) {
    case 'assigned':
      out.push(
        reg.activity === 'dormant'
          ? 'Registered with IANA, but nothing is known to use it (dormant).'
          : reg.activity === 'active'
            ? 'Registered with IANA and in use today.'
            : 'Registered with IANA.',
      );
      break;
    case 'reserved':
      out.push('Reserved by IANA: no service may use it.');
      break;
    case 'reserved-other-transport':
      out.push(`Reserved by IANA on ${proto}: the service is registered on another transport only.`);
      break;
    case 'deregistered':
      out.push('A former IANA assignment, since removed.');
      break;
    case 'unassigned':
      out.push(reg.activity === 'active' ? 'Not assigned by IANA, but in use.' : 'Not assigned by IANA.');
      break;
    case 'dynamic':
      out.push('In the dynamic range (49152-65535): never assigned; systems pick client ports here.');
      break;
  }
  if (reg.uses.length > 0) {
    const uses = reg.uses.map((u) => (u.confidence === 'primary' ? u.label : `${u.label} (${confidenceWords(u.confidence)})`));
    out.push(`Known uses: ${uses.join('; ')}.`);
  }
  for (const r of reg.ranges) {
    const what = r.uses.length > 0 ? `reported for ${r.uses.map((u) => u.label).join('; ')}` : r.label;
    const weak = r.uses.some((u) => u.confidence === 'weak' || u.confidence === 'inference') ? ' — a weak source' : '';
    const protos = r.protocols.map((p) => p.toUpperCase()).join('/');
    out.push(
      r.applies
        ? `Inside ${protos} ${r.from}-${r.to}, ${what}${weak}.`
        : `Sits inside ${protos} ${r.from}-${r.to}, ${what}${weak}${weak ? ', and' : ';'} irrelevant for ${proto.toUpperCase()}.`,
    );
  }
  const sv = reg.scanVolume;
  if (sv !== null) {
    if (sv.class === 'top') out.push('Among the most scanned ports on the Internet.');
    else if (sv.class === 'campaign') out.push('A target of known scanning campaigns.');
    else if (sv.class === 'background') out.push('Scanned at a low, steady rate, like most ports.');
  }
  return out;
}

/** Sentences about what the log shows on the port, and the verdict. */
export function logSentences(p: PortRow, tz: string): string[] {
  const v = p.verdict;
  const parts: string[] = [];
  const spanMs = p.firstSeen !== null && p.lastSeen !== null ? Date.parse(p.lastSeen) - Date.parse(p.firstSeen) : NaN;
  const over = spanMs !== spanMs ? '' : spanMs < 1000 ? ' within a second' : ` over ${durationText(spanMs)}`;
  parts.push(`${count(v.packets, 'packet')} towards you from ${count(v.sources, 'source')}${over}`);
  if (v.sources > 1) parts.push(v.maxPerSource <= 2 ? `no source sent more than ${v.maxPerSource}` : `the busiest source sent ${num(v.maxPerSource)}`);
  if (v.allSyn === true) parts.push('all SYN');
  if (v.stealth) parts.push('some with stealth flags');
  if (v.sources > 0) {
    const one = v.sources === 1;
    parts.push(
      v.singlePortSources === v.sources
        ? one
          ? 'it touched no other port'
          : 'none touched another port'
        : v.singlePortSources === 0
          ? one
            ? 'it touched other ports too'
            : 'every one touched other ports too'
          : `${num(v.singlePortSources)} of ${num(v.sources)} touched no other port`,
    );
  }
  if (p.byAction.allow > 0) parts.push(`${count(p.byAction.allow, 'packet')} allowed through`);
  const out = [`This log: ${parts.join('; ')}.`];
  if (p.lastSeen !== null && v.sources > 0) out[0] = out[0].replace(/\.$/, `; last ${wallTime(p.lastSeen, tz).slice(0, 16)}.`);
  out.push(`Verdict: ${verdictText(p)}.`);
  return out;
}

function verdictText(p: PortRow): string {
  return p.verdict.summary.replace(/^(background|targeted|mixed|too little data): /, '$1 — ');
}

/** The whole paragraph for one port. */
export function portParagraph(p: PortRow, tz: string): string {
  const label = portLabel(p.proto, p.port);
  const reg = rowRegistry(p);
  const head =
    reg === null
      ? p.port === null
        ? `${label} — a protocol without ports.`
        : `${label}.`
      : reg.name === ''
        ? `${label} — no IANA service name.`
        : reg.description === '' || reg.description === reg.name
          ? `${label} — ${reg.name}.`
          : `${label} — ${reg.name} ("${reg.description}").`;
  return [head, ...(reg === null ? [] : registrySentences(p.proto, reg)), ...logSentences(p, tz)].join(' ');
}

const VERDICT_RANK = { targeted: 0, mixed: 1, background: 3, 'too-little-data': 4 } as const;

/**
 * Ports worth a paragraph, in the order they deserve attention: targeted, mixed, allowed traffic,
 * background. A port with too little data for a verdict and nothing allowed says nothing.
 */
export function rankPortsByAttention(ports: readonly PortRow[]): PortRow[] {
  const rank = (p: PortRow) => (p.byAction.allow > 0 && VERDICT_RANK[p.verdict.verdict] > 1 ? 2 : VERDICT_RANK[p.verdict.verdict]);
  return ports
    .filter((p) => p.verdict.sources > 0 && rank(p) < VERDICT_RANK['too-little-data'])
    .sort((a, b) => rank(a) - rank(b) || b.verdict.packets - a.verdict.packets || b.verdict.sources - a.verdict.sources || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : (a.port ?? -1) - (b.port ?? -1)));
}

const CLASS_WORDS: Record<SourceClass, [string, string]> = {
  outbound: ['outbound policy block', 'outbound policy blocks'],
  'lan-noise': ['LAN broadcast/discovery sender', 'LAN broadcast/discovery senders'],
  'stale-return': ['stale return traffic source', 'stale return traffic sources'],
  backscatter: ['backscatter source', 'backscatter sources'],
  reflection: ['reflected UDP source', 'reflected UDP sources'],
  peer: ['game/peer traffic source', 'game/peer traffic sources'],
  targeted: ['source of repeated targeted attempts', 'sources of repeated targeted attempts'],
  'vertical-scan': ['vertical scan', 'vertical scans'],
  'distributed-scan': ['member of a distributed scan', 'members of distributed scans'],
  'slow-scan': ['slow scan', 'slow scans'],
  'horizontal-scan': ['horizontal sweep', 'horizontal sweeps'],
  allowed: ['source of allowed traffic only', 'sources of allowed traffic only'],
  background: ['background probe', 'background probes'],
  unclassified: ['unclassified source (more than background, below every scan threshold)', 'unclassified sources (more than background, below every scan threshold)'],
};

export function className(cls: SourceClass): string {
  return CLASS_WORDS[cls][0];
}

/** Attention order of the classes: what you may need to act on first. */
const CLASS_ATTENTION: readonly SourceClass[] = [
  'targeted',
  'vertical-scan',
  'distributed-scan',
  'horizontal-scan',
  'slow-scan',
  'allowed',
  'unclassified',
  'background',
  'backscatter',
  'reflection',
  'stale-return',
  'peer',
  'lan-noise',
  'outbound',
];

/** "1,411 sources: 10 sources of repeated targeted attempts, 22 slow scans, … 1,225 background probes." */
export function classSentence(classes: Record<SourceClass, number>): string {
  let total = 0;
  for (const cls of SOURCE_CLASSES) total += classes[cls];
  const parts = CLASS_ATTENTION.filter((c) => classes[c] > 0).map((c) => `${num(classes[c])} ${CLASS_WORDS[c][classes[c] === 1 ? 0 : 1]}`);
  return `${count(total, 'source')}: ${parts.join(', ')}.`;
}

export function isNotable(r: SourceRow): boolean {
  return r.class === 'targeted' || r.class.endsWith('-scan');
}

export function rankSourcesByAttention(rows: readonly SourceRow[]): SourceRow[] {
  const at = (r: SourceRow) => CLASS_ATTENTION.indexOf(r.class);
  return rows.filter(isNotable).sort((a, b) => b.severity - a.severity || at(a) - at(b) || b.events - a.events || (a.address < b.address ? -1 : 1));
}

/** The paragraph for one notable source: class, severity, the rule's figures, the marks. */
export function sourceParagraph(r: SourceRow, tz: string): string {
  const [main, ...marks] = r.reasons;
  const when = r.firstSeen === null ? '' : `, ${timeRange(wallTime(r.firstSeen, tz).slice(0, 16), wallTime(r.lastSeen, tz).slice(0, 16))}`;
  const figures = `${count(r.events, 'packet')}, ${count(r.ports, 'port')}, ${count(r.destinations, 'host')}${when}.`;
  const extra = marks.map((m) => `${capitalise(m.text)}.`);
  return [`${r.address} — ${className(r.class)}, severity ${r.severity}: ${main.text}.`, capitalise(figures), ...extra].join(' ');
}

/** "2024-05-01 12:00 to 13:10", "2024-05-01 12:00 to 2024-05-02 01:00", or "at 2024-05-01 12:00". */
function timeRange(from: string, to: string): string {
  if (from === to) return `at ${from}`;
  return from.slice(0, 10) === to.slice(0, 10) ? `${from} to ${to.slice(11)}` : `${from} to ${to}`;
}

export function scanLine(s: ScanRow): string {
  const who = s.group !== null ? `${s.group} (${count(s.sources.length, 'source')})` : s.sources[0];
  if (s.kind === 'horizontal') return `${who}: sweep of ${num(s.hosts)} hosts on ${portLabel(s.proto ?? '?', s.port)}`;
  return `${who}: ${s.kind} scan of ${num(s.ports)} ports of ${s.target}`;
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/** Things the reader must know to trust the rest: what the log cannot show. */
export function caveats(report: Report): string[] {
  const s = report.summary;
  const out: string[] = [];
  if (!s.home.sweepsVisible) {
    const from = s.home.origin === 'option' ? '--home-net' : 'the destinations seen inbound';
    out.push(
      `This log watches ${count(s.home.watched, 'address', 'addresses')} (${from}): a sweep across hosts needs ${s.home.sweepMinWatched} to be seen, so none is claimed, and none can be ruled out.`,
    );
  }
  const missing: string[] = [];
  if (!s.fields.tcpFlags) missing.push('TCP flags (stale return, backscatter and stealth-flag rules were skipped)');
  if (!s.fields.ipId) missing.push("IP ID (ZMap's fingerprint was not checked)");
  if (!s.fields.time) missing.push('times (window and repeat rules were skipped)');
  if (missing.length > 0) out.push(`This log has no ${missing.join('; no ')}.`);
  if (s.ignored.bySource + s.ignored.byDestination > 0) {
    out.push(`${count(s.ignored.bySource + s.ignored.byDestination, 'packet')} from --ignore-src/--ignore-dst addresses were left out.`);
  }
  return out;
}
