// Multinomial logistic regression over sparse binary features: which service item
// (or "none of them") a question is about. Trained at catalog load on the items'
// names, aliases and example questions by SGD with a decaying step; classes whose
// gradient is negligible are skipped, so a few hundred texts train in milliseconds.
// Prediction is one row of weights per feature.

export interface TrainingSample {
  features: Int32Array;
  label: number;
}

export interface SoftmaxOptions {
  epochs?: number;
  learningRate?: number;
  /** Weight decay per epoch, keeps weights of rare features small. */
  l2?: number;
  /** Deterministic shuffling, so the same catalog always trains the same model. */
  seed?: number;
}

// Below this, a class's gradient changes nothing worth the update.
const NEGLIGIBLE = 1e-3;

export class SoftmaxClassifier {
  /** weights[f * classes + c]; the bias row is feature `featureCount`. */
  private readonly weights: Float32Array;

  private constructor(
    readonly featureCount: number,
    readonly classCount: number,
  ) {
    this.weights = new Float32Array((featureCount + 1) * classCount);
  }

  static train(samples: TrainingSample[], featureCount: number, classCount: number, options: SoftmaxOptions = {}): SoftmaxClassifier {
    const { epochs = 14, learningRate = 0.5, l2 = 0.002, seed = 1 } = options;
    const model = new SoftmaxClassifier(featureCount, classCount);
    const w = model.weights;
    const probabilities = new Float64Array(classCount);
    const order = samples.map((_, i) => i);
    const random = mulberry32(seed);
    const biasRow = featureCount * classCount;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const step = learningRate / (1 + epoch * 0.1);
      shuffle(order, random);
      for (const index of order) {
        const { features, label } = samples[index]!;
        model.predictInto(features, features.length, probabilities);
        for (let c = 0; c < classCount; c++) {
          const gradient = probabilities[c]! - (c === label ? 1 : 0);
          if (gradient > -NEGLIGIBLE && gradient < NEGLIGIBLE) continue;
          const delta = step * gradient;
          for (const f of features) w[f * classCount + c]! -= delta;
          w[biasRow + c]! -= delta;
        }
      }
      const shrink = 1 - step * l2;
      for (let i = 0; i < biasRow; i++) w[i]! *= shrink;
    }
    return model;
  }

  /** Class probabilities of a sample (its first `count` features) into `out` (length classCount). */
  predictInto(features: Int32Array, count: number, out: Float64Array): void {
    const n = this.classCount;
    const w = this.weights;
    const featureCount = this.featureCount;
    const biasRow = featureCount * n;
    for (let c = 0; c < n; c++) out[c] = w[biasRow + c]!;
    for (let i = 0; i < count; i++) {
      const f = features[i]!;
      if (f >= featureCount) continue;
      const row = f * n;
      for (let c = 0; c < n; c++) out[c]! += w[row + c]!;
    }
    let max = -Infinity;
    for (let c = 0; c < n; c++) if (out[c]! > max) max = out[c]!;
    let sum = 0;
    for (let c = 0; c < n; c++) sum += out[c] = Math.exp(out[c]! - max);
    for (let c = 0; c < n; c++) out[c]! /= sum;
  }
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}
