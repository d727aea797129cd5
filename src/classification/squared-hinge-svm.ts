// A binary linear SVM with the squared hinge loss, solved in the dual by coordinate
// descent (Hsieh et al. 2008 — LIBLINEAR's L2-loss dual solver). Each step updates one
// message's dual variable in closed form, so training needs no learning rate and
// converges in a few dozen passes. Features can be rescaled per column on the fly
// (NBSVM's log-count ratios) without copying the vectors.
import { shuffleInPlace } from "./seeded-random.ts";
import type { SparseVector } from "./message-vectorizer.ts";

export interface BinarySvmProblem {
  vectors: readonly SparseVector[];
  /** true where the message is of the positive class. */
  positive: Uint8Array;
  /** Multiplier of each feature column (1 for a plain SVM). */
  columnScale: Float64Array;
  /** Misclassification cost C of positive and of negative messages. */
  costPositive: number;
  costNegative: number;
}

export interface BinarySvmOptions {
  maxEpochs: number;
  /** Stop when no dual variable's projected gradient exceeds this (LIBLINEAR's ε, 0.1). */
  tolerance: number;
  random: () => number;
}

/**
 * Weights over the scaled columns and a bias (a constant feature of value 1, regularized
 * like the others, as LIBLINEAR's -B 1). Score of a vector: Σ w_j · scale_j · x_j + bias.
 */
export function trainBinarySvm(problem: BinarySvmProblem, options: BinarySvmOptions): { weights: Float64Array; bias: number } {
  const { vectors, positive, columnScale } = problem;
  const n = vectors.length;
  const w = new Float64Array(columnScale.length);
  let bias = 0;
  const alpha = new Float64Array(n);
  const diagonal = new Float64Array(n);
  const squaredNorm = new Float64Array(n);
  // The scaled values, computed once: the passes below read them many times.
  const scaled = vectors.map(({ rows, values }, i) => {
    const x = new Float64Array(rows.length);
    let sum = 1;
    for (let j = 0; j < rows.length; j++) {
      x[j] = values[j]! * columnScale[rows[j]!]!;
      sum += x[j]! * x[j]!;
    }
    diagonal[i] = 1 / (2 * (positive[i] ? problem.costPositive : problem.costNegative));
    squaredNorm[i] = sum + diagonal[i]!;
    return x;
  });
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < options.maxEpochs; epoch++) {
    shuffleInPlace(order, options.random);
    let largest = 0;
    for (const i of order) {
      const rows = vectors[i]!.rows;
      const x = scaled[i]!;
      let margin = bias;
      for (let j = 0; j < rows.length; j++) margin += w[rows[j]!]! * x[j]!;
      const y = positive[i] ? 1 : -1;
      const gradient = y * margin - 1 + alpha[i]! * diagonal[i]!;
      const projected = alpha[i] === 0 ? Math.min(gradient, 0) : gradient;
      largest = Math.max(largest, Math.abs(projected));
      if (projected === 0) continue;
      const before = alpha[i]!;
      alpha[i] = Math.max(before - gradient / squaredNorm[i]!, 0);
      const step = (alpha[i]! - before) * y;
      if (step === 0) continue;
      for (let j = 0; j < rows.length; j++) w[rows[j]!] = w[rows[j]!]! + step * x[j]!;
      bias += step;
    }
    if (largest < options.tolerance) break;
  }
  return { weights: w, bias };
}
