/**
 * The classifier: once, at report time, over the aggregate. Per source the first rule that matches:
 *
 *   outbound → lan-noise → stale-return → backscatter → reflection → peer → targeted
 *   → vertical-scan → distributed-scan → slow-scan → horizontal-scan → allowed → background
 *   → unclassified
 *
 * `allowed` (nothing blocked) and `unclassified` (the rest) are the project's own additions to
 * issue #4's list. A LAN source's broadcast, multicast and discovery pairs are left out of rules
 * 7-11: a PC's NetBIOS broadcasts are not attempts on anyone.
 *
 * Each rule reads what the aggregate kept: the OR/AND of packet bits (src/classify/packet.ts), and
 * per source × destination × port the count and first/last time. Thresholds come from
 * `ClassifierOptions` (src/classify/options.ts, with their sources).
 *
 * A source's reasons (the rule and the figures that fired it) are built for the sources a report
 * shows, not for all of them: a log can have a million sources and the JSON shows `--top`.
 */
import { DST_INBOUND, DST_OUTBOUND, INT32_MAX, keyPort, keyProto, type Aggregate, type PortStats, type SourceStats } from '../aggregate.js';
import { protoName } from '../net/protocols.js';
import { actionIndex } from '../types.js';
import { ipv4ToNumber } from '../net/ip.js';
import { isDirectedBroadcastFrom, isMulticastOrBroadcast, isPrivateAddress, isPrivateIpv4, ipv6Prefix, prefixLabel } from './addresses.js';
import { normalizeClassifierOptions, type ClassifierOptions } from './options.js';
import {
  B_ALLOW,
  B_FIN,
  B_HAS_FLAGS,
  B_HAS_IPID,
  B_HAS_TIME,
  B_HAS_TTL,
  B_INBOUND,
  B_NULL,
  B_OUTBOUND,
  B_PEER,
  B_REFLECT,
  B_REPLY,
  B_STALE,
  B_STEALTH,
  B_SYNFIN,
  B_TCP,
  B_XMAS,
  B_ZMAP,
  isDiscoveryPort,
} from './packet.js';
import { daysSpanned, densestWindow, densestWindowOf, durationText, span, type Densest } from './window.js';

// ---------------------------------------------------------------- pair scratch

/**
 * One source's pairs, copied into reused typed arrays: the rules loop over plain arrays, and
 * classifying a million sources allocates nothing per pair. Valid until the next `collect`.
 */
class PairScratch {
  n = 0;
  /** What the arrays hold, as `Context.collect` filled them (owner null: anything else). */
  owner: object | null = null;
  id = -1;
  lan = false;
  dst = new Int32Array(256);
  key = new Int32Array(256);
  count = new Float64Array(256);
  first = new Float64Array(256);
  last = new Float64Array(256);
  /** 1 when a probe (blocked, or no action logged) was seen on the pair. */
  probed = new Uint8Array(256);

  collect(agg: Aggregate, src: SourceStats): number {
    const rows = src.pairRows;
    while (this.dst.length < rows) this.grow();
    this.owner = null;
    const n = agg.pairsInto(src, this.dst, this.key, this.count, this.first, this.last);
    for (let i = 0; i < n; i++) {
      const c = this.count[i];
      this.count[i] = Math.abs(c);
      this.probed[i] = c > 0 ? 1 : 0;
    }
    this.n = n;
    return n;
  }

  /** Keep only the pairs `keep` accepts (in place); returns the new count. */
  retain(keep: (i: number) => boolean): number {
    let w = 0;
    for (let i = 0; i < this.n; i++) {
      if (!keep(i)) continue;
      if (w !== i) {
        this.dst[w] = this.dst[i];
        this.key[w] = this.key[i];
        this.count[w] = this.count[i];
        this.probed[w] = this.probed[i];
        this.first[w] = this.first[i];
        this.last[w] = this.last[i];
      }
      w++;
    }
    this.n = w;
    return w;
  }

  private grow(): void {
    const n = this.dst.length * 2;
    const d = new Int32Array(n);
    d.set(this.dst);
    this.dst = d;
    const k = new Int32Array(n);
    k.set(this.key);
    this.key = k;
    const pr = new Uint8Array(n);
    pr.set(this.probed);
    this.probed = pr;
    for (const f of ['count', 'first', 'last'] as const) {
      const a = new Float64Array(n);
      a.set(this[f]);
      this[f] = a;
    }
  }
}

const scratch = new PairScratch();

export const SOURCE_CLASSES = [
  'outbound',
  'lan-noise',
  'stale-return',
  'backscatter',
  'reflection',
  'peer',
  'targeted',
  'vertical-scan',
  'distributed-scan',
  'slow-scan',
  'horizontal-scan',
  'allowed',
  'background',
  'unclassified',
] as const;
export type SourceClass = (typeof SOURCE_CLASSES)[number];

/** ACTIONS' index of 'allow' (PortStats.byAction). */
const ALLOW_INDEX = actionIndex('allow');

const CLASS_INDEX = Object.fromEntries(SOURCE_CLASSES.map((c, i) => [c, i])) as Record<SourceClass, number>;

/** Classes that are not probes of you at all: they never raise severity above 1. */
const NOISE_CLASSES: ReadonlySet<SourceClass> = new Set(['outbound', 'lan-noise', 'stale-return', 'peer', 'allowed', 'background']);
/** 1 per class index in NOISE_CLASSES. */
const IS_NOISE = Uint8Array.from(SOURCE_CLASSES, (cls) => (NOISE_CLASSES.has(cls) ? 1 : 0));

export const SCAN_CLASSES: ReadonlySet<SourceClass> = new Set(['vertical-scan', 'distributed-scan', 'slow-scan', 'horizontal-scan']);

/** A rule that fired (or a mark such as stealth flags), with the figures a user can check. */
export interface Reason {
  rule: string;
  text: string;
  figures: Record<string, number | string | boolean | null>;
}

export type ScanKind = 'vertical' | 'distributed' | 'slow' | 'horizontal';

export interface ScanFinding {
  kind: ScanKind;
  /** The scanning address, or the members of a distributed group (most packets first). */
  sources: string[];
  /** The group (`203.0.113.0/24`) of a distributed scan, else null. */
  group: string | null;
  /** The host scanned (vertical, distributed, slow); null for a sweep. */
  target: string | null;
  /** The port swept (horizontal), else null. */
  proto: string | null;
  port: number | null;
  /** Distinct ports of the target (vertical, distributed, slow), or hosts on the port (horizontal). */
  ports: number;
  hosts: number;
  /** Most ports (hosts, for a sweep) inside one threshold window, and that window's span. */
  windowCount: number;
  windowMs: number;
  packets: number;
  firstSeen: number;
  lastSeen: number;
}

