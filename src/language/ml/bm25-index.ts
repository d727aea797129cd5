// Okapi BM25 over feature ids. The catalog is small (tens to thousands of documents),
// so the index is flat typed arrays, and each posting's BM25 weight is computed once
// at build time: a search is one addition per posting of the query's features.

const K1 = 1.2;
const B = 0.75;

/** A built index as plain data (typed arrays): what a worker thread sends back. */
export interface Bm25State {
  start: Int32Array;
  doc: Int32Array;
  weight: Float64Array;
  idfs: Float64Array;
  documentCount: number;
  maxIdf: number;
}

export class Bm25Index {
  /** Postings of feature f are start[f] … start[f+1]-1 in doc/weight. */
  private readonly start: Int32Array;
  private readonly doc: Int32Array;
  private readonly weight: Float64Array;
  private readonly idfs: Float64Array;
  readonly documentCount: number;
  /** The highest idf any feature can have: what a word no document uses would weigh. */
  readonly maxIdf: number;

  constructor(state: Bm25State) {
    this.start = state.start;
    this.doc = state.doc;
    this.weight = state.weight;
    this.idfs = state.idfs;
    this.documentCount = state.documentCount;
    this.maxIdf = state.maxIdf;
  }

  /**
   * docs[d] = feature ids of document d (repeats count as term frequency).
   * `maxDocumentShare` drops the postings of features in more than that share of the
   * documents from searches: they weigh next to nothing and are the longest lists.
   */
  static build(
    docs: readonly (readonly number[] | Int32Array)[],
    featureCount: number,
    maxDocumentShare = 1,
  ): Bm25Index {
    const maxIdf = Math.log(1 + (docs.length + 0.5) / 0.5);
    let total = 0;
    for (const d of docs) total += d.length;
    const average = total / Math.max(1, docs.length);
    // Term frequencies without a map per document: lastDoc[f] is the last document that
    // counted f, tf[f] its count there (a city's catalog builds ~60,000 documents per load).
    const lastDoc = new Int32Array(featureCount).fill(-1);
    const tf = new Int32Array(featureCount);
    const df = new Int32Array(featureCount);
    docs.forEach((d, i) => {
      for (const f of d) {
        if (lastDoc[f] === i) continue;
        lastDoc[f] = i;
        df[f]!++;
      }
    });
    const limit = maxDocumentShare * docs.length;
    const start = new Int32Array(featureCount + 1);
    for (let f = 0; f < featureCount; f++) start[f + 1] = start[f]! + (df[f]! <= limit ? df[f]! : 0);
    const doc = new Int32Array(start[featureCount]!);
    const weight = new Float64Array(start[featureCount]!);
    const idfs = new Float64Array(featureCount);
    for (let f = 0; f < featureCount; f++) idfs[f] = Math.log(1 + (docs.length - df[f]! + 0.5) / (df[f]! + 0.5));
    const fill = start.slice(0, featureCount);
    lastDoc.fill(-1);
    docs.forEach((d, i) => {
      for (const f of d) {
        if (lastDoc[f] === i) tf[f]!++;
        else {
          lastDoc[f] = i;
          tf[f] = 1;
        }
      }
      const norm = K1 * (1 - B + (B * d.length) / average);
      // Each distinct feature once (its first occurrence), with its count in this document.
      for (let j = 0; j < d.length; j++) {
        const f = d[j]!;
        if (lastDoc[f] !== i || df[f]! > limit) continue;
        lastDoc[f] = -1;
        const n = tf[f]!;
        const p = fill[f]!++;
        doc[p] = i;
        weight[p] = (idfs[f]! * n * (K1 + 1)) / (n + norm);
      }
    });
    return new Bm25Index({ start, doc, weight, idfs, documentCount: docs.length, maxIdf });
  }

  /** The index as plain data, for Bm25Index's constructor in another thread. */
  state(): Bm25State {
    const { start, doc, weight, idfs, documentCount, maxIdf } = this;
    return { start, doc, weight, idfs, documentCount, maxIdf };
  }

  /** Inverse document frequency of a feature (0 for features outside the index). */
  idf(feature: number): number {
    return this.idfs[feature] ?? 0;
  }

  /**
   * Adds each document's BM25 score for the first `featureCount` features into `scores` (zeroed by the caller) and lists the
   * documents it touched in `touched`; returns how many. For large indexes, where
   * zeroing and scanning every document would cost more than the search.
   */
  scoreSparse(features: Int32Array, featureCount: number, scores: Float64Array, touched: Int32Array): number {
    let count = 0;
    for (let i = 0; i < featureCount; i++) {
      const f = features[i]!;
      const end = this.start[f + 1];
      if (end === undefined) continue;
      for (let p = this.start[f]!; p < end; p++) {
        const d = this.doc[p]!;
        if (scores[d] === 0) touched[count++] = d;
        scores[d]! += this.weight[p]!;
      }
    }
    return count;
  }

  /**
   * Adds each document's BM25 score for the first `featureCount` features into `scores` and the idf of the query features
   * it contains into `matched` (both sized documentCount, zeroed by the caller).
   */
  score(features: Int32Array, featureCount: number, scores: Float64Array, matched: Float64Array): void {
    for (let i = 0; i < featureCount; i++) {
      const f = features[i]!;
      const end = this.start[f + 1];
      if (end === undefined) continue;
      const idf = this.idfs[f]!;
      for (let p = this.start[f]!; p < end; p++) {
        const d = this.doc[p]!;
        scores[d]! += this.weight[p]!;
        matched[d]! += idf;
      }
    }
  }
}
