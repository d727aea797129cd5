// The model laid out for classifying, in two tables of one row per feature: the head
// holds its idf and the first task's weights (the type: every message needs it), the
// tail the weights of every other task's labels. Scoring the type alone reads one
// 16-byte row per feature, and the head of a model of ~20k features (~300 kB) stays in
// cache between messages; scoring all three tasks reads two rows. (Separate idf and
// per-task weight arrays cost a cache miss each per feature, which dominated the time of
// long messages; one row for everything made the type read the other tasks' lines too.)
import { IntegerMap } from "./integer-map.ts";
import { SeenHashes } from "./seen-hashes.ts";
import { termWeight } from "./tfidf-vectorizer.ts";

export class FeatureTable {
  /** Feature hash → row. */
  private readonly index: IntegerMap;
  /** Row r: head[r * headStride] = idf, then the first task's weights (columns 0 … headWidth). */
  private readonly head: Float32Array;
  private readonly headStride: number;
  private readonly headWidth: number;
  /** Row r: the weights of columns headWidth … width, from tail[r * tailWidth]. */
  private readonly tail: Float32Array;
  private readonly tailWidth: number;
  /** Number of weights per feature (all labels of all tasks). */
  readonly width: number;
  /** The hashes of the message being scored that are already counted. */
  private readonly seen = new SeenHashes();

  /**
   * @param hashes feature hash of each row
   * @param idf idf of each row
   * @param blocks per task, row-major weights (rows × width), laid side by side in this
   *   order; the first goes beside the idf
   */
  constructor(hashes: Uint32Array, idf: Float32Array, blocks: { weights: Float32Array; width: number }[]) {
    const rows = hashes.length;
    this.index = IntegerMap.fromKeys(hashes);
    this.width = blocks.reduce((n, b) => n + b.width, 0);
    this.headWidth = blocks[0]?.width ?? 0;
    this.headStride = 1 + this.headWidth;
    this.tailWidth = this.width - this.headWidth;
    this.head = new Float32Array(rows * this.headStride);
    this.tail = new Float32Array(rows * this.tailWidth);
    for (let row = 0; row < rows; row++) {
      this.head[row * this.headStride] = idf[row]!;
      let column = 0;
      for (const { weights, width } of blocks) {
        const cells = weights.subarray(row * width, (row + 1) * width);
        if (column < this.headWidth) this.head.set(cells, row * this.headStride + 1 + column);
        else this.tail.set(cells, row * this.tailWidth + column - this.headWidth);
        column += width;
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
    const { head, headStride, headWidth, tail, tailWidth, index, seen } = this;
    const headTo = Math.min(to, headWidth);
    const tailFrom = Math.max(from, headWidth);
    seen.clear(hashes.length);
    let squares = 0;
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i]!;
      if (!seen.add(hash)) continue;
      const row = index.get(hash);
      if (row < 0) continue;
      const at = row * headStride;
      const value = termWeight(head[at]!);
      squares += value * value;
      for (let k = from; k < headTo; k++) out[k] = out[k]! + head[at + 1 + k]! * value;
      // Tail cells of column k sit at row * tailWidth + k - headWidth.
      const tailAt = row * tailWidth - headWidth;
      for (let k = tailFrom; k < to; k++) out[k] = out[k]! + tail[tailAt + k]! * value;
    }
    return Math.sqrt(squares);
  }
}