export type PortVerdict = 'background' | 'targeted' | 'mixed' | 'too-little-data';

/** Per-port figures behind a verdict, over traffic towards you (pairs that only saw outbound traffic left out). */
export interface PortVerdictInfo {
  verdict: PortVerdict;
  /** One sentence: why this verdict. */
  summary: string;
  packets: number;
  sources: number;
  /** Most packets any one source sent to this port. */
  maxPerSource: number;
  /** Sources that touched no other port. */
  singlePortSources: number;
  /** Packets from sources whose targeted attempts include this port. */
  targetedPackets: number;
  targetedSources: number;
  /** Sources per class. */
  classes: Partial<Record<SourceClass, number>>;
}

export interface HomeInfo {
  /** Where "you" came from: `--home-net`, or the destinations seen inbound. */
  origin: 'option' | 'inbound-destinations';
  /** How many addresses the log watches (the home-net's size, or the inbound destinations). */
  watched: number;
  /** Whether horizontal sweeps can be seen at all: the log watches at least `sweepMinWatched`. */
  sweepsVisible: boolean;
  sweepMinWatched: number;
}

/** Which fields the log carries at all: rules that need a missing one are skipped, and say so. */
export interface FieldPresence {
  tcpFlags: boolean;
  ttl: boolean;
  ipId: boolean;
  time: boolean;
}

export class Classification {
  /** Class index (SOURCE_CLASSES) and severity per source id. */
  readonly classIndex: Uint8Array;
  readonly severityOf: Uint8Array;
  readonly classCounts = Object.fromEntries(SOURCE_CLASSES.map((c) => [c, 0])) as Record<SourceClass, number>;
  readonly scans: ScanFinding[] = [];
  /** Each source's own scan finding (vertical, slow, horizontal), until the distributed pass. */
  readonly scanOf = new Map<number, ScanFinding>();
  /** Reasons computed while classifying (targeted, scans); the others are built on demand. */
  private readonly detail = new Map<number, Reason[]>();
  /** Port keys of each targeted source's targeted attempts. */
  readonly targetedPorts = new Map<number, Set<number>>();
  /** Per-port figures; `portVerdict(port)` turns them into a verdict. */
  tallies: PortTallies | null = null;

  constructor(
    readonly aggregate: Aggregate,
    readonly options: ClassifierOptions,
    readonly home: HomeInfo,
    readonly fields: FieldPresence,
  ) {
    this.classIndex = new Uint8Array(aggregate.sources.size);
    this.severityOf = new Uint8Array(aggregate.sources.size);
  }

  classOf(src: SourceStats): SourceClass {
    return SOURCE_CLASSES[this.classIndex[src.id]];
  }

  severity(src: SourceStats): number {
    return this.severityOf[src.id];
  }

  /** The rule that classed the source and the figures that fired it, then any marks. */
  reasons(src: SourceStats): Reason[] {
    const cls = this.classOf(src);
    const main = this.detail.get(src.id) ?? [simpleReason(this, src, cls)];
    return [...main, ...marks(src)];
  }

  /** The verdict on a port, from what its sources were classed as. */
  portVerdict(port: PortStats): PortVerdictInfo {
    const t = this.tallies!.tally(port.index);
    const v = verdictOf(this.options, t);
    return { verdict: v.verdict, summary: v.summary, ...t };
  }

  /**
   * How much a port deserves attention, cheaply (no verdict object): 0 targeted, 1 mixed, 2 allowed
   * traffic, 3 background, 4 too little data; -1 when nothing came towards you on it.
   */
  portAttention(port: PortStats): number {
    return this.portAttentionAt(port.index);
  }

  /** portAttention of the port of record `i` (PortStats.index), without its view. */
  portAttentionAt(i: number): number {
    const t = this.tallies!;
    if (t.sources[i] === 0) return -1;
    if (t.targetedPackets[i] > 0) return t.targetedPackets[i] / t.packets[i] >= this.options.verdictTargetedShare ? 0 : 1;
    if (this.aggregate.ports.actionAt(i, ALLOW_INDEX) > 0) return 2;
    return t.sources[i] < this.options.verdictMinSources ? 4 : 3;
  }

  /** Packets towards you on a port (outbound sources left out). */
  portPackets(port: PortStats): number {
    return this.tallies!.packets[port.index];
  }

  /** @internal */
  set(src: SourceStats, cls: SourceClass, reasons: Reason[] | null): void {
    this.classIndex[src.id] = CLASS_INDEX[cls];
    if (reasons === null) this.detail.delete(src.id);
    else this.detail.set(src.id, reasons);
  }
}

// ---------------------------------------------------------------- entry point

/** Classify every source, find the scans, and give every port a verdict. */
export function classify(agg: Aggregate, options: Partial<ClassifierOptions> = {}): Classification {
  const o = normalizeClassifierOptions(options);
  const ctx = new Context(agg, o);
  const c = new Classification(agg, o, ctx.homeInfo(), ctx.fieldPresence());

  agg.derive();
  const n = agg.sources.size;
  // By id, not sources.values(): a generator's step and result object per source cost more than
  // the rules of a source with one port. The sources of the distributed pass are flagged per id
  // and gathered in id order after, as spreadOrder visits ids out of order.
  const candidate = new Uint8Array(n);
  spreadOrder(n, (id) => ruleSource(ctx, c, id, candidate));
  // Source ids in one typed array, not views (a million views with their address strings would
  // outlive this loop) nor a growing JS array (each outgrown copy is garbage in large-object space).
  const candidates = new Int32Array(n);
  let candidateCount = 0;
  for (let id = 0; id < n; id++) if (candidate[id] === 1) candidates[candidateCount++] = id;
  distributedScans(ctx, c, candidates.subarray(0, candidateCount));

  // By class index: a count per class name would be a keyed store on a dictionary per source.
  const counts = new Int32Array(SOURCE_CLASSES.length);
  for (let id = 0; id < n; id++) {
    const k = c.classIndex[id];
    counts[k]++;
    c.severityOf[id] = IS_NOISE[k] === 1 ? 1 : severityOf(o, agg.sources.at(id), k, ctx);
  }
  for (let k = 0; k < counts.length; k++) c.classCounts[SOURCE_CLASSES[k]] = counts[k];
  for (const scan of c.scanOf.values()) c.scans.push(scan);
  c.scanOf.clear();
  c.scans.sort((a, b) => b.packets - a.packets || b.ports + b.hosts - (a.ports + a.hosts) || (a.sources[0] < b.sources[0] ? -1 : 1));
  c.tallies = tallyPorts(c);
  return c;
}

/** spreadOrder visits every SPREAD-th id first. */
const SPREAD = 64;

