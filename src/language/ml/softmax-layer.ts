// One classification task (type, domain or emotion) as a linear softmax over the shared
// feature vector. Probabilities are divided by a temperature fitted on held-out messages,
// so a confidence of 0.8 means right about 80% of the time.
import type { SparseVector } from "./tfidf-vectorizer.ts";

export interface SoftmaxLayer {
  labels: string[];
  /** Row-major: weights[row * labels.length + k]. */
  weights: Float32Array;
  bias: Float32Array;
  temperature: number;
}

/** Raw scores (logits) of each label, written into `out`. */
export function layerLogits(layer: SoftmaxLayer, vector: SparseVector, out: Float64Array): void {
  const classes = layer.labels.length;
  const { weights } = layer;
  for (let k = 0; k < classes; k++) out[k] = layer.bias[k]!;
  const { rows, values } = vector;
  for (let j = 0; j < rows.length; j++) {
    const offset = rows[j]! * classes;
    const value = values[j]!;
    for (let k = 0; k < classes; k++) out[k] = out[k]! + weights[offset + k]! * value;
  }
}

/** Softmax of logits / temperature, in place. */
export function softmaxInPlace(scores: Float64Array, classes: number, temperature = 1): void {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) if (scores[k]! > max) max = scores[k]!;
  let sum = 0;
  // Dividing by 1 changes nothing; the item classifier's hundred classes skip it.
  const unscaled = temperature === 1;
  for (let k = 0; k < classes; k++) {
    const e = Math.exp(unscaled ? scores[k]! - max : (scores[k]! - max) / temperature);
    scores[k] = e;
    sum += e;
  }
  for (let k = 0; k < classes; k++) scores[k] = scores[k]! / sum;
}
