/**
 * `--fail-on`: conditions on the aggregate of this run that turn into exit code 4 and a one-line
 * reason on stderr, for cron jobs and monitoring checks.
 *
 *   events>N    more than N events (packets) in the report
 *   allowed     an inbound event the firewall allowed (a probe let through)
 *   new-port    a probed port not in the state file's history (needs --state; the run that creates
 *               the state only learns)
 */
import { type Aggregate, keyPort, keyProto, type PortStats } from './aggregate.js';
import { ReportError } from './errors.js';
import { protoName } from './net/protocols.js';
import { num } from './reports/format.js';

export type AlertCondition = { kind: 'events'; above: number } | { kind: 'allowed' } | { kind: 'new-port' };

export const ALERT_FORMS = ['events>N', 'allowed', 'new-port'] as const;

/** Ports named in one reason line, at most. */
const MAX_NAMED = 5;

/** `--fail-on` text → conditions; a USAGE error names the bad item and the valid forms. */
export function parseAlertConditions(text: string): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^events\s*>\s*(\d+)$/.exec(item);
    if (m !== null) out.push({ kind: 'events', above: Number(m[1]) });
    else if (item === 'allowed') out.push({ kind: 'allowed' });
    else if (item === 'new-port') out.push({ kind: 'new-port' });
    else throw new ReportError('USAGE', `--fail-on: '${item}' is not one of ${ALERT_FORMS.join(', ')} (e.g. --fail-on new-port,events>1000)`);
  }
  if (out.length === 0) throw new ReportError('USAGE', `--fail-on: needs conditions: ${ALERT_FORMS.join(', ')} (e.g. --fail-on allowed)`);
  return out;
}

/** `22/tcp`, or the protocol name for protocols without ports. */
export function portStatsLabel(p: PortStats): string {
  const port = keyPort(p.key);
  const proto = protoName(keyProto(p.key));
  return port < 0 ? proto : `${port}/${proto}`;
}

export interface AlertContext {
  /** Port history of the state file; null when there is none to compare with. */
  knownPorts: ReadonlySet<string> | null;
}

/** The reasons, one per matched condition, in the order given; empty when none matched. */
export function evaluateAlerts(conditions: readonly AlertCondition[], agg: Aggregate, ctx: AlertContext): string[] {
  const reasons: string[] = [];
  const named = (ports: PortStats[]) =>
    ports
      .slice(0, MAX_NAMED)
      .map(portStatsLabel)
      .join(', ') + (ports.length > MAX_NAMED ? ` and ${num(ports.length - MAX_NAMED)} more` : '');
  const byCount = (a: PortStats, b: PortStats, n: (p: PortStats) => number) => n(b) - n(a) || a.key - b.key;
  for (const c of conditions) {
    switch (c.kind) {
      case 'events':
        if (agg.events > c.above) reasons.push(`events>${c.above}: ${num(agg.events)} events`);
        break;
      case 'allowed': {
        const ports = [...agg.ports.values()].filter((p) => p.allowedIn > 0).sort((a, b) => byCount(a, b, (p) => p.allowedIn));
        if (ports.length > 0) {
          const total = ports.reduce((n, p) => n + p.allowedIn, 0);
          reasons.push(`allowed: ${num(total)} inbound events allowed, on ${named(ports)}`);
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
