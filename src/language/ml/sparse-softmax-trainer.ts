// The item classifier's trainer: multinomial logistic regression over binary features by
// stochastic gradient descent in a seeded order, the step η0 / (1 + 0.1 epoch), the L2
// decay once per epoch, a class whose gradient is below 10⁻³ not updated, the bias kept
// in float32 like the weights.
//
// Sparse, so that a city's thousand items train in seconds: a feature has weights only
// for the classes whose own texts use it (fixed before training), and a feature used by
// the texts of more than `maxClassesPerFeature` classes has none — a word nearly every
// item's questions use (需要, 材料, 多少钱) says nothing about which item is meant, and its
// weights would span the catalog. A class no feature of a text has a weight for scores
// its bias alone: the softmax's normalizer is the sum of exp(bias) over all classes, kept
// up to date and corrected for the classes the text touches, and the untouched classes
// probable enough to update (their bias only) are found in a tree of maxima
// (max-tree.ts). A text then costs its features' entries, not features × classes. Unlike
// a dense model, a class gets no weight for a word its texts never use: a confuser is
// pushed down through its bias and the right class's weights.
import { MaxTree } from "./max-tree.ts";
import { seededRandom, shuffleInPlace } from "./seeded-random.ts";

export interface TrainingSample {
  /** Distinct feature ids. */
  features: Int32Array;
  label: number;
}

export interface SparseSoftmaxOptions {
  epochs: number;
  learningRate: number;
  /** Weight decay per epoch, keeps weights of rare features small. */
  l2: number;
  /** Deterministic shuffling, so the same catalog always trains the same model. */
  seed: number;
  /** A feature the texts of more classes use gets no weights. */
  maxClassesPerFeature: number;
}

/** Feature f's weights: classes[e] weighs weights[e] for e in start[f] … start[f + 1] - 1. */
export interface SparseWeights {
  start: Int32Array;
  classes: Int32Array;
  weights: Float32Array;
  bias: Float32Array;
}

// Below this, a gradient changes nothing worth the update.
const NEGLIGIBLE_GRADIENT = 1e-3;

