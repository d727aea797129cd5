// A map from non-zero 32-bit integers to non-negative integers in two flat typed arrays
// (open addressing, linear probing). For the bigram features looked up on every
// question: a Map<number, number> lookup costs several times as much.

const EMPTY = 0;
/** Fibonacci hashing: the key times 2^32/φ, its top bits as the slot. */
const GOLDEN = 0x9e3779b1;

export class IntegerMap {
  private keys = new Int32Array(16);
  private values = new Int32Array(16);
  private shift = 28; // 32 - log2(capacity)
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let slot = Math.imul(key, GOLDEN) >>> this.shift; ; slot = (slot + 1) & mask) {
      const found = keys[slot]!;
      if (found === key) return this.values[slot]!;
      if (found === EMPTY) return -1;
    }
  }

  /** Stores `value` (≥ 0) for `key` (a non-zero 32-bit integer). */
  set(key: number, value: number): void {
    if (key === EMPTY || (key | 0) !== key) throw new RangeError(`IntegerMap keys are non-zero 32-bit integers, not ${key}`);
    if (value < 0) throw new RangeError(`IntegerMap values are non-negative, not ${value}`);
    // At most half full, so probes stay short.
    if (2 * (this.count + 1) > this.keys.length) this.grow();
    this.place(key, value);
  }

  /** Forgets every key (keeping the table's size). */
  clear(): void {
    this.keys.fill(EMPTY);
    this.count = 0;
  }

  private place(key: number, value: number): void {
    const keys = this.keys;
    const mask = keys.length - 1;
    let slot = Math.imul(key, GOLDEN) >>> this.shift;
    while (keys[slot] !== EMPTY && keys[slot] !== key) slot = (slot + 1) & mask;
    if (keys[slot] === EMPTY) this.count++;
    keys[slot] = key;
    this.values[slot] = value;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2);
    this.shift--;
    this.count = 0;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== EMPTY) this.place(keys[slot]!, values[slot]!);
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