/**
 * Every id in [0, n) once: every SPREAD-th first, then the rest in order. For the rules, whose
 * result for a source does not depend on the order: their code then meets every kind of source
 * the log holds (a sweep, a LAN source, a reflection …) before V8 optimizes it, rather than
 * deoptimizing at each kind that first turns up late in the log and running unoptimized until it
 * is compiled again. On the 1 M-line bench (151,086 sources), medians of 12 alternating runs: the
 * rules 200 → 165 ms, the whole report 671 → 626 ms. The per-port tallies, whose loop body is the
 * same for every source, gained nothing from it.
 * @internal
 */
export function spreadOrder(n: number, visit: (id: number) => void): void {
  for (let id = 0; id < n; id += SPREAD) visit(id);
  for (let base = 0; base < n; base += SPREAD) {
    const end = Math.min(n, base + SPREAD);
    for (let id = base + 1; id < end; id++) visit(id);
  }
}

/** The rules for source `id`: its class (and reasons, scan, targeted ports) into `c`. */
function ruleSource(ctx: Context, c: Classification, id: number, candidate: Uint8Array): void {
  const src = ctx.agg.sources.at(id);
  const r = firstRules(ctx, src);
  if (r !== null) {
    c.set(src, r.cls, r.reasons);
    if (r.scan !== null) c.scanOf.set(id, r.scan);
    if (r.targeted !== null) c.targetedPorts.set(id, r.targeted);
    return;
  }
  // Rules after the distributed one; the group pass may still claim the source.
  const l = lastRules(ctx, c, src);
  c.set(src, l.cls, l.reasons);
  if (l.scan !== null) c.scanOf.set(id, l.scan);
  if ((src.anyBits & B_INBOUND) !== 0 && ctx.ports(src) > 0) candidate[id] = 1;
}

// ---------------------------------------------------------------- context

class Context {
  private readonly dstKind: Int8Array;
  readonly watched: number;

  constructor(
    readonly agg: Aggregate,
    readonly o: ClassifierOptions,
  ) {
    this.dstKind = new Int8Array(agg.destinationNames.length).fill(-1);
    if (o.homeNet !== null) {
      this.watched = o.homeNet.size;
    } else {
      let n = 0;
      for (let id = 0; id < agg.destinationFlags.length; id++) if (this.isHomeDestination(id)) n++;
      this.watched = n;
    }
  }

  homeInfo(): HomeInfo {
    return {
      origin: this.o.homeNet === null ? 'inbound-destinations' : 'option',
      watched: this.watched,
      sweepsVisible: this.watched >= this.o.sweepMinWatched,
      sweepMinWatched: this.o.sweepMinWatched,
    };
  }

  fieldPresence(): FieldPresence {
    let any = 0;
    let tcp = false;
    const ports = this.agg.ports;
    for (let i = 0; i < ports.size; i++) {
      const bits = ports.anyBitsAt(i);
      any |= bits;
      if ((bits & B_TCP) !== 0) tcp = true;
    }
    return {
      // Flags are only asked of TCP: a log without TCP lacks nothing.
      tcpFlags: !tcp || (any & B_HAS_FLAGS) !== 0,
      ttl: (any & B_HAS_TTL) !== 0,
      ipId: (any & B_HAS_IPID) !== 0,
      time: (any & B_HAS_TIME) !== 0,
    };
  }

  ports(src: SourceStats): number {
    return this.agg.portCount(src);
  }

  hosts(src: SourceStats): number {
    return this.agg.destinationCount(src);
  }

  dst(id: number): string {
    return this.agg.destinationNames[id];
  }

  /**
   * Whether a source is one of your addresses. Without --home-net, only an address that was also a
   * destination can be: those are looked up once from the destinations (a few), not per source (a
   * million).
   */
  isHomeSource(src: SourceStats): boolean {
    if (this.o.homeNet !== null) return this.o.homeNet.has(src.address);
    if (this.homeSources === null) {
      this.homeSources = new Set();
      for (let id = 0; id < this.agg.destinationNames.length; id++) {
        if (!this.isHomeDestination(id)) continue;
        const s = this.agg.sources.get(this.dst(id));
        if (s !== undefined) this.homeSources.add(s.id);
      }
    }
    return this.homeSources.has(src.id);
  }

  private homeSources: Set<number> | null = null;

  isHomeDestination(id: number): boolean {
    if (this.o.homeNet !== null) return this.o.homeNet.has(this.dst(id));
    return (this.agg.destinationFlags[id] & DST_INBOUND) !== 0 && !this.isGroupDestination(id);
  }

  /** A LAN address: private (RFC 1918, link-local, ULA) or inside --home-net. */
  isLan(src: SourceStats): boolean {
    return this.isPrivateSource(src) || this.isHomeSource(src);
  }

  /** isPrivateAddress of a source; an IPv4 source by the number the aggregate keeps (no text made). */
  isPrivateSource(src: SourceStats): boolean {
    const n = this.agg.sources.addresses.ipv4(src.id);
    return n >= 0 ? isPrivateIpv4(n) : isPrivateAddress(src.address);
  }

  /**
   * hostsOf, kept for the source last asked about: rule 8 and rule 10 both read it (a source with
   * many ports that is no vertical scan goes on to the slow-scan rule).
   */
  hostsOf(src: SourceStats, lan: boolean): HostWindow[] {
    if (this.hostsFor !== src.id || this.hostsLan !== lan) {
      this.hostsFor = src.id;
      this.hostsLan = lan;
      this.hosts_ = hostsOf(this, src, lan);
    }
    return this.hosts_;
  }

  private hostsFor = -1;
  private hostsLan = false;
  private hosts_: HostWindow[] = [];
  private hostScratch_: HostScratch | null = null;

  /** hostsOf's per-destination scratch, with a new mark for this call. */
  hostScratch(): HostScratch {
    let h = this.hostScratch_;
    if (h === null || h.stamp === INT32_MAX) {
      const n = this.agg.destinationNames.length;
      h = this.hostScratch_ = { stamp: 0, mark: new Int32Array(n), count: new Int32Array(n), slot: new Int32Array(n), order: new Int32Array(n) };
    }
    h.stamp++;
    return h;
  }

  /** A LAN source's broadcast, multicast or discovery-protocol pair: noise, whatever else it did. */
  isNoisePair(src: SourceStats, dst: number, key: number): boolean {
    if (this.isGroupDestination(dst) || isDirectedBroadcastFrom(this.dst(dst), src.address)) return true;
    return keyProto(key) === 17 && isDiscoveryPort(keyPort(key));
  }

