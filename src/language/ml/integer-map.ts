// A map from 32-bit integers to non-negative integers in one flat typed array of
// (key, value + 1) pairs (open addressing, linear probing, at most half full): the one
// sparse integer index of the language area. It holds the bigram and short-word ids
// looked up on every question, the analyzer's token readings, and a trained model's
// feature hash → row (10^5 features take about 2 MB). A lookup — also of a key it does
// not hold — reads one or two adjacent pairs; a Map<number, number> costs several times as much.

/** Fibonacci hashing: the key times 2^32/φ, its top bits as the slot (bigram keys differ in their low bits only). */
const GOLDEN = 0x9e3779b1;
const MIN_SLOTS = 16;

export class IntegerMap {
  /** entries[2 * slot] = key (as a signed 32-bit integer), entries[2 * slot + 1] = value + 1; 0 marks an empty slot. */
  private entries = new Int32Array(2 * MIN_SLOTS);
  private mask = MIN_SLOTS - 1;
  private shift = 32 - Math.log2(MIN_SLOTS);
  private count = 0;

  /** `keys[i]` maps to i (a trained model's rows); the keys must be distinct. */
  static fromKeys(keys: ArrayLike<number>): IntegerMap {
    const map = new IntegerMap();
    map.resize(keys.length);
    for (let i = 0; i < keys.length; i++) {
      if (map.get(keys[i]!) >= 0) throw new Error(`key ${keys[i]} is listed twice`);
      map.set(keys[i]!, i);
    }
    return map;
  }

  get size(): number {
    return this.count;
  }

  /**
   * The value stored for `key`, or -1. A key is its 32 bits: an unsigned hash above 2^31
   * and the negative integer with the same bits are one key.
   */
  get(key: number): number {
    const k = key | 0;
    const entries = this.entries;
    const mask = this.mask;
    for (let slot = Math.imul(k, GOLDEN) >>> this.shift; ; slot = (slot + 1) & mask) {
      const stored = entries[2 * slot + 1]!;
      if (stored === 0) return -1;
      if (entries[2 * slot] === k) return stored - 1;
    }
  }

  /** Stores `value` (0 … 2^31 - 2) for `key` (a 32-bit integer, signed or unsigned). */
  set(key: number, value: number): void {
    if (!Number.isInteger(key) || key < -0x80000000 || key > 0xffffffff) {
      throw new RangeError(`IntegerMap keys are 32-bit integers, not ${key}`);
    }
    if (!Number.isInteger(value) || value < 0 || value >= 0x7fffffff) {
      throw new RangeError(`IntegerMap values are integers from 0 to 2^31 - 2, not ${value}`);
    }
    if (2 * (this.count + 1) > this.mask + 1) this.resize(this.count + 1);
    this.place(key | 0, value + 1);
  }

  /** Forgets every key (keeping the table's size). */
  clear(): void {
    this.entries.fill(0);
    this.count = 0;
  }

  private place(key: number, stored: number): void {
    const entries = this.entries;
    const mask = this.mask;
    let slot = Math.imul(key, GOLDEN) >>> this.shift;
    while (entries[2 * slot + 1] !== 0 && entries[2 * slot] !== key) slot = (slot + 1) & mask;
    if (entries[2 * slot + 1] === 0) this.count++;
    entries[2 * slot] = key;
    entries[2 * slot + 1] = stored;
  }

  /** Grows the table to hold `keys` keys at most half full. */
  private resize(keys: number): void {
    let slots = this.mask + 1;
    while (slots < 2 * keys) slots *= 2;
    if (slots === this.mask + 1) return;
    const old = this.entries;
    this.entries = new Int32Array(2 * slots);
    this.mask = slots - 1;
    this.shift = 32 - Math.log2(slots);
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.place(old[i]!, old[i + 1]!);
  }
}

/**
 * A text of one or two UTF-16 code units as one non-zero integer (first << 16 | second,
 * or the one code unit), a key for an IntegerMap; 0 for any other text (and one
 * starting with U+0000). Most tokens and words are this short.
 */
export function shortTextKey(text: string): number {
  if (text.length === 1) return text.charCodeAt(0);
  if (text.length === 2 && text.charCodeAt(0) !== 0) return (text.charCodeAt(0) << 16) | text.charCodeAt(1);
  return 0;
}
