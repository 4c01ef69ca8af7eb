/**
 * CIDR sets (`--home-net`, `--ignore-src`, `--ignore-dst`): parsed and validated once with ip-cidr,
 * turned into numeric ranges, and asked per address through a memo, since scanners repeat.
 *
 *   const home = CidrSet.parse(['203.0.113.0/24', '2001:db8::/32']);
 *   home.has('203.0.113.7')   // true
 */
import IPCIDR from 'ip-cidr';
import { ipv4ToNumber, ownAddress, parseIpv6 } from '../net/ip.js';

/** Why a CIDR list entry was refused: a closed set, asserted by code in tests. */
export type CidrErrorCode = 'empty' | 'bad-cidr';

export class CidrError extends Error {
  constructor(
    readonly code: CidrErrorCode,
    readonly entry: string,
    message: string,
  ) {
    super(message);
    this.name = 'CidrError';
  }
}

/**
 * Memo entries kept per set before it starts over: a bound on memory for logs with millions of
 * distinct addresses (one entry is ~60 bytes with its key).
 */
const MAX_MEMO = 1 << 20;

const groups = [0, 0, 0, 0, 0, 0, 0, 0];

function ipv6BigInt(a: string): bigint {
  if (!parseIpv6(a, groups)) return -1n;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

export class CidrSet {
  /** IPv4 ranges as [from, to] numbers, IPv6 as bigints. */
  private readonly v4: number[] = [];
  private readonly v6: bigint[] = [];
  private readonly memo = new Map<string, boolean>();

  private constructor(readonly cidrs: readonly string[]) {}

  /**
   * Build a set from CIDR texts (a bare address is a /32 or /128). Throws CidrError naming the
   * entry that is not a CIDR.
   */
  static parse(list: readonly string[]): CidrSet {
    const cleaned = list.map((s) => s.trim()).filter((s) => s !== '');
    const set = new CidrSet(cleaned);
    for (const entry of cleaned) {
      const cidr = entry.indexOf('/') >= 0 ? entry : `${entry}/${entry.indexOf(':') >= 0 ? 128 : 32}`;
      if (!IPCIDR.isValidCIDR(cidr)) throw new CidrError('bad-cidr', entry, `'${entry}' is not an address or CIDR block`);
      const c = new IPCIDR(cidr);
      const from = c.start<bigint>({ type: 'bigInteger' });
      const to = c.end<bigint>({ type: 'bigInteger' });
      if (cidr.indexOf(':') >= 0) set.v6.push(from, to);
      else set.v4.push(Number(from), Number(to));
    }
    return set;
  }

  /** Split a comma-separated flag value (`10.0.0.0/8,192.168.1.5`) and parse it. */
  static parseList(text: string): CidrSet {
    const list = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (list.length === 0) throw new CidrError('empty', text, 'needs at least one address or CIDR block');
    return CidrSet.parse(list);
  }

  get isEmpty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  /** Addresses the set holds, capped at Number.MAX_SAFE_INTEGER (IPv6 blocks are huge). */
  get size(): number {
    let n = 0n;
    for (let i = 0; i < this.v4.length; i += 2) n += BigInt(this.v4[i + 1] - this.v4[i] + 1);
    for (let i = 0; i < this.v6.length; i += 2) n += this.v6[i + 1] - this.v6[i] + 1n;
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
  }

  /** Whether a canonical address is in the set; memoised per address. */
  has(address: string): boolean {
    const hit = this.memo.get(address);
    if (hit !== undefined) return hit;
    const v = this.lookup(address);
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    // The key is a copy: a slice of a log line would keep the whole line alive.
    this.memo.set(ownAddress(address), v);
    return v;
  }

  private lookup(address: string): boolean {
    if (address.indexOf(':') < 0) {
      const n = ipv4ToNumber(address);
      if (n < 0) return false;
      for (let i = 0; i < this.v4.length; i += 2) if (n >= this.v4[i] && n <= this.v4[i + 1]) return true;
      return false;
    }
    if (this.v6.length === 0) return false;
    const n = ipv6BigInt(address);
    if (n < 0n) return false;
    for (let i = 0; i < this.v6.length; i += 2) if (n >= this.v6[i] && n <= this.v6[i + 1]) return true;
    return false;
  }
}