  /**
   * The source's pairs into `scratch`, less a LAN source's noise pairs (its NetBIOS broadcasts are
   * not attempts on anyone): what rules 7-11 count.
   */
  collect(src: SourceStats, lan: boolean): number {
    // Rules 7-10 each ask for the same source's pairs in turn: collected once.
    if (scratch.owner === this && scratch.id === src.id && scratch.lan === lan) return scratch.n;
    let n = scratch.collect(this.agg, src);
    if (lan) n = scratch.retain((i) => !this.isNoisePair(src, scratch.dst[i], scratch.key[i]));
    scratch.owner = this;
    scratch.id = src.id;
    scratch.lan = lan;
    return n;
  }

  /** Multicast or the limited broadcast (memoised per destination). */
  isGroupDestination(id: number): boolean {
    let k = this.dstKind[id];
    if (k < 0) {
      k = isMulticastOrBroadcast(this.dst(id)) ? 1 : 0;
      this.dstKind[id] = k;
    }
    return k === 1;
  }
}

interface RuleResult {
  cls: SourceClass;
  reasons: Reason[] | null;
  scan: ScanFinding | null;
  targeted: Set<number> | null;
}

/** Results of the rules whose reasons are built on demand: shared, so a million sources allocate none. */
const SIMPLE = Object.fromEntries(SOURCE_CLASSES.map((cls) => [cls, Object.freeze({ cls, reasons: null, scan: null, targeted: null })])) as Record<
  SourceClass,
  RuleResult
>;

function result(cls: SourceClass, reasons: Reason[] | null = null, scan: ScanFinding | null = null): RuleResult {
  return reasons === null && scan === null ? SIMPLE[cls] : { cls, reasons, scan, targeted: null };
}

/** Port keys that carry a port (ICMP and other portless protocols have none). */
function hasPort(key: number): boolean {
  return keyPort(key) >= 0;
}

function portText(key: number): string {
  const port = keyPort(key);
  const proto = protoName(keyProto(key));
  return port < 0 ? proto : `${port}/${proto}`;
}

/** 23686 → "23,686" (fixed, not the locale's: reports are byte-stable). */
function num(n: number): string {
  const t = String(n);
  return t.length <= 3 ? t : t.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------- rules 1-8

function firstRules(ctx: Context, src: SourceStats): RuleResult | null {
  const { agg, o } = ctx;
  const all = src.allBits;

  // 1. Outbound policy block: every packet left through the firewall, or the source is one of
  //    yours and, LAN chatter aside, only talked to addresses that are not.
  if ((all & B_OUTBOUND) !== 0) return result('outbound');
  const home = ctx.isHomeSource(src);
  if (home) {
    const n = ctx.collect(src, false);
    let outside = 0;
    let inside = 0;
    for (let i = 0; i < n && inside === 0; i++) {
      if (ctx.isNoisePair(src, scratch.dst[i], scratch.key[i])) continue;
      if (ctx.isHomeDestination(scratch.dst[i])) inside++;
      else outside++;
    }
    if (inside === 0 && outside > 0) return result('outbound');
  }

  // 2. LAN broadcast/discovery noise: a LAN address talking to everyone (multicast, broadcast) or
  //    on a discovery protocol.
  const lan = home || ctx.isPrivateSource(src);
  if (lan) {
    const n = ctx.collect(src, false);
    let noise = true;
    for (let i = 0; i < n && noise; i++) if (!ctx.isNoisePair(src, scratch.dst[i], scratch.key[i])) noise = false;
    if (noise) return result('lan-noise');
  }

  // 3-6. Every packet is of one kind that is not a probe. Replies from an address this log shows
  //      you sending to are return traffic of your own connections, whatever their kind.
  if ((all & (B_REPLY | B_REFLECT | B_PEER)) !== 0) {
    if ((all & B_STALE) !== 0) return result('stale-return');
    const answered = (agg.destinationFlagsOf(src.address) & DST_OUTBOUND) !== 0;
    if ((all & (B_REPLY | B_REFLECT)) !== 0 && answered) return result('stale-return');
    if ((all & B_REPLY) !== 0) return result('backscatter');
    if ((all & B_REFLECT) !== 0) return result('reflection');
    if ((all & B_PEER) !== 0) return result('peer');
  }

  // 7. Repeated targeted attempts.
  if (src.events >= o.targetedMinAttempts && src.probes > 0) {
    const targeted = targetedAttempts(ctx, src, lan);
    if (targeted !== null) return targeted;
  }

  // 8. Vertical scan: ≥ scanMinPorts ports of one host within scanWindowMs.
  if (ctx.ports(src) >= o.scanMinPorts) {
    let best: HostWindow | null = null;
    for (const h of ctx.hostsOf(src, lan)) {
      if (best === null || h.window.count > best.window.count || (h.window.count === best.window.count && h.ports > best.ports)) best = h;
    }
    if (best !== null && best.window.count >= o.scanMinPorts) {
      const scan = hostScan(ctx, 'vertical', [src], best);
      return result('vertical-scan', [verticalReason(ctx, scan)], scan);
    }
  }
  return null;
}

function targetedAttempts(ctx: Context, src: SourceStats, lan: boolean): RuleResult | null {
  const o = ctx.o;
  const n = ctx.collect(src, lan);
  const ports = new Set<number>();
  let best = -1;
  let bestDays = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const count = scratch.count[i];
    // Attempts are probes: a pair whose packets were all allowed is a connection, not an attempt.
    if (count < o.targetedMinAttempts || scratch.probed[i] === 0) continue;
    const spanMs = scratch.last[i] - scratch.first[i];
    const days = spanMs >= o.targetedMinSpanMs ? 0 : daysSpanned(scratch.first[i], scratch.last[i], o.timeZone);
    if (!(spanMs >= o.targetedMinSpanMs) && days < o.targetedMinDays) continue;
    pairs++;
    ports.add(scratch.key[i]);
    if (best < 0 || count > scratch.count[best] || (count === scratch.count[best] && scratch.key[i] < scratch.key[best])) {
      best = i;
      bestDays = days;
    }
  }
  if (best < 0) return null;
  const key = scratch.key[best];
  const count = scratch.count[best];
  const first = scratch.first[best];
  const last = scratch.last[best];
  const spanMs = last - first;
  const days = bestDays || daysSpanned(first, last, o.timeZone);
  const target = ctx.dst(scratch.dst[best]);
  const over = spanMs >= o.targetedMinSpanMs ? `over ${durationText(spanMs)}` : `on ${days} calendar days`;
  const more = pairs > 1 ? `; ${pairs} host/port pairs like this` : '';
  const reason: Reason = {
    rule: 'targeted',
    text: `${count} packets to ${target} port ${portText(key)} ${over} (threshold: ${o.targetedMinAttempts} to one host and port over ≥ ${durationText(o.targetedMinSpanMs)} or on ≥ ${o.targetedMinDays} days)${more}`,
    figures: {
      target,
      proto: protoName(keyProto(key)),
      port: keyPort(key) < 0 ? null : keyPort(key),
      packets: count,
      spanMs: spanMs === spanMs ? spanMs : null,
      days,
      pairs,
      thresholdPackets: o.targetedMinAttempts,
      thresholdSpanMs: o.targetedMinSpanMs,
      thresholdDays: o.targetedMinDays,
    },
  };
  return { cls: 'targeted', reasons: [reason], scan: null, targeted: ports };
}

