// Document frequencies of terms over every message seen: the background against which a
// term is common (小区, 问题) or distinctive (停水, 异味). Online — it grows as messages arrive.

export class TermStatistics {
  private readonly documentFrequency = new Map<string, number>();
  private documentCount = 0;

  get documents(): number {
    return this.documentCount;
  }

  addDocument(terms: Iterable<string>): void {
    this.documentCount++;
    for (const term of new Set(terms)) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
  }

  /** How many messages carried the term. */
  frequency(term: string): number {
    return this.documentFrequency.get(term) ?? 0;
  }

  /** Smoothed inverse document frequency: ≥ 1, highest for terms the background has not seen. */
  idf(term: string): number {
    return Math.log((this.documentCount + 1) / ((this.documentFrequency.get(term) ?? 0) + 1)) + 1;
  }
}
