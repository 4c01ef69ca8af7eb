/**
 * Every threshold the classifier uses, in one place, with where it comes from. Those marked
 * "ours" are the project's own choice, not a published figure; change them here (or per run through
 * `ClassifierOptions`), never inline in a rule.
 *
 * Published sources:
 * - Zeek, scripts/policy/misc/scan.zeek: `port_scan_threshold = 15.0` unique ports of one victim
 *   host over `port_scan_interval = 5min`; `addr_scan_threshold = 25.0` unique hosts on one port
 *   over `addr_scan_interval = 5min`.
 * - psad, psad.conf: `DANGER_LEVEL1..5` = 5, 15, 150, 1500, 10000 packets ("the total number of
 *   packets required for a scan to reach each danger level"); `SCAN_TIMEOUT 3600` seconds.
 */
import { CidrSet } from './cidr.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ClassifierOptions {
  /**
   * What is "you": CIDR blocks. Null: the destination addresses seen inbound (forwarded packets
   * count, except those from a private address to a public one: that is your LAN going out).
   */
  homeNet: CidrSet | null;
  /** IANA zone that calendar days are counted in ("on ≥ 2 days"); '' = UTC. */
  timeZone: string;

  /** Repeated targeted attempts: at least this many packets to one host and port (issue #4; ours). */
  targetedMinAttempts: number;
  /** …spread over at least this long (issue #4; ours)… */
  targetedMinSpanMs: number;
  /** …or seen on at least this many calendar days (issue #4; ours). */
  targetedMinDays: number;

  /** Vertical scan: unique ports of one host (Zeek `port_scan_threshold`). */
  scanMinPorts: number;
  /** …within this window (Zeek `port_scan_interval`). */
  scanWindowMs: number;
  /** Slow scan: `scanMinPorts` ports spread over more than this (psad `SCAN_TIMEOUT`, 3600 s). */
  slowScanMinSpanMs: number;
  /** Distributed scan: sources grouped by IPv4 prefix length (ours: a /24, one provider's block). */
  groupPrefixV4: number;
  /** …and IPv6 prefix length (ours: a /48, one site's allocation, RFC 6177's old default). */
  groupPrefixV6: number;

  /** Horizontal sweep: unique hosts on one port (Zeek `addr_scan_threshold`)… */
  sweepMinHosts: number;
  /** …within this window (Zeek `addr_scan_interval`). */
  sweepWindowMs: number;
  /** Sweeps are only looked for when the log watches at least this many addresses (ours). */
  sweepMinWatched: number;

  /**
   * Background probe: at most this many packets (ours: psad reports nothing below DANGER_LEVEL1's
   * 5 packets; one more allows a SYN and its two retransmissions to each of two ports).
   */
  backgroundMaxPackets: number;
  /** …to at most this many ports (issue #4)… */
  backgroundMaxPorts: number;
  /** …of at most this many hosts (issue #4). */
  backgroundMaxTargets: number;

  /** Severity from packets: psad's DANGER_LEVEL1..5. */
  severityPackets: readonly number[];
  /** Severity from hosts touched (ours, "in psad's spirit": psad has no host-count levels). */
  severityHosts: readonly number[];

  /** A port verdict needs at least this many inbound sources, unless an attempt targeted it (ours). */
  verdictMinSources: number;
  /** "targeted" when at least this share of a port's inbound packets are targeted attempts (ours). */
  verdictTargetedShare: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: Readonly<ClassifierOptions> = Object.freeze({
  homeNet: null,
  timeZone: '',
  targetedMinAttempts: 10,
  targetedMinSpanMs: 10 * MINUTE,
  targetedMinDays: 2,
  scanMinPorts: 15,
  scanWindowMs: 5 * MINUTE,
  slowScanMinSpanMs: HOUR,
  groupPrefixV4: 24,
  groupPrefixV6: 48,
  sweepMinHosts: 25,
  sweepWindowMs: 5 * MINUTE,
  sweepMinWatched: 10,
  backgroundMaxPackets: 6,
  backgroundMaxPorts: 2,
  backgroundMaxTargets: 2,
  severityPackets: Object.freeze([5, 15, 150, 1500, 10000]),
  severityHosts: Object.freeze([10, 20, 50, 100, 500]),
  verdictMinSources: 3,
  verdictTargetedShare: 0.5,
});

/** Fill in the defaults once; nothing downstream sees `undefined`. */
export function normalizeClassifierOptions(o: Partial<ClassifierOptions> = {}): ClassifierOptions {
  const out = { ...DEFAULT_CLASSIFIER_OPTIONS } as ClassifierOptions;
  for (const [k, v] of Object.entries(o) as [keyof ClassifierOptions, unknown][]) {
    if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  for (const k of ['severityPackets', 'severityHosts'] as const) {
    if (out[k].length !== 5) throw new RangeError(`${k}: needs 5 ascending levels`);
  }
  return out;
}