/** Per destination id: `count` and `slot` are valid where `mark` is `stamp`; `order` lists them. */
interface HostScratch {
  stamp: number;
  mark: Int32Array;
  count: Int32Array;
  slot: Int32Array;
  order: Int32Array;
}

interface HostWindow {
  dstId: number;
  ports: number;
  window: Densest;
  spanMs: number;
  packets: number;
  first: number;
  last: number;
}

/** Per destination: the distinct ports, the densest scanWindowMs window of their first times. */
function hostsOf(ctx: Context, src: SourceStats, lan: boolean): HostWindow[] {
  const n = ctx.collect(src, lan);
  const min = ctx.o.scanMinPorts;
  // Pairs with a port per destination; only destinations with at least `min` of them get a
  // window. Those get a slot (in order of first appearance) and a run of one reused times buffer,
  // filled in a second pass: no object or growing array per destination, and linear in the pairs
  // however many hosts a source swept. Per destination id, a count and a slot in typed arrays
  // valid where its mark is this call's (a Map per call took as long to compile as the rest).
  const h = ctx.hostScratch();
  const stamp = h.stamp;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    if (!hasPort(scratch.key[i])) continue;
    const d = scratch.dst[i];
    if (h.mark[d] !== stamp) {
      h.mark[d] = stamp;
      h.count[d] = 0;
      h.order[seen++] = d;
    }
    h.count[d]++;
  }
  const dsts: number[] = [];
  const starts: number[] = [];
  let total = 0;
  for (let k = 0; k < seen; k++) {
    const d = h.order[k];
    const c = h.count[d];
    if (c < min) {
      h.slot[d] = -1;
      continue;
    }
    h.slot[d] = dsts.length;
    dsts.push(d);
    starts.push(total);
    total += c;
  }
  if (dsts.length === 0) return [];
  if (hostTimes.length < total) hostTimes = new Float64Array(Math.max(total, 2 * hostTimes.length));
  const times = hostTimes;
  const fill = starts.slice();
  const packets = new Float64Array(dsts.length);
  const first = new Float64Array(dsts.length).fill(NaN);
  const last = new Float64Array(dsts.length).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!hasPort(scratch.key[i])) continue;
    const s = h.slot[scratch.dst[i]];
    if (s < 0) continue;
    const f = scratch.first[i];
    times[fill[s]++] = f;
    packets[s] += scratch.count[i];
    if (!(f >= first[s])) first[s] = f;
    if (!(scratch.last[i] <= last[s])) last[s] = scratch.last[i];
  }
  const out: HostWindow[] = [];
  for (let s = 0; s < dsts.length; s++) {
    const run = times.subarray(starts[s], fill[s]);
    out.push({ dstId: dsts[s], ports: run.length, window: densestWindowOf(run, ctx.o.scanWindowMs), spanMs: span(run), packets: packets[s], first: first[s], last: last[s] });
  }
  return out;
}

/** hostsOf's times, one run per destination. */
let hostTimes = new Float64Array(256);

function hostScan(ctx: Context, kind: ScanKind, members: SourceStats[], h: HostWindow, group: string | null = null): ScanFinding {
  return {
    kind,
    sources: members.map((m) => m.address),
    group,
    target: ctx.dst(h.dstId),
    proto: null,
    port: null,
    ports: h.ports,
    hosts: 1,
    windowCount: h.window.count,
    windowMs: h.window.to - h.window.from,
    packets: h.packets,
    firstSeen: h.first,
    lastSeen: h.last,
  };
}

function verticalReason(ctx: Context, s: ScanFinding): Reason {
  const o = ctx.o;
  return {
    rule: 'vertical-scan',
    text: `${s.windowCount} ports of ${s.target} within ${durationText(s.windowMs)} (${s.ports} in all; threshold: ${o.scanMinPorts} ports in ${durationText(o.scanWindowMs)}, Zeek's port_scan_threshold)`,
    figures: scanFigures(ctx, s),
  };
}

function scanFigures(ctx: Context, s: ScanFinding): Reason['figures'] {
  const o = ctx.o;
  return {
    target: s.target,
    ports: s.ports,
    windowPorts: s.windowCount,
    windowMs: s.windowMs === s.windowMs ? s.windowMs : null,
    packets: s.packets,
    thresholdPorts: o.scanMinPorts,
    thresholdWindowMs: o.scanWindowMs,
  };
}

// ---------------------------------------------------------------- rules 10-13

function lastRules(ctx: Context, c: Classification, src: SourceStats): RuleResult {
  const o = ctx.o;
  const ports = ctx.ports(src);
  const hosts = ctx.hosts(src);
  const lan = ports >= o.scanMinPorts || hosts >= o.sweepMinHosts ? ctx.isLan(src) : false;

  // 10. Slow scan: ≥ scanMinPorts ports of one host over more than slowScanMinSpanMs (and, since
  //     rule 8 did not fire, never that many within scanWindowMs).
  if (ports >= o.scanMinPorts) {
    let best: HostWindow | null = null;
    for (const h of ctx.hostsOf(src, lan)) {
      if (h.spanMs > o.slowScanMinSpanMs && (best === null || h.ports > best.ports)) best = h;
    }
    if (best !== null) {
      const scan = hostScan(ctx, 'slow', [src], best);
      scan.windowMs = best.spanMs;
      scan.windowCount = best.ports;
      return result(
        'slow-scan',
        [
          {
            rule: 'slow-scan',
            text: `${best.ports} ports of ${scan.target} over ${durationText(best.spanMs)}, at most ${best.window.count} within ${durationText(o.scanWindowMs)} (threshold: ${o.scanMinPorts} ports over more than ${durationText(o.slowScanMinSpanMs)}, psad's SCAN_TIMEOUT)`,
            figures: { ...scanFigures(ctx, scan), windowPorts: best.window.count, spanMs: best.spanMs, thresholdSpanMs: o.slowScanMinSpanMs },
          },
        ],
        scan,
      );
    }
  }

  // 11. Horizontal sweep: ≥ sweepMinHosts hosts on one port within sweepWindowMs, only when the
  //     log watches enough addresses to see one.
  if (c.home.sweepsVisible && hosts >= o.sweepMinHosts) {
    const sweep = bestSweep(ctx, src, lan);
    if (sweep !== null) return sweep;
  }

  // 11b. Allowed traffic (ours, not in issue #4's list): no packet was a probe; every one was
  //      allowed or audited. Traffic your rules let through: not noise, not an attempt.
  if (src.probes === 0 && (src.anyBits & B_INBOUND) !== 0) return result('allowed');

  // 12. Background probe: few packets, few ports, few hosts, no stealth flags.
  if (src.events <= o.backgroundMaxPackets && ports <= o.backgroundMaxPorts && hosts <= o.backgroundMaxTargets && (src.anyBits & B_STEALTH) === 0) {
    return result('background');
  }
  return result('unclassified');
}

