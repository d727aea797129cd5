// Okapi BM25 over bags of terms. Small and dependency-free: the catalog is a few
// thousand short documents, so an inverted index in memory is all it needs.

export interface ScoredDocument<Key> {
  key: Key;
  score: number;
  /** Sum of idf of the query terms this document contains. */
  matchedWeight: number;
}

interface Posting {
  doc: number;
  tf: number;
}

const K1 = 1.2;
const B = 0.75;

export class Bm25Index<Key> {
  private readonly keys: Key[] = [];
  private readonly lengths: number[] = [];
  private readonly postings = new Map<string, Posting[]>();
  private idfCache = new Map<string, number>();
  private averageLength = 0;

  add(key: Key, terms: string[]): void {
    const doc = this.keys.length;
    this.keys.push(key);
    this.lengths.push(terms.length);
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, tf] of counts) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = []));
      list.push({ doc, tf });
    }
    this.idfCache = new Map();
    this.averageLength = this.lengths.reduce((a, b) => a + b, 0) / this.lengths.length;
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Inverse document frequency; unseen terms get the highest weight a term can have. */
  idf(term: string): number {
    let value = this.idfCache.get(term);
    if (value === undefined) {
      const n = this.postings.get(term)?.length ?? 0;
      value = Math.log(1 + (this.keys.length - n + 0.5) / (n + 0.5));
      this.idfCache.set(term, value);
    }
    return value;
  }

  search(queryTerms: string[], limit: number): ScoredDocument<Key>[] {
    const scores = new Map<number, { score: number; matchedWeight: number }>();
    for (const term of new Set(queryTerms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const { doc, tf } of list) {
        const norm = tf + K1 * (1 - B + (B * this.lengths[doc]!) / this.averageLength);
        const entry = scores.get(doc) ?? { score: 0, matchedWeight: 0 };
        entry.score += (idf * tf * (K1 + 1)) / norm;
        entry.matchedWeight += idf;
        scores.set(doc, entry);
      }
    }
    return [...scores.entries()]
      .sort((a, b) => b[1].score - a[1].score)
      .slice(0, limit)
      .map(([doc, s]) => ({ key: this.keys[doc]!, ...s }));
  }
}
