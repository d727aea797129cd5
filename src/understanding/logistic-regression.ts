// Binary logistic regression on a handful of dense features: the re-ranker that turns
// retrieval and classifier evidence into a calibrated probability that a candidate
// item is the one the citizen asked about. Full-batch gradient descent: the training
// set is a few thousand rows of under ten numbers.

export class LogisticRegression {
  private constructor(
    readonly weights: Float64Array,
    readonly bias: number,
  ) {}

  static train(rows: Float64Array[], labels: number[], options: { iterations?: number; learningRate?: number; l2?: number } = {}): LogisticRegression {
    const { iterations = 600, learningRate = 0.5, l2 = 1e-3 } = options;
    const width = rows[0]?.length ?? 0;
    const w = new Float64Array(width);
    let b = 0;
    const n = Math.max(1, rows.length);
    const gradient = new Float64Array(width);
    for (let it = 0; it < iterations; it++) {
      gradient.fill(0);
      let gb = 0;
      rows.forEach((x, r) => {
        const error = sigmoid(dot(w, x) + b) - labels[r]!;
        for (let j = 0; j < width; j++) gradient[j]! += error * x[j]!;
        gb += error;
      });
      for (let j = 0; j < width; j++) w[j]! -= learningRate * (gradient[j]! / n + l2 * w[j]!);
      b -= (learningRate * gb) / n;
    }
    return new LogisticRegression(w, b);
  }

  probability(x: ArrayLike<number>): number {
    return sigmoid(dot(this.weights, x) + this.bias);
  }
}

function dot(w: Float64Array, x: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += w[j]! * x[j]!;
  return s;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