function bestSweep(ctx: Context, src: SourceStats, lan: boolean): RuleResult | null {
  const o = ctx.o;
  const n = ctx.collect(src, lan);
  const byPort = new Map<number, { times: number[]; packets: number; first: number; last: number }>();
  for (let i = 0; i < n; i++) {
    const key = scratch.key[i];
    let h = byPort.get(key);
    if (h === undefined) {
      h = { times: [], packets: 0, first: NaN, last: NaN };
      byPort.set(key, h);
    }
    const f = scratch.first[i];
    h.times.push(f);
    h.packets += scratch.count[i];
    if (!(f >= h.first)) h.first = f;
    if (!(scratch.last[i] <= h.last)) h.last = scratch.last[i];
  }
  let best: { key: number; hosts: number; w: Densest; packets: number; first: number; last: number } | null = null;
  for (const [key, h] of byPort) {
    if (h.times.length < o.sweepMinHosts) continue;
    const w = densestWindow(h.times, o.sweepWindowMs);
    if (w.count >= o.sweepMinHosts && (best === null || w.count > best.w.count)) best = { key, hosts: h.times.length, w, packets: h.packets, first: h.first, last: h.last };
  }
  if (best === null) return null;
  const port = keyPort(best.key);
  const scan: ScanFinding = {
    kind: 'horizontal',
    sources: [src.address],
    group: null,
    target: null,
    proto: protoName(keyProto(best.key)),
    port: port < 0 ? null : port,
    ports: 1,
    hosts: best.hosts,
    windowCount: best.w.count,
    windowMs: best.w.to - best.w.from,
    packets: best.packets,
    firstSeen: best.first,
    lastSeen: best.last,
  };
  const reason: Reason = {
    rule: 'horizontal-scan',
    text: `${best.w.count} hosts on port ${portText(best.key)} within ${durationText(scan.windowMs)} (${best.hosts} in all; threshold: ${o.sweepMinHosts} hosts in ${durationText(o.sweepWindowMs)}, Zeek's addr_scan_threshold)`,
    figures: {
      proto: scan.proto,
      port: scan.port,
      hosts: best.hosts,
      windowHosts: best.w.count,
      windowMs: scan.windowMs,
      packets: best.packets,
      thresholdHosts: o.sweepMinHosts,
      thresholdWindowMs: o.sweepWindowMs,
    },
  };
  return result('horizontal-scan', [reason], scan);
}

// ---------------------------------------------------------------- rule 9: distributed scans

/**
 * Sources that no earlier rule claimed, grouped by /24 (IPv4) or /48 (IPv6): a group whose members
 * together touched ≥ scanMinPorts ports of one host within scanWindowMs is a distributed scan, and
 * every member that sent to that host inside that window is classed so.
 *
 * IPv4 groups come from one sort of a Float64Array of (prefix, index) numbers, not a Map of a
 * million small arrays.
 */
function distributedScans(ctx: Context, c: Classification, candidates: Int32Array): void {
  const o = ctx.o;
  const sources = ctx.agg.sources;
  const indexBits = 2 ** 26;
  const keys = new Float64Array(Math.min(candidates.length, indexBits));
  const v4Shift = 2 ** (32 - o.groupPrefixV4);
  let k4 = 0;
  const v6 = new Map<string, SourceStats[]>();
  for (let i = 0; i < candidates.length; i++) {
    const id = candidates[i];
    // IPv4 from the number the aggregate keeps: no address string per candidate.
    const n = sources.addresses.ipv4(id);
    if (n >= 0) {
      if (id < indexBits) keys[k4++] = Math.floor(n / v4Shift) * indexBits + id;
      continue;
    }
    const src = sources.at(id);
    const p6 = ipv6Prefix(src.address, o.groupPrefixV6);
    if (p6 === '') continue;
    const list = v6.get(p6);
    if (list === undefined) v6.set(p6, [src]);
    else list.push(src);
  }
  const sorted = keys.subarray(0, k4).sort();
  // Runs of one prefix; an array is built only for a run of two or more (most /24s have one source).
  for (let i = 0; i < k4; ) {
    const prefix = Math.floor(sorted[i] / indexBits);
    let j = i + 1;
    while (j < k4 && Math.floor(sorted[j] / indexBits) === prefix) j++;
    if (j - i > 1) {
      const run: SourceStats[] = [];
      // `| 0`: an id from Float64 arithmetic is a heap number to V8; in a SourceStats it would turn
      // the id field's representation from small integer to double, and deoptimize the code that reads it.
      for (let k = i; k < j; k++) run.push(sources.at((sorted[k] - prefix * indexBits) | 0));
      groupScan(ctx, c, run);
    }
    i = j;
  }
  for (const list of v6.values()) if (list.length > 1) groupScan(ctx, c, list);
}