export function trainSparseSoftmax(
  samples: readonly TrainingSample[],
  featureCount: number,
  classCount: number,
  options: SparseSoftmaxOptions,
): SparseWeights {
  const K = classCount;
  const { epochs, learningRate, l2 } = options;
  const { start, classes, weights } = weightPattern(samples, featureCount, K, options.maxClassesPerFeature);
  const bias = new Float64Array(K);
  /** exp(bias) of each class, and their sum. */
  const expBias = new MaxTree(K);
  for (let k = 0; k < K; k++) expBias.set(k, 1);
  let expBiasSum = K;
  const scores = new Float64Array(K);
  const gradient = new Float64Array(K);
  // touchedAt[k] === the text's number: k is among the text's touched classes; updatedAt: among its updated.
  const touchedAt = new Int32Array(K).fill(-1);
  const updatedAt = new Int32Array(K).fill(-1);
  const touched = new Int32Array(K);
  const updated = new Int32Array(K);
  const probable = new Int32Array(K);
  const random = seededRandom(options.seed);
  const order = Int32Array.from(samples.keys());
  let text = 0;

  for (let epoch = 0; epoch < epochs; epoch++) {
    const eta = learningRate / (1 + epoch * 0.1);
    shuffleInPlace(order, random);
    for (const i of order) {
      const { features, label } = samples[i]!;
      text++;
      // Scores of the classes the text's features have weights for, each feature added in order.
      let touchedCount = 0;
      for (let j = 0; j < features.length; j++) {
        const f = features[j]!;
        for (let e = start[f]!, end = start[f + 1]!; e < end; e++) {
          const k = classes[e]!;
          if (touchedAt[k] !== text) {
            touchedAt[k] = text;
            scores[k] = bias[k]!;
            touched[touchedCount++] = k;
          }
          scores[k] = scores[k]! + weights[e]!;
        }
      }
      // The softmax: exp(score - shift) over the touched classes, exp(bias - shift) over the rest.
      let untouchedMass = expBiasSum;
      let top = -Infinity;
      for (let t = 0; t < touchedCount; t++) {
        const k = touched[t]!;
        untouchedMass -= expBias.get(k);
        if (scores[k]! > top) top = scores[k]!;
      }
      if (touchedCount === K || untouchedMass < 0) untouchedMass = 0;
      const shift = untouchedMass > 0 ? Math.max(top, Math.log(untouchedMass)) : top;
      let normalizer = untouchedMass * Math.exp(-shift);
      for (let t = 0; t < touchedCount; t++) {
        const k = touched[t]!;
        scores[k] = Math.exp(scores[k]! - shift);
        normalizer += scores[k]!;
      }
      const untouchedScale = Math.exp(-shift) / normalizer;

      // The classes to update: touched ones, the label, and untouched ones still probable.
      let count = 0;
      for (let t = 0; t < touchedCount; t++) {
        const k = touched[t]!;
        const g = scores[k]! / normalizer - (k === label ? 1 : 0);
        if (!(Math.abs(g) < NEGLIGIBLE_GRADIENT)) {
          gradient[k] = g;
          updatedAt[k] = text;
          updated[count++] = k;
        }
      }
      if (touchedAt[label] !== text) {
        const g = expBias.get(label) * untouchedScale - 1;
        if (!(Math.abs(g) < NEGLIGIBLE_GRADIENT)) {
          gradient[label] = g;
          updatedAt[label] = text;
          updated[count++] = label;
        }
      }
      // Slightly below the threshold: rounding must not drop a class the check below keeps.
      const found =
        touchedCount === K ? 0 : expBias.collectAtLeast((NEGLIGIBLE_GRADIENT / untouchedScale) * (1 - 1e-9), probable);
      for (let p = 0; p < found; p++) {
        const k = probable[p]!;
        if (touchedAt[k] === text || k === label) continue;
        const g = expBias.get(k) * untouchedScale;
        if (!(g < NEGLIGIBLE_GRADIENT)) {
          gradient[k] = g;
          updatedAt[k] = text;
          updated[count++] = k;
        }
      }

      // Only touched classes have weights for the text's features.
      for (let j = 0; j < features.length; j++) {
        const f = features[j]!;
        for (let e = start[f]!, end = start[f + 1]!; e < end; e++) {
          const k = classes[e]!;
          if (updatedAt[k] === text) weights[e] = weights[e]! - gradient[k]! * eta;
        }
      }
      for (let u = 0; u < count; u++) {
        const k = updated[u]!;
        bias[k] = Math.fround(bias[k]! - eta * gradient[k]!);
        const e = Math.exp(bias[k]!);
        expBiasSum += e - expBias.get(k);
        expBias.set(k, e);
      }
    }
    const shrink = 1 - eta * l2;
    for (let e = 0; e < weights.length; e++) weights[e] = weights[e]! * shrink;
    // Summed afresh: the running sum drifts by rounding over thousands of updates.
    expBiasSum = 0;
    for (let k = 0; k < K; k++) expBiasSum += expBias.get(k);
  }
  return { start, classes, weights, bias: Float32Array.from(bias) };
}

/**
 * Which weights the model has, all zero: for each feature, the classes of the texts using
 * it, in class order — none when more than `maxClasses` use it.
 */
function weightPattern(
  samples: readonly TrainingSample[],
  featureCount: number,
  classCount: number,
  maxClasses: number,
): Omit<SparseWeights, "bias"> {
  // Texts by class (a counting sort), so each feature meets each of its classes in one run.
  const byClass = new Int32Array(classCount + 1);
  for (const { label } of samples) byClass[label + 1]!++;
  for (let k = 0; k < classCount; k++) byClass[k + 1]! += byClass[k]!;
  const sorted = new Int32Array(samples.length);
  const next = byClass.slice(0, classCount);
  samples.forEach(({ label }, i) => (sorted[next[label]!++] = i));

  const lastClass = new Int32Array(featureCount).fill(-1);
  const classesOf = new Int32Array(featureCount);
  const pass = (record: (f: number, k: number) => void) => {
    lastClass.fill(-1);
    for (const i of sorted) {
      const { features, label } = samples[i]!;
      for (const f of features) {
        if (lastClass[f] === label) continue;
        lastClass[f] = label;
        record(f, label);
      }
    }
  };
  pass((f) => classesOf[f]!++);
  const start = new Int32Array(featureCount + 1);
  for (let f = 0; f < featureCount; f++) start[f + 1] = start[f]! + (classesOf[f]! > maxClasses ? 0 : classesOf[f]!);
  const classes = new Int32Array(start[featureCount]!);
  const filled = start.slice(0, featureCount);
  pass((f, k) => {
    if (classesOf[f]! <= maxClasses) classes[filled[f]!++] = k;
  });
  return { start, classes, weights: new Float32Array(classes.length) };
}
