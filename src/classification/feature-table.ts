// The model laid out for classifying: per feature one row holding its idf and its weights
// for every label of every task, so scoring a feature for all three tasks reads one
// place in memory. (Separate idf and per-task weight arrays cost a cache miss each per
// feature, which dominated the time of long messages.)
import { FeatureIndex } from "./feature-index.ts";
import { SeenHashes } from "./seen-hashes.ts";
import { termWeight } from "./tfidf-vectorizer.ts";

export class FeatureTable {
  private readonly index: FeatureIndex;
  /** Row r: cells[r * stride] = idf, then the weights of every task's labels. */
  private readonly cells: Float32Array;
  private readonly stride: number;
  /** Number of weights per feature (all labels of all tasks). */
  readonly width: number;
  /** The hashes of the message being scored that are already counted. */
  private readonly seen = new SeenHashes();

  /**
   * @param hashes feature hash of each row
   * @param idf idf of each row
   * @param blocks per task, row-major weights (rows × width), laid side by side in this order
   */
  constructor(hashes: Uint32Array, idf: Float32Array, blocks: { weights: Float32Array; width: number }[]) {
    this.index = new FeatureIndex(hashes);
    this.width = blocks.reduce((n, b) => n + b.width, 0);
    this.stride = 1 + this.width;
    this.cells = new Float32Array(hashes.length * this.stride);
    for (let row = 0; row < hashes.length; row++) {
      let at = row * this.stride;
      this.cells[at++] = idf[row]!;
      for (const { weights, width } of blocks) {
        this.cells.set(weights.subarray(row * width, (row + 1) * width), at);
        at += width;
      }
    }
  }

  /**
   * Adds Σ weight · tf-idf value over the message's known features to out[from … to) and
   * returns the length of its tf-idf vector: out / length is the score of the unit vector.
   * A column range lets a caller that needs one task skip the others' weights. The hashes
   * may come in any order; a feature that occurs more than once counts once.
   */
  accumulate(hashes: Uint32Array, out: Float64Array, from = 0, to = this.width): number {
    const { cells, stride, index, seen } = this;
    seen.clear(hashes.length);
    let squares = 0;
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i]!;
      if (!seen.add(hash)) continue;
      const row = index.row(hash);
      if (row < 0) continue;
      const at = row * stride;
      const value = termWeight(cells[at]!);
      squares += value * value;
      for (let k = from; k < to; k++) out[k] = out[k]! + cells[at + 1 + k]! * value;
    }
    return Math.sqrt(squares);
  }
}
