// One series' message counts per time bucket, sparse (most series are empty most of the
// time), with running totals so any window's count is two binary searches however long
// the window — the day window and its past-week samples stay cheap.

export class BucketCounts {
  /** Buckets that hold at least one message, ascending. */
  private readonly buckets: number[] = [];
  /** cumulative[i] = messages in buckets[0..i]. */
  private readonly cumulative: number[] = [];

  add(bucket: number, count = 1): void {
    const last = this.buckets.length - 1;
    if (last < 0 || bucket > this.buckets[last]!) {
      this.buckets.push(bucket);
      this.cumulative.push((this.cumulative[last] ?? 0) + count);
      return;
    }
    // A late message (out of time order): insert it and shift the totals after it.
    const at = this.firstAtOrAfter(bucket);
    if (this.buckets[at] !== bucket) {
      this.buckets.splice(at, 0, bucket);
      this.cumulative.splice(at, 0, at > 0 ? this.cumulative[at - 1]! : 0);
    }
    for (let i = at; i < this.cumulative.length; i++) this.cumulative[i]! += count;
  }

  /** Messages in buckets [from, to). */
  count(from: number, to: number): number {
    return this.before(to) - this.before(from);
  }

  /** Messages in buckets before `bucket`. */
  private before(bucket: number): number {
    const at = this.firstAtOrAfter(bucket);
    return at === 0 ? 0 : this.cumulative[at - 1]!;
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