function groupScan(ctx: Context, c: Classification, members: SourceStats[]): void {
  const o = ctx.o;
  let portSum = 0;
  for (const m of members) portSum += ctx.ports(m);
  if (portSum < o.scanMinPorts) return;

  // Per host: each port's earliest time across the group.
  const byDst = new Map<number, Map<number, number>>();
  const lan = members.map((m) => ctx.isLan(m));
  for (let mi = 0; mi < members.length; mi++) {
    const n = ctx.collect(members[mi], lan[mi]);
    for (let i = 0; i < n; i++) {
      const key = scratch.key[i];
      if (!hasPort(key)) continue;
      const d = scratch.dst[i];
      let ports = byDst.get(d);
      if (ports === undefined) {
        ports = new Map();
        byDst.set(d, ports);
      }
      const f = scratch.first[i];
      const prev = ports.get(key);
      if (prev === undefined || f < prev || prev !== prev) ports.set(key, f);
    }
  }
  let best: { dstId: number; ports: number; w: Densest } | null = null;
  for (const [dstId, ports] of byDst) {
    if (ports.size < o.scanMinPorts) continue;
    const w = densestWindow([...ports.values()], o.scanWindowMs);
    if (w.count >= o.scanMinPorts && (best === null || w.count > best.w.count)) best = { dstId, ports: ports.size, w };
  }
  if (best === null) return;

  // Members that sent to that host inside the window.
  const { from, to } = best.w;
  const inWindow: { m: SourceStats; packets: number; ports: number }[] = [];
  let packets = 0;
  let first = NaN;
  let last = NaN;
  for (let mi = 0; mi < members.length; mi++) {
    const m = members[mi];
    const n = ctx.collect(m, lan[mi]);
    let took = false;
    let mPackets = 0;
    let mPorts = 0;
    for (let i = 0; i < n; i++) {
      if (scratch.dst[i] !== best.dstId || !hasPort(scratch.key[i])) continue;
      const f = scratch.first[i];
      mPackets += scratch.count[i];
      mPorts++;
      if (!(f >= first)) first = f;
      if (!(scratch.last[i] <= last)) last = scratch.last[i];
      if (f >= from && f <= to) took = true;
    }
    if (took) {
      inWindow.push({ m, packets: mPackets, ports: mPorts });
      packets += mPackets;
    }
  }
  // One member did it alone: not a group's work (and rule 8 would have said so).
  if (inWindow.length < 2) return;
  inWindow.sort((a, b) => b.packets - a.packets || compareAddress(a.m.address, b.m.address));
  const group = prefixLabel(members[0].address, o.groupPrefixV4, o.groupPrefixV6);
  const scan: ScanFinding = {
    kind: 'distributed',
    sources: inWindow.map((x) => x.m.address),
    group,
    target: ctx.dst(best.dstId),
    proto: null,
    port: null,
    ports: best.ports,
    hosts: 1,
    windowCount: best.w.count,
    windowMs: to - from,
    packets,
    firstSeen: first,
    lastSeen: last,
  };
  c.scans.push(scan);
  for (const { m, packets: mp, ports: mPorts } of inWindow) {
    c.scanOf.delete(m.id);
    c.set(m, 'distributed-scan', [
      {
        rule: 'distributed-scan',
        text: `${inWindow.length} sources of ${group} together touched ${best.w.count} ports of ${scan.target} within ${durationText(scan.windowMs)}; this one sent ${plural(mp, 'packet')} to ${plural(mPorts, 'port')} of it (threshold: ${o.scanMinPorts} ports in ${durationText(o.scanWindowMs)}, Zeek's port_scan_threshold, for the group)`,
        figures: { group, members: inWindow.length, ...scanFigures(ctx, scan), sourcePackets: mp, sourcePorts: mPorts },
      },
    ]);
  }
}

