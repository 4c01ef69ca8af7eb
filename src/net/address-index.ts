/**
 * Addresses → dense ids (0, 1, 2 … in order of first appearance), the aggregate's key for sources
 * and destinations.
 *
 * An IPv4 address (nearly every address in nearly every log) is read into its 32-bit number and
 * found in an open-addressing table of numbers: no string is hashed, kept or allocated per lookup,
 * and a million addresses cost about 20 bytes each (the number, and a table slot of key + id at
 * load ≤ 0.7), not a Map entry and a string. Anything else (IPv6, an odd token) goes through a Map of its
 * text, copied (`ownAddress`) so it never keeps a log line alive.
 */
import { ipv4ToNumber, numberToIpv4, ownAddress } from './ip.js';

const MIN_CAPACITY = 1024;

export class AddressIndex {
  /** Ids handed out. */
  size = 0;
  /** Per id: the IPv4 address's 32 bits (as `n | 0`); meaningless for a text id (one in `texts`). */
  private numbers = new Int32Array(MIN_CAPACITY);
  /** Slots of (address number | 0, id + 1); id + 1 = 0 is an empty slot. */
  private slots = new Int32Array(2 * 2 * MIN_CAPACITY);
  private capacity = 2 * MIN_CAPACITY;
  private v4Count = 0;
  private readonly textIds = new Map<string, number>();
  private readonly texts = new Map<number, string>();

  /** The id of `address` (canonical text), or -1 when it was never added. */
  get(address: string): number {
    const n = ipv4ToNumber(address);
    if (n < 0) return this.textIds.get(address) ?? -1;
    return this.findNumber(n);
  }

  /** The id of `address`, added when new. `v4`: its IPv4 number when the caller has it, else -1. */
  intern(address: string, v4 = -1): number {
    const n = v4 >= 0 ? v4 : ipv4ToNumber(address);
    if (n < 0) {
      const id = this.textIds.get(address);
      if (id !== undefined) return id;
      const own = ownAddress(address);
      const fresh = this.newId(-1);
      this.textIds.set(own, fresh);
      this.texts.set(fresh, own);
      return fresh;
    }
    return this.internKey(n | 0);
  }

  /**
   * The id of the IPv4 address whose 32 bits are `key` (the number `| 0`), added when new. The hot
   * path: an int32 (a small integer to V8) is never boxed as a call's argument, where an address
   * number from 2^31 up would be a new heap number each time.
   */
  internKey(key: number): number {
    const slots = this.slots;
    const i = this.slotIndex(key);
    const known = slots[2 * i + 1] - 1;
    if (known >= 0) return known;
    const id = this.newId(key);
    slots[2 * i] = key;
    slots[2 * i + 1] = id + 1;
    if (++this.v4Count * 10 > this.capacity * 7) this.growSlots();
    return id;
  }

  /** The canonical text of an id (a new string for IPv4 addresses: callers that need it often keep it). */
  address(id: number): string {
    const text = this.texts.size === 0 ? undefined : this.texts.get(id);
    return text ?? numberToIpv4(this.numbers[id] >>> 0);
  }

  /** The IPv4 number of an id, or -1 for an IPv6 (text) address. */
  ipv4(id: number): number {
    if (this.texts.size > 0 && this.texts.has(id)) return -1;
    return this.numbers[id] >>> 0;
  }

  /** Bytes held by the typed arrays (for the memory figures of the benchmark). */
  get byteLength(): number {
    return this.numbers.byteLength + this.slots.byteLength;
  }

  private findNumber(n: number): number {
    return this.slots[2 * this.slotIndex(n | 0) + 1] - 1;
  }

  /** The slot that holds `key`, or the empty slot where it would go (linear probing). */
  private slotIndex(key: number): number {
    const slots = this.slots;
    const cap = this.capacity;
    let i = slotOf(key, cap);
    while (slots[2 * i + 1] !== 0 && slots[2 * i] !== key) if (++i === cap) i = 0;
    return i;
  }

  private newId(n: number): number {
    if (this.size === this.numbers.length) {
      const grown = new Int32Array(Math.ceil(this.numbers.length * 1.5));
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.size] = n | 0;
    return this.size++;
  }

  /** Grow by 1.5 (load 0.7 → 0.47): less slack than doubling, and no power-of-two size needed. */
  private growSlots(): void {
    const old = this.slots;
    const cap = Math.ceil(this.capacity * 1.5);
    const slots = new Int32Array(2 * cap);
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = slotOf(old[j], cap);
      while (slots[2 * i + 1] !== 0) if (++i === cap) i = 0;
      slots[2 * i] = old[j];
      slots[2 * i + 1] = old[j + 1];
    }
    this.slots = slots;
    this.capacity = cap;
  }
}

/**
 * A slot in [0, capacity): Fibonacci hashing spreads neighbouring addresses (a /24 sweep) over the
 * 32 bits, and the multiply-shift maps them onto the table without a power-of-two size.
 */
function slotOf(key: number, capacity: number): number {
  const h = Math.imul(key, 0x9e3779b1);
  return Math.floor(((h >>> 0) * capacity) / 4294967296);
}
