// Binary logistic regression on a handful of dense features: the re-ranker that turns
// retrieval and classifier evidence into a calibrated probability that a candidate
// item is the one the citizen asked about. Fitted by Newton's method (iteratively
// reweighted least squares): with a dozen features it converges in a few steps. Each
// row's zero features are skipped in the sums (most features are 0/1 flags).

export class LogisticRegression {
  private constructor(
    /** Feature weights, then the bias. */
    readonly weights: Float64Array,
  ) {}

  static train(
    rows: Float64Array[],
    labels: number[],
    options: { iterations?: number; l2?: number } = {},
  ): LogisticRegression {
    const { iterations = 25, l2 = 1e-2 } = options;
    const width = (rows[0]?.length ?? 0) + 1; // + bias
    const w = new Float64Array(width);
    const gradient = new Float64Array(width);
    const hessian = Array.from({ length: width }, () => new Float64Array(width));
    const x = new Float64Array(width);
    /** The row's non-zero features, in order (a zero adds nothing to a sum: most are binary). */
    const nonZero = new Int32Array(width);
    for (let it = 0; it < iterations; it++) {
      gradient.fill(0);
      for (const row of hessian) row.fill(0);
      for (let r = 0; r < rows.length; r++) {
        x.set(rows[r]!);
        x[width - 1] = 1;
        let count = 0;
        for (let i = 0; i < width; i++) if (x[i] !== 0) nonZero[count++] = i;
        const p = sigmoid(dot(w, x));
        const error = p - labels[r]!;
        const curvature = Math.max(p * (1 - p), 1e-6);
        for (let a = 0; a < count; a++) {
          const i = nonZero[a]!;
          gradient[i]! += error * x[i]!;
          const hessianRow = hessian[i]!;
          for (let b = 0; b <= a; b++) {
            const j = nonZero[b]!;
            hessianRow[j]! += curvature * x[i]! * x[j]!;
          }
        }
      }
      // Ridge penalty on the weights (not the bias) keeps the solve stable.
      for (let i = 0; i < width; i++) {
        for (let j = 0; j < i; j++) hessian[j]![i] = hessian[i]![j]!;
        if (i < width - 1) {
          gradient[i]! += l2 * w[i]!;
          hessian[i]![i]! += l2;
        }
      }
      const step = solve(hessian, gradient);
      let change = 0;
      for (let i = 0; i < width; i++) {
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

function dot(w: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += w[j]! * x[j]!;
  return s;
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
