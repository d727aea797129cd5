// A fixed number of non-negative values, kept in a tree of maxima so that the few at or
// above a threshold are found without reading all of them: the sparse softmax trainer
// asks, per training text, which of a thousand classes no feature of the text touches
// is still probable enough to update (usually none, or "none of them").
export class MaxTree {
  /** Leaves from `leaves` on; node n (n ≥ 1) is the larger of nodes 2n and 2n + 1. */
  private readonly nodes: Float64Array;
  private readonly leaves: number;
  /** Nodes still to visit while collecting. */
  private readonly pending: Int32Array;

  constructor(readonly size: number) {
    let leaves = 1;
    while (leaves < size) leaves *= 2;
    this.leaves = leaves;
    this.nodes = new Float64Array(2 * leaves);
    this.pending = new Int32Array(2 * leaves);
  }

  get(index: number): number {
    return this.nodes[this.leaves + index]!;
  }

  set(index: number, value: number): void {
    const nodes = this.nodes;
    let n = this.leaves + index;
    nodes[n] = value;
    for (n >>= 1; n >= 1; n >>= 1) {
      const larger = Math.max(nodes[2 * n]!, nodes[2 * n + 1]!);
      if (nodes[n] === larger) break;
      nodes[n] = larger;
    }
  }

  /**
   * Writes the indexes whose value is at least `threshold` (> 0) into `out`, in no set
   * order; returns how many.
   */
  collectAtLeast(threshold: number, out: Int32Array): number {
    const { nodes, pending, leaves } = this;
    let found = 0;
    let count = 0;
    if (nodes[1]! >= threshold) pending[count++] = 1;
    while (count > 0) {
      const n = pending[--count]!;
      if (n >= leaves) {
        out[found++] = n - leaves;
        continue;
      }
      if (nodes[2 * n]! >= threshold) pending[count++] = 2 * n;
      if (nodes[2 * n + 1]! >= threshold) pending[count++] = 2 * n + 1;
    }
    return found;
  }
}
