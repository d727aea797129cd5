// Multinomial logistic regression over sparse binary features: which service item
// (or "none of them") a question is about. Trained at catalog load on the items'
// names, aliases and example questions by the softmax trainer's per-epoch schedule, so
// a few hundred texts train in milliseconds. Prediction is one row of weights per feature.
import { softmaxInPlace } from "./softmax-layer.ts";
import { trainSoftmax } from "./softmax-trainer.ts";

export interface TrainingSample {
  /** Distinct feature ids. */
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

export class SoftmaxClassifier {
  private constructor(
    readonly featureCount: number,
    readonly classCount: number,
    /** weights[f * classCount + c]. */
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
  ) {}

  static train(
    samples: TrainingSample[],
    featureCount: number,
    classCount: number,
    options: SoftmaxOptions = {},
  ): SoftmaxClassifier {
    const { epochs = 14, learningRate = 0.5, l2 = 0.002, seed = 1 } = options;
    // Binary features: each present feature's value is 1, and every class weighs the same.
    let longest = 0;
    for (const { features } of samples) longest = Math.max(longest, features.length);
    const ones = new Float32Array(longest).fill(1);
    const { weights, bias } = trainSoftmax(
      {
        vectors: samples.map(({ features }) => ({ rows: features, values: ones.subarray(0, features.length) })),
        classes: Int32Array.from(samples, (s) => s.label),
        classCount,
        featureCount,
        classWeights: new Float64Array(classCount).fill(1),
      },
      { epochs, learningRate, l2, seed, schedule: "epoch" },
    );
    return new SoftmaxClassifier(featureCount, classCount, weights, bias);
  }

  /** Class probabilities of a sample (its first `count` features) into `out` (length classCount). */
  predictInto(features: Int32Array, count: number, out: Float64Array): void {
    const n = this.classCount;
    const w = this.weights;
    const featureCount = this.featureCount;
    for (let c = 0; c < n; c++) out[c] = this.bias[c]!;
    for (let i = 0; i < count; i++) {
      const f = features[i]!;
      if (f >= featureCount) continue;
      const row = f * n;
      for (let c = 0; c < n; c++) out[c]! += w[row + c]!;
    }
    softmaxInPlace(out, n);
  }
}
