// Binary logistic regression on a handful of dense features: the re-ranker that turns
// retrieval and classifier evidence into a calibrated probability that a candidate
// item is the one the citizen asked about. Fitted by Newton's method (iteratively
// reweighted least squares): with a dozen features it converges in a few steps. Each
// row's zero features are skipped in the sums (most features are 0/1 flags), and the
// rows are one flat array.

export class LogisticRegression {
  private constructor(
    /** Feature weights, then the bias. */
    readonly weights: Float64Array,
  ) {}

  /** The model with these weights (`weights` of a trained one, e.g. sent from another thread). */
  static fromWeights(weights: Float64Array): LogisticRegression {
    return new LogisticRegression(weights);
  }

  /**
   * Fits the weights to `rows`: `width` features per row, row r at r * width in one flat
   * array (a city's catalog gives the re-ranker ~80,000 rows: one array, not 80,000).
   */
  static train(
    rows: Float64Array,
    width: number,
    labels: ArrayLike<number>,
    options: { iterations?: number; l2?: number } = {},
  ): LogisticRegression {
    const { iterations = 25, l2 = 1e-2 } = options;
    const rowCount = width === 0 ? 0 : Math.floor(rows.length / width);
    const size = width + 1; // + bias
    const w = new Float64Array(size);
    const gradient = new Float64Array(size);
    const hessian = Array.from({ length: size }, () => new Float64Array(size));
    // Each row's non-zero features (then the bias), in order, listed once for all
    // iterations: a zero adds nothing to a sum, and most features are binary flags.
    const rowStart = new Int32Array(rowCount + 1);
    let nonZeroCount = 0;
    for (let r = 0; r < rowCount; r++) {
      for (let i = 0; i < width; i++) if (rows[r * width + i] !== 0) nonZeroCount++;
      rowStart[r + 1] = ++nonZeroCount;
    }
    const column = new Int32Array(nonZeroCount);
    const value = new Float64Array(nonZeroCount);
    for (let r = 0, e = 0; r < rowCount; r++) {
      for (let i = 0; i < width; i++) {
        const x = rows[r * width + i]!;
        if (x === 0) continue;
        column[e] = i;
        value[e++] = x;
      }
      column[e] = width;
      value[e++] = 1;
    }
    for (let it = 0; it < iterations; it++) {
      gradient.fill(0);
      for (const row of hessian) row.fill(0);
      for (let r = 0; r < rowCount; r++) {
        const from = rowStart[r]!;
        const to = rowStart[r + 1]!;
        let z = 0;
        for (let a = from; a < to; a++) z += w[column[a]!]! * value[a]!;
        const p = sigmoid(z);
        const error = p - labels[r]!;
        const curvature = Math.max(p * (1 - p), 1e-6);
        for (let a = from; a < to; a++) {
          const i = column[a]!;
          const xi = value[a]!;
          gradient[i]! += error * xi;
          const hessianRow = hessian[i]!;
          for (let b = from; b <= a; b++) hessianRow[column[b]!]! += curvature * xi * value[b]!;
        }
      }
      // Ridge penalty on the weights (not the bias) keeps the solve stable.
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < i; j++) hessian[j]![i] = hessian[i]![j]!;
        if (i < size - 1) {
          gradient[i]! += l2 * w[i]!;
          hessian[i]![i]! += l2;
        }
      }
      const step = solve(hessian, gradient);
      let change = 0;
      for (let i = 0; i < size; i++) {
        w[i]! -= step[i]!;
        change = Math.max(change, Math.abs(step[i]!));
      }
      if (change < 1e-6) break;
    }
    return new LogisticRegression(w);
  }

  /** Probability for the features x[at …] (one row of a larger buffer, or x itself). */
  probability(x: ArrayLike<number>, at = 0): number {
    let z = this.weights[this.weights.length - 1]!;
    for (let j = 0; j < this.weights.length - 1; j++) z += this.weights[j]! * x[at + j]!;
    return sigmoid(z);
  }
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and symmetric positive definite). */
function solve(a: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const m = a.map((row, i) => Float64Array.from([...row, b[i]!]));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const diagonal = m[col]![col]! || 1e-12;
    for (let r = col + 1; r < n; r++) {
      const factor = m[r]![col]! / diagonal;
      if (factor === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= factor * m[col]![c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r]![n]!;
    for (let c = r + 1; c < n; c++) sum -= m[r]![c]! * x[c]!;
    x[r] = sum / (m[r]![r]! || 1e-12);
  }
  return x;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
