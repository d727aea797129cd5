// The message model's softmax trainer: multinomial logistic regression with L2
// regularization over sparse vectors, trained by stochastic gradient descent in a seeded
// order. Each message's loss is multiplied by its class weight, so a rare label is not
// drowned by 城建's thousand messages. Bottou's step η_t = η0 / (1 + λ η0 t) per message,
// the decay folded into a scale (weights kept as scale · v, O(1) per step instead of a pass
// over all weights), a message skipped when every class's gradient is negligible. Kept
// byte for byte as the shipped message model was trained. (The item classifier has a
// trainer of its own, sparse-softmax-trainer.ts.)
import { seededRandom, shuffleInPlace } from "./seeded-random.ts";
import { softmaxInPlace } from "./softmax-layer.ts";
import type { SparseVector } from "./tfidf-vectorizer.ts";

export interface SoftmaxTrainingOptions {
  epochs: number;
  /** L2 regularization strength λ. */
  l2: number;
  /** Initial learning rate η0. */
  learningRate: number;
  /** Deterministic shuffling, so the same data always trains the same model. */
  seed: number;
}

export interface TrainingSet {
  vectors: SparseVector[];
  /** Class index of each vector. */
  classes: Int32Array;
  classCount: number;
  featureCount: number;
  /** Loss weight per class. */
  classWeights: Float64Array;
}

export interface TrainedWeights {
  /** Row-major: weights[row * classCount + k]. */
  weights: Float32Array;
  bias: Float32Array;
}

// Below this scale the v representation loses float precision: fold the scale back in.
const MIN_SCALE = 1e-5;
// Below this, a gradient changes nothing worth the update.
const NEGLIGIBLE_GRADIENT = 1e-3;

export function trainSoftmax(set: TrainingSet, options: SoftmaxTrainingOptions): TrainedWeights {
  const K = set.classCount;
  const v = new Float32Array(set.featureCount * K);
  const bias = new Float64Array(K);
  const scores = new Float64Array(K);
  const gradient = new Float64Array(K);
  const random = seededRandom(options.seed);
  const order = Int32Array.from(set.vectors.keys());
  const { l2, learningRate } = options;
  let scale = 1;
  let step = 0;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const i of order) {
      const { rows, values } = set.vectors[i]!;
      const label = set.classes[i]!;
      const eta = learningRate / (1 + l2 * learningRate * step++);

      for (let k = 0; k < K; k++) scores[k] = bias[k]!;
      for (let j = 0; j < rows.length; j++) {
        const offset = rows[j]! * K;
        const x = values[j]! * scale;
        for (let k = 0; k < K; k++) scores[k] = scores[k]! + v[offset + k]! * x;
      }
      softmaxInPlace(scores, K);
      const weight = set.classWeights[label]!;
      let largest = 0;
      for (let k = 0; k < K; k++) {
        gradient[k] = weight * (scores[k]! - (k === label ? 1 : 0));
        largest = Math.max(largest, Math.abs(gradient[k]!));
      }

      scale *= 1 - eta * l2;
      if (scale < MIN_SCALE) {
        for (let w = 0; w < v.length; w++) v[w] = v[w]! * scale;
        scale = 1;
      }
      // A message the model already gets right with near certainty would move the
      // weights by almost nothing: skip the update (most of them, after the first epochs).
      if (largest < NEGLIGIBLE_GRADIENT) continue;
      const stepOverScale = eta / scale;
      for (let j = 0; j < rows.length; j++) {
        const offset = rows[j]! * K;
        const x = values[j]! * stepOverScale;
        for (let k = 0; k < K; k++) v[offset + k] = v[offset + k]! - gradient[k]! * x;
      }
      for (let k = 0; k < K; k++) bias[k] = bias[k]! - eta * gradient[k]!;
    }
  }
  if (scale !== 1) for (let w = 0; w < v.length; w++) v[w] = v[w]! * scale;
  return { weights: v, bias: Float32Array.from(bias) };
}

/**
 * Loss weight per class: (N / (K · n_c))^power. power 1 is the usual "balanced"
 * weighting, 0 none; in between evens out rare classes without giving up accuracy
 * on the common ones.
 */
export function classWeights(classes: Int32Array, classCount: number, power: number): Float64Array {
  const counts = new Float64Array(classCount);
  for (const c of classes) counts[c] = counts[c]! + 1;
  return counts.map((n) => (n === 0 ? 0 : (classes.length / (classCount * n)) ** power));
}
