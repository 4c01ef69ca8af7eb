/**
 * `--fail-on`: conditions on the aggregate of this run that turn into exit code 4 and a one-line
 * reason on stderr, for cron jobs and monitoring checks.
 *
 *   targeted    a source the classifier (src/classify) classes `targeted`: repeated attempts on
 *               one host and port
 *   severity>=N a source of severity N or more (1-5, the classifier's scale)
 *   events>N    more than N events (packets) in the report
 *   allowed     an event towards you that the firewall allowed (a probe let through)
 *   new-port    a probed port not in the state file's history (needs --state; the run that creates
 *               the state only learns)
 */
import { type Aggregate, keyPort, keyProto, type PortStats, type SourceStats } from './aggregate.js';
import type { Classification } from './classify/classify.js';
import { ReportError } from './errors.js';
import { protoName } from './net/protocols.js';
import { num } from './reports/format.js';

export type AlertCondition =
  | { kind: 'targeted' }
  | { kind: 'severity'; atLeast: number }
  | { kind: 'events'; above: number }
  | { kind: 'allowed' }
  | { kind: 'new-port' };

export const ALERT_FORMS = ['targeted', 'severity>=N', 'events>N', 'allowed', 'new-port'] as const;

/** Whether evaluating `conditions` needs the classifier's verdicts. */
export function needsClassification(conditions: readonly AlertCondition[]): boolean {
  return conditions.some((c) => c.kind === 'targeted' || c.kind === 'severity');
}

/** Ports named in one reason line, at most. */
const MAX_NAMED = 5;

/** `--fail-on` text → conditions; a USAGE error names the bad item and the valid forms. */
export function parseAlertConditions(text: string): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^events\s*>\s*(\d+)$/.exec(item);
    const sev = /^severity\s*>=\s*(\d+)$/.exec(item);
    if (m !== null) out.push({ kind: 'events', above: Number(m[1]) });
    else if (sev !== null) {
      const n = Number(sev[1]);
      if (n < 1 || n > 5) throw new ReportError('USAGE', `--fail-on: '${item}': severity is 1 to 5 (e.g. --fail-on severity>=4)`);
      out.push({ kind: 'severity', atLeast: n });
    } else if (item === 'targeted') out.push({ kind: 'targeted' });
    else if (item === 'allowed') out.push({ kind: 'allowed' });
    else if (item === 'new-port') out.push({ kind: 'new-port' });
    else throw new ReportError('USAGE', `--fail-on: '${item}' is not one of ${ALERT_FORMS.join(', ')} (e.g. --fail-on new-port,events>1000)`);
  }
  if (out.length === 0) throw new ReportError('USAGE', `--fail-on: needs conditions: ${ALERT_FORMS.join(', ')} (e.g. --fail-on allowed)`);
  return out;
}

/** `22/tcp`, or the protocol name for protocols without ports, of a port key. */
function keyLabel(key: number): string {
  const port = keyPort(key);
  const proto = protoName(keyProto(key));
  return port < 0 ? proto : `${port}/${proto}`;
}

export function portStatsLabel(p: PortStats): string {
  return keyLabel(p.key);
}

export interface AlertContext {
  /** Port history of the state file; null when there is none to compare with. */
  knownPorts: ReadonlySet<string> | null;
  /** The classifier's verdicts; needed (not null) when `needsClassification`. */
  classification: Classification | null;
}

/** Sources listed in one reason line, at most. */
const MAX_SOURCES = 3;

/** The reasons, one per matched condition, in the order given; empty when none matched. */
export function evaluateAlerts(conditions: readonly AlertCondition[], agg: Aggregate, ctx: AlertContext): string[] {
  const reasons: string[] = [];
  const named = (ports: PortStats[]) =>
    ports
      .slice(0, MAX_NAMED)
      .map(portStatsLabel)
      .join(', ') + (ports.length > MAX_NAMED ? ` and ${num(ports.length - MAX_NAMED)} more` : '');
  const byCount = (a: PortStats, b: PortStats, n: (p: PortStats) => number) => n(b) - n(a) || a.key - b.key;
  const sourcesWhere = (keep: (s: SourceStats) => boolean) =>
    [...agg.sources.values()].filter(keep).sort((a, b) => b.events - a.events || (a.address < b.address ? -1 : 1));
  const listed = (sources: SourceStats[], describe: (s: SourceStats) => string) =>
    sources
      .slice(0, MAX_SOURCES)
      .map((s) => `${s.address} (${describe(s)})`)
      .join(', ') + (sources.length > MAX_SOURCES ? ` and ${num(sources.length - MAX_SOURCES)} more` : '');
  for (const c of conditions) {
    switch (c.kind) {
      case 'targeted': {
        const cl = ctx.classification!;
        const hits = sourcesWhere((s) => cl.classOf(s) === 'targeted');
        if (hits.length > 0) {
          const ports = (s: SourceStats) => [...(cl.targetedPorts.get(s.id) ?? [])].sort((a, b) => a - b).map(keyLabel).join(' ');
          reasons.push(`targeted: ${hits.length === 1 ? '1 source' : `${num(hits.length)} sources`} made repeated attempts on one host and port: ${listed(hits, ports)}`);
        }
        break;
      }
      case 'severity': {
        const cl = ctx.classification!;
        const hits = sourcesWhere((s) => cl.severity(s) >= c.atLeast).sort((a, b) => cl.severity(b) - cl.severity(a) || b.events - a.events);
        if (hits.length > 0) {
          reasons.push(`severity>=${c.atLeast}: ${hits.length === 1 ? '1 source' : `${num(hits.length)} sources`}, ${listed(hits, (s) => `severity ${cl.severity(s)}, ${cl.classOf(s)}`)}`);
        }
        break;
      }
      case 'events':
        if (agg.events > c.above) reasons.push(`events>${c.above}: ${num(agg.events)} events`);
        break;
      case 'allowed': {
        const ports = [...agg.ports.values()].filter((p) => p.allowedIn > 0).sort((a, b) => byCount(a, b, (p) => p.allowedIn));
        if (ports.length > 0) {
          const total = ports.reduce((n, p) => n + p.allowedIn, 0);
          reasons.push(`allowed: ${num(total)} ${total === 1 ? 'event' : 'events'} towards you allowed, on ${named(ports)}`);
        }
        break;
      }
      case 'new-port': {
        if (ctx.knownPorts === null) break;
        const known = ctx.knownPorts;
        const ports = [...agg.ports.values()]
          .filter((p) => p.probes > 0 && !known.has(portStatsLabel(p)))
          .sort((a, b) => byCount(a, b, (p) => p.probes));
        if (ports.length > 0) reasons.push(`new-port: ${named(ports)} probed for the first time`);
        break;
      }
    }
  }
  return reasons;
}

/** The probed ports of this run with their last-seen time, to add to the state's history. */
export function probedPorts(agg: Aggregate): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of agg.ports.values()) {
    if (p.probes === 0) continue;
    out.set(portStatsLabel(p), Number.isNaN(p.lastSeen) ? new Date(0).toISOString() : new Date(p.lastSeen).toISOString());
  }
  return out;
}