/** IPv4 before IPv6, IPv4 numerically, IPv6 by text (as the report orders addresses). */
function compareAddress(a: string, b: string): number {
  const a6 = a.indexOf(':') >= 0;
  const b6 = b.indexOf(':') >= 0;
  if (a6 !== b6) return a6 ? 1 : -1;
  if (!a6) return ipv4ToNumber(a) - ipv4ToNumber(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- reasons and marks

function simpleReason(c: Classification, src: SourceStats, cls: SourceClass): Reason {
  const o = c.options;
  const n = src.events;
  const pk = n === 1 ? 'packet' : 'packets';
  const ports = c.aggregate.portCount(src);
  const hosts = c.aggregate.destinationCount(src);
  const base = { packets: n, ports, targets: hosts };
  switch (cls) {
    case 'outbound':
      return (src.allBits & B_OUTBOUND) !== 0
        ? { rule: cls, text: `all ${n} ${pk} went out from this address (an outbound policy block, not a probe of you)`, figures: base }
        : { rule: cls, text: `one of your addresses, talking only to addresses outside (${n} ${pk}): outbound traffic, not a probe of you`, figures: base };
    case 'lan-noise':
      return { rule: cls, text: `a LAN address sending to broadcast/multicast or on discovery protocols (${n} ${pk})`, figures: base };
    case 'stale-return':
      return (src.allBits & B_STALE) !== 0
        ? { rule: cls, text: `all ${n} ${pk} were ACK/FIN/RST from a service port to a client port: late packets of connections your side made`, figures: base }
        : { rule: cls, text: `all ${n} ${pk} were replies from an address this log shows you sending to: return traffic of your own connections`, figures: { ...base, answered: true } };
    case 'backscatter':
      return { rule: cls, text: `all ${n} ${pk} were replies (SYN-ACK, RST or echo reply) to nothing this log shows you sending: answers to forged packets`, figures: base };
    case 'reflection':
      return { rule: cls, text: `all ${n} ${pk} were UDP from an amplifier's source port (DNS, NTP, SSDP …): reflected traffic`, figures: base };
    case 'peer':
      return { rule: cls, text: `all ${n} ${pk} were UDP on game or peer-to-peer ports`, figures: base };
    case 'allowed':
      return { rule: cls, text: `none of its ${n} ${pk} was blocked: traffic your rules let through (check that it is expected)`, figures: base };
    case 'background':
      return {
        rule: cls,
        text: `${n} ${pk} to ${plural(ports, 'port')} of ${plural(hosts, 'host')} (background: ≤ ${o.backgroundMaxPackets} packets, ≤ ${o.backgroundMaxPorts} ports, ≤ ${o.backgroundMaxTargets} hosts)`,
        figures: { ...base, thresholdPackets: o.backgroundMaxPackets, thresholdPorts: o.backgroundMaxPorts, thresholdTargets: o.backgroundMaxTargets },
      };
    default: {
      const why: string[] = [];
      if ((src.anyBits & B_STEALTH) !== 0) why.push('stealth TCP flags');
      if (n > o.backgroundMaxPackets) why.push(`${n} packets`);
      if (ports > o.backgroundMaxPorts) why.push(`${ports} ports`);
      if (hosts > o.backgroundMaxTargets) why.push(`${hosts} hosts`);
      return { rule: 'unclassified', text: `more than background (${why.join(', ')}), below every scan threshold`, figures: base };
    }
  }
}

/** Marks that do not decide the class but matter: stealth flags, ZMap's IP ID, allowed traffic. */
function marks(src: SourceStats): Reason[] {
  const out: Reason[] = [];
  const any = src.anyBits;
  if ((any & B_STEALTH) !== 0) {
    const kinds: string[] = [];
    if ((any & B_NULL) !== 0) kinds.push('NULL');
    if ((any & B_FIN) !== 0) kinds.push('FIN');
    if ((any & B_XMAS) !== 0) kinds.push('Xmas');
    if ((any & B_SYNFIN) !== 0) kinds.push('SYN+FIN');
    out.push({
      rule: 'stealth-flags',
      text: `TCP flag combinations no normal stack sends (${kinds.join(', ')}): a crafted scan, meant to slip past simple filters`,
      figures: { null: (any & B_NULL) !== 0, fin: (any & B_FIN) !== 0, xmas: (any & B_XMAS) !== 0, synFin: (any & B_SYNFIN) !== 0 },
    });
  }
  if ((any & B_ZMAP) !== 0) {
    const all = (src.allBits & B_ZMAP) !== 0;
    out.push({
      rule: 'zmap-ip-id',
      text: `${all ? 'every packet' : 'some packets'} carried IP ID 54321, ZMap's default: an Internet-wide scanner`,
      figures: { allPackets: all },
    });
  }
  if ((any & B_ALLOW) !== 0 && (any & B_INBOUND) !== 0) {
    out.push({ rule: 'allowed', text: 'some of its traffic was allowed through', figures: { allowed: true } });
  }
  return out;
}

// ---------------------------------------------------------------- severity

function level(x: number, levels: readonly number[]): number {
  let l = 0;
  for (let i = 0; i < levels.length; i++) if (x >= levels[i]) l++;
  return l;
}

/**
 * 1-5, in psad's spirit: the packet count's danger level (psad DANGER_LEVEL1..5) or the hosts
 * touched (ours), whichever is higher; one more for stealth flags or for traffic that was allowed
 * through (ours). For a source of a class that is not noise: noise that is not a probe of you
 * stays at 1 (IS_NOISE, checked by the caller).
 */
function severityOf(o: ClassifierOptions, src: SourceStats, cls: number, ctx: Context): number {
  let s = Math.max(1, level(src.events, o.severityPackets), level(ctx.hosts(src), o.severityHosts));
  if ((src.anyBits & B_STEALTH) !== 0) s++;
  if ((src.anyBits & B_ALLOW) !== 0 && (src.anyBits & B_INBOUND) !== 0) s++;
  if (cls === CLASS_INDEX.targeted) s = Math.max(s, 2);
  return Math.min(5, s);
}

// ---------------------------------------------------------------- port verdicts

type Tally = Omit<PortVerdictInfo, 'verdict' | 'summary'>;

const CLASS_COUNT = SOURCE_CLASSES.length;

/**
 * Per-port figures over every source's ports, in typed arrays indexed by `PortStats.index`: one
 * pass at classification, and a verdict object only for the ports a report shows.
 */
export class PortTallies {
  readonly packets: Float64Array;
  readonly sources: Int32Array;
  readonly maxPerSource: Float64Array;
  readonly singlePortSources: Int32Array;
  readonly targetedPackets: Float64Array;
  readonly targetedSources: Int32Array;
  /** CLASS_COUNT counts per port. */
  readonly classes: Int32Array;

  constructor(n: number) {
    this.packets = new Float64Array(n);
    this.sources = new Int32Array(n);
    this.maxPerSource = new Float64Array(n);
    this.singlePortSources = new Int32Array(n);
    this.targetedPackets = new Float64Array(n);
    this.targetedSources = new Int32Array(n);
    this.classes = new Int32Array(n * CLASS_COUNT);
  }

  tally(i: number): Tally {
    const classes: Partial<Record<SourceClass, number>> = {};
    for (let k = 0; k < CLASS_COUNT; k++) if (this.classes[i * CLASS_COUNT + k] > 0) classes[SOURCE_CLASSES[k]] = this.classes[i * CLASS_COUNT + k];
    return {
      packets: this.packets[i],
      sources: this.sources[i],
      maxPerSource: this.maxPerSource[i],
      singlePortSources: this.singlePortSources[i],
      targetedPackets: this.targetedPackets[i],
      targetedSources: this.targetedSources[i],
      classes,
    };
  }
}

function tallyPorts(c: Classification): PortTallies {
  const agg = c.aggregate;
  const t = new PortTallies(agg.ports.size);
  let cls = 0;
  let one = false;
  let targeted: Set<number> | undefined;
  const add = (key: number, i: number, k: number): void => {
    if (k === 0) return; // nothing towards you on this port from this source
    t.packets[i] += k;
    t.sources[i]++;
    if (k > t.maxPerSource[i]) t.maxPerSource[i] = k;
    if (one) t.singlePortSources[i]++;
    if (targeted !== undefined && targeted.has(key)) {
      t.targetedPackets[i] += k;
      t.targetedSources[i]++;
    }
    t.classes[i * CLASS_COUNT + cls]++;
  };
  const n = agg.sources.size;
  for (let id = 0; id < n; id++) {
    const src = agg.sources.at(id);
    cls = c.classIndex[id];
    if (cls === CLASS_INDEX.outbound || src.events === 0) continue;
    targeted = c.targetedPorts.get(src.id);
    one = agg.portCount(src) === 1;
    agg.eachPortTotal(src, add);
  }
  return t;
}

function verdictOf(o: ClassifierOptions, t: Tally): { verdict: PortVerdict; summary: string } {
  if (t.sources === 0) return { verdict: 'too-little-data', summary: 'too little data: no traffic towards you on this port' };
  if (t.targetedPackets > 0) {
    const share = t.targetedPackets / t.packets;
    const who = `${plural(t.targetedSources, 'source')} made repeated attempts on it (${num(t.targetedPackets)} of ${num(t.packets)} packets)`;
    if (share >= o.verdictTargetedShare) return { verdict: 'targeted', summary: `targeted: ${who}` };
    return { verdict: 'mixed', summary: `mixed: ${who}, among background traffic` };
  }
  if (t.sources < o.verdictMinSources) {
    return { verdict: 'too-little-data', summary: `too little data: ${plural(t.sources, 'source')} (a verdict needs ${o.verdictMinSources})` };
  }
  return { verdict: 'background', summary: `background: ${backgroundWhy(dominantClass(t.classes), t)}` };
}

function dominantClass(classes: Partial<Record<SourceClass, number>>): SourceClass | null {
  let best: SourceClass | null = null;
  for (const cls of SOURCE_CLASSES) if ((classes[cls] ?? 0) > (best === null ? 0 : (classes[best] ?? 0))) best = cls;
  return best;
}

function backgroundWhy(dominant: SourceClass | null, t: Tally): string {
  switch (dominant) {
    case 'stale-return':
      return 'mostly late packets of connections your side made, not probes';
    case 'backscatter':
      return 'mostly replies to forged packets (backscatter), not probes';
    case 'reflection':
      return 'mostly reflected UDP from amplifiers, not probes';
    case 'peer':
      return 'mostly game or peer-to-peer UDP';
    case 'lan-noise':
      return 'mostly LAN discovery noise';
    case 'allowed':
      return 'mostly traffic your rules let through, not probes';
    case 'vertical-scan':
    case 'distributed-scan':
    case 'slow-scan':
    case 'horizontal-scan':
      return 'mostly scanners trying many ports or hosts: this port was one of many';
    default:
      return t.maxPerSource <= 2 ? 'opportunistic sweeps of the whole Internet, not aimed at you' : 'no source made repeated attempts on it';
  }
}
