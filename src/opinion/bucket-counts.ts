// One series' message counts per time bucket, sparse (most series are empty most of the
// time), with running totals so any window's count is two binary searches however long
// the window — the day window and its past-week samples stay cheap. Buckets older than any
// window's reach are dropped (dropBefore): the totals stay absolute, so a count within what is
// kept is unchanged.

export class BucketCounts {
  /** Buckets that hold at least one message, ascending. */
  private readonly buckets: number[] = [];
  /** cumulative[i] = messages in buckets[0..i], the dropped ones included. */
  private readonly cumulative: number[] = [];
  /** Messages in the buckets dropped (dropBefore). */
  private dropped = 0;

  /** How many buckets are kept. */
  get size(): number {
    return this.buckets.length;
  }

  add(bucket: number, count = 1): void {
    const last = this.buckets.length - 1;
    if (last < 0 || bucket > this.buckets[last]!) {
      this.buckets.push(bucket);
      this.cumulative.push((this.cumulative[last] ?? this.dropped) + count);
      return;
    }
    // A late message (out of time order): insert it and shift the totals after it.
    const at = this.firstAtOrAfter(bucket);
    if (this.buckets[at] !== bucket) {
      this.buckets.splice(at, 0, bucket);
      this.cumulative.splice(at, 0, at > 0 ? this.cumulative[at - 1]! : this.dropped);
    }
    for (let i = at; i < this.cumulative.length; i++) this.cumulative[i]! += count;
  }

  /** Messages in the kept buckets. */
  get total(): number {
    return (this.cumulative[this.cumulative.length - 1] ?? this.dropped) - this.dropped;
  }

  /** The last bucket that holds a message (-Infinity: none kept). */
  get last(): number {
    return this.buckets[this.buckets.length - 1] ?? Number.NEGATIVE_INFINITY;
  }

  /** Each kept bucket with its count, ascending. */
  *entries(): Generator<[bucket: number, count: number]> {
    for (let i = 0; i < this.buckets.length; i++)
      yield [this.buckets[i]!, this.cumulative[i]! - (i > 0 ? this.cumulative[i - 1]! : this.dropped)];
  }

  /** Messages in buckets [from, to). */
  count(from: number, to: number): number {
    return this.before(to) - this.before(from);
  }

  /**
   * Forgets the buckets before `bucket`: a count over [from, to) with from at or after it is
   * unchanged; one reaching before it is no longer right (the caller asks for none).
   */
  dropBefore(bucket: number): void {
    const at = this.firstAtOrAfter(bucket);
    if (at === 0) return;
    this.dropped = this.cumulative[at - 1]!;
    this.buckets.splice(0, at);
    this.cumulative.splice(0, at);
  }

  /** Messages in buckets before `bucket`. */
  private before(bucket: number): number {
    const at = this.firstAtOrAfter(bucket);
    return at === 0 ? this.dropped : this.cumulative[at - 1]!;
  }

  private firstAtOrAfter(bucket: number): number {
    let low = 0;
    let high = this.buckets.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.buckets[mid]! < bucket) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
