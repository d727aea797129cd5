// Document frequencies of terms over every message seen: the background against which a
// term is common (小区, 问题) or distinctive (停水, 异味). Online — it grows as messages arrive.
// Bounded by count (maxTerms): real text brings new words all the time (names, typos, numbers),
// and most are never seen again. Over the cap the rarest go first — by bands of frequency
// (1, 2, 3–4, 5–8 …), within a band the longest unused — and those `keep` names (a live
// topic's words) only when nothing else is left. A word let go counts as unseen (its IDF the
// highest), what a word used once or twice nearly is anyway; the message count stays.

interface TermEntry {
  /** How many messages carried it. */
  count: number;
  /** The number of the last message that did. */
  last: number;
}

export class TermStatistics {
  private readonly documentFrequency = new Map<string, TermEntry>();
  private documentCount = 0;

  constructor(
    private readonly maxTerms = Number.POSITIVE_INFINITY,
    private readonly keep: (term: string) => boolean = () => false,
  ) {}

  get documents(): number {
    return this.documentCount;
  }

  /** How many terms are kept. */
  get size(): number {
    return this.documentFrequency.size;
  }

  addDocument(terms: Iterable<string>): void {
    const last = ++this.documentCount;
    for (const term of new Set(terms)) {
      const entry = this.documentFrequency.get(term);
      if (entry) [entry.count, entry.last] = [entry.count + 1, last];
      else this.documentFrequency.set(term, { count: 1, last });
    }
    if (this.documentFrequency.size > this.maxTerms) this.evict();
  }

  /** How many messages carried the term. */
  frequency(term: string): number {
    return this.documentFrequency.get(term)?.count ?? 0;
  }

  /** Smoothed inverse document frequency: ≥ 1, highest for terms the background has not seen. */
  idf(term: string): number {
    return Math.log((this.documentCount + 1) / (this.frequency(term) + 1)) + 1;
  }

  /** Down to the cap less a sixty-fourth, a slice at a time (each time walks the terms once). */
  private evict(): void {
    let excess = this.documentFrequency.size - this.maxTerms + Math.floor(this.maxTerms / 64);
    // Band i holds the counts in (2^(i-1), 2^i]; a kept word's band comes after every other.
    const bands: { term: string; last: number }[][] = [];
    for (const [term, { count, last }] of this.documentFrequency)
      (bands[(this.keep(term) ? 64 : 0) + Math.ceil(Math.log2(count))] ??= []).push({ term, last });
    for (const band of bands) {
      if (excess <= 0) break;
      if (!band) continue;
      // Stable: ties stay in first-use order.
      const gone = band.length <= excess ? band : band.sort((a, b) => a.last - b.last).slice(0, excess);
      for (const { term } of gone) this.documentFrequency.delete(term);
      excess -= gone.length;
    }
  }
}
