// Multinomial logistic regression over sparse binary features: which service item
// (or "none of them") a question is about. Trained at catalog load on the items'
// names, aliases and example questions by the sparse softmax trainer, so even a city's
// thousand items train in seconds. A feature has weights only for the classes whose texts
// use it: a prediction costs the question's features' entries plus one pass writing every
// class's probability, not features × classes.
import { type SparseWeights, type TrainingSample, trainSparseSoftmax } from "./sparse-softmax-trainer.ts";

export type { TrainingSample } from "./sparse-softmax-trainer.ts";

export interface SoftmaxOptions {
  epochs?: number;
  learningRate?: number;
  /** Weight decay per epoch, keeps weights of rare features small. */
  l2?: number;
  /** Deterministic shuffling, so the same catalog always trains the same model. */
  seed?: number;
  /**
   * A feature the texts of more classes use gets no weights: a word a hundred items'
   * questions use (需要, 材料, 多少钱 in the generated city's 1,241) cannot single one out,
   * and its weights would make every text cost that many classes. Above the sample
   * catalog's size: its 41 items keep every feature.
   */
  maxClassesPerFeature?: number;
}

/** A trained classifier as plain data (typed arrays): what a worker thread sends back. */
export interface SoftmaxState {
  featureCount: number;
  classCount: number;
  model: SparseWeights;
}

export class SoftmaxClassifier {
  /** exp(bias - maxBias) per class, and their sum: the softmax of a class no feature touches. */
  private readonly expBias: Float64Array;
  private readonly expBiasSum: number;
  private readonly maxBias: number;
  // Scratch: the classes the current question touches (touchedAt[k] === visit).
  private readonly touched: Int32Array;
  private readonly touchedAt: Int32Array;
  private visit = 0;

  private constructor(
    readonly featureCount: number,
    readonly classCount: number,
    private readonly model: SparseWeights,
  ) {
    this.maxBias = -Infinity;
    for (const b of model.bias) this.maxBias = Math.max(this.maxBias, b);
    this.expBias = Float64Array.from(model.bias, (b) => Math.exp(b - this.maxBias));
    let sum = 0;
    for (const e of this.expBias) sum += e;
    this.expBiasSum = sum;
    this.touched = new Int32Array(classCount);
    this.touchedAt = new Int32Array(classCount);
  }

  static train(
    samples: TrainingSample[],
    featureCount: number,
    classCount: number,
    options: SoftmaxOptions = {},
  ): SoftmaxClassifier {
    const { epochs = 14, learningRate = 0.5, l2 = 0.002, seed = 1, maxClassesPerFeature = 100 } = options;
    const model = trainSparseSoftmax(samples, featureCount, classCount, {
      epochs,
      learningRate,
      l2,
      seed,
      maxClassesPerFeature,
    });
    return new SoftmaxClassifier(featureCount, classCount, model);
  }

  /** The classifier of state(), in another thread. */
  static fromState({ featureCount, classCount, model }: SoftmaxState): SoftmaxClassifier {
    return new SoftmaxClassifier(featureCount, classCount, model);
  }

  state(): SoftmaxState {
    return { featureCount: this.featureCount, classCount: this.classCount, model: this.model };
  }

  /** Class probabilities of a sample (its first `count` features) into `out` (length classCount). */
  predictInto(features: Int32Array, count: number, out: Float64Array): void {
    const K = this.classCount;
    const { start, classes, weights, bias } = this.model;
    const { touched, touchedAt, expBias } = this;
    if (this.visit === 0x7fffffff) {
      this.touchedAt.fill(0);
      this.visit = 0;
    }
    const visit = ++this.visit;
    let touchedCount = 0;
    for (let i = 0; i < count; i++) {
      const f = features[i]!;
      if (f >= this.featureCount) continue;
      for (let e = start[f]!, end = start[f + 1]!; e < end; e++) {
        const k = classes[e]!;
        if (touchedAt[k] !== visit) {
          touchedAt[k] = visit;
          out[k] = bias[k]!;
          touched[touchedCount++] = k;
        }
        out[k] = out[k]! + weights[e]!;
      }
    }
    // The softmax, shifted by the highest score (a touched class's or the highest bias).
    let top = this.maxBias;
    let untouchedMass = this.expBiasSum;
    for (let t = 0; t < touchedCount; t++) {
      const k = touched[t]!;
      untouchedMass -= expBias[k]!;
      if (out[k]! > top) top = out[k]!;
    }
    if (touchedCount === K || untouchedMass < 0) untouchedMass = 0;
    const biasScale = Math.exp(this.maxBias - top);
    let normalizer = untouchedMass * biasScale;
    for (let t = 0; t < touchedCount; t++) {
      const k = touched[t]!;
      out[k] = Math.exp(out[k]! - top);
      normalizer += out[k]!;
    }
    const untouchedScale = biasScale / normalizer;
    for (let k = 0; k < K; k++) out[k] = touchedAt[k] === visit ? out[k]! / normalizer : expBias[k]! * untouchedScale;
  }
}
