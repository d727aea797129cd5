// NBSVM (Wang & Manning 2012): one-vs-rest linear SVMs over features scaled by their
// naive-Bayes log-count ratio for the class, r = log(p / |p|₁) − log(q / |q|₁), with p and
// q the smoothed counts of messages having the feature in and outside the class. The
// ratio lets a word that only complaints use speak loudly before the SVM has seen much
// of it. Since score = Σ w_j r_j x_j, the ratio is folded into the stored weights: the
// model applies like any linear layer.
import { seededRandom } from "./seeded-random.ts";
import { trainBinarySvm } from "./squared-hinge-svm.ts";
import type { TrainedWeights, TrainingSet } from "./training-set.ts";

export interface NbsvmOptions {
  /** SVM misclassification cost C (times the class weight for the class's own messages). */
  cost: number;
  /** Laplace smoothing of the naive-Bayes counts. */
  smoothing: number;
  maxEpochs: number;
  tolerance: number;
  seed: number;
}

export function trainNbsvm(set: TrainingSet, options: NbsvmOptions): TrainedWeights {
  const K = set.classCount;
  const F = set.featureCount;
  const weights = new Float32Array(F * K);
  const bias = new Float32Array(K);
  const inClass = featureCountsByClass(set);
  const total = new Float64Array(F);
  for (const counts of inClass) for (let row = 0; row < F; row++) total[row] = total[row]! + counts[row]!;
  const random = seededRandom(options.seed);
  for (let k = 0; k < K; k++) {
    const ratio = logCountRatio(inClass[k]!, total, options.smoothing);
    const { weights: w, bias: b } = trainBinarySvm(
      {
        vectors: set.vectors,
        positive: Uint8Array.from(set.classes, (c) => (c === k ? 1 : 0)),
        columnScale: ratio,
        costPositive: options.cost * set.classWeights[k]!,
        costNegative: options.cost,
      },
      { maxEpochs: options.maxEpochs, tolerance: options.tolerance, random },
    );
    for (let row = 0; row < F; row++) weights[row * K + k] = w[row]! * ratio[row]!;
    bias[k] = b;
  }
  return { weights, bias };
}

/** Per class, in how many of its messages each feature occurs. */
function featureCountsByClass(set: TrainingSet): Float64Array[] {
  const counts = Array.from({ length: set.classCount }, () => new Float64Array(set.featureCount));
  set.vectors.forEach(({ rows }, i) => {
    const own = counts[set.classes[i]!]!;
    for (let j = 0; j < rows.length; j++) own[rows[j]!] = own[rows[j]!]! + 1;
  });
  return counts;
}

function logCountRatio(inClass: Float64Array, total: Float64Array, smoothing: number): Float64Array {
  let inSum = 0;
  let outSum = 0;
  for (let row = 0; row < inClass.length; row++) {
    inSum += inClass[row]! + smoothing;
    outSum += total[row]! - inClass[row]! + smoothing;
  }
  const ratio = new Float64Array(inClass.length);
  for (let row = 0; row < inClass.length; row++) {
    ratio[row] = Math.log((inClass[row]! + smoothing) / inSum) - Math.log((total[row]! - inClass[row]! + smoothing) / outSum);
  }
  return ratio;
}
