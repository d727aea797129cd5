// One task's training data as the trainers see it: unit-length sparse vectors, the class
// of each, and a loss weight per class.
import type { SparseVector } from "./message-vectorizer.ts";

export interface TrainingSet {
  vectors: SparseVector[];
  /** Class index of each vector. */
  classes: Int32Array;
  classCount: number;
  featureCount: number;
  /** Loss weight per class. */
  classWeights: Float64Array;
}

/** Weights of a linear model: row-major weights[row * classCount + k], one bias per class. */
export interface TrainedWeights {
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Loss weight per class: (N / (K · n_c))^power. power 1 is the usual "balanced"
 * weighting, 0 none; in between evens out rare classes without giving up accuracy
 * on the common ones.
 */
export function classWeights(classes: Int32Array, classCount: number, power: number): Float64Array {
  const counts = new Float64Array(classCount);
  for (const c of classes) counts[c] = counts[c]! + 1;
  return counts.map((n) => (n === 0 ? 0 : Math.pow(classes.length / (classCount * n), power)));
}

/**
 * The subset of a training set at the given positions (vectors are shared, not copied).
 * It keeps the whole set's class weights: a random part has about the same class shares.
 */
export function subset(set: TrainingSet, positions: ArrayLike<number>): TrainingSet {
  const vectors: SparseVector[] = [];
  const classes = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    vectors.push(set.vectors[positions[i]!]!);
    classes[i] = set.classes[positions[i]!]!;
  }
  return { vectors, classes, classCount: set.classCount, featureCount: set.featureCount, classWeights: set.classWeights };
}
