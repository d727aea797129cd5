// Trains the three tasks from labeled messages: pick the features (seen in at least
// `minDocumentFrequency` messages), then per task choose the NBSVM cost C by
// cross-validation, fit the temperature on the cross-validation scores, and train the
// final weights on everything.
import type { Segmenter } from "../understanding/segmenter.ts";
import { TASKS, type ClassifierModel, type TaskName } from "./classifier-model.ts";
import { chooseCost } from "./cost-selection.ts";
import { FeatureIndex } from "./feature-index.ts";
import type { LabeledMessage } from "./labeled-messages.ts";
import { DEFAULT_FEATURE_OPTIONS, MessageFeatures, type FeatureOptions } from "./message-features.ts";
import { MessageVectorizer, type SparseVector } from "./message-vectorizer.ts";
import { trainNbsvm } from "./nbsvm-trainer.ts";
import type { SoftmaxLayer } from "./softmax-layer.ts";
import { fitTemperature } from "./temperature-scaling.ts";
import { classWeights, type TrainingSet } from "./training-set.ts";

export interface ClassifierTrainingOptions {
  features: FeatureOptions;
  seed: number;
  /** A feature must occur in this many messages to be kept. Default: 1 below 500 messages, else 2. */
  minDocumentFrequency?: number;
  /** Upper bound on the number of features (the most frequent are kept). */
  maxFeatures: number;
  /** 0 = no class weighting, 1 = fully balanced. */
  classWeightPower: number;
  /** SVM costs C that cross-validation chooses from, per task. */
  costCandidates: number[];
  crossValidationFolds: number;
  /** Laplace smoothing of NBSVM's naive-Bayes counts. */
  naiveBayesSmoothing: number;
  /** Limits of the SVM solver: passes over the data, and its stopping tolerance. */
  maxEpochs: number;
  tolerance: number;
  /** Below this many labeled messages a task is not calibrated (temperature 1). */
  minCalibrationMessages: number;
}

export const DEFAULT_TRAINING_OPTIONS: ClassifierTrainingOptions = {
  features: DEFAULT_FEATURE_OPTIONS,
  seed: 1,
  maxFeatures: 400_000,
  classWeightPower: 0.5,
  costCandidates: [0.1, 0.3, 1],
  crossValidationFolds: 3,
  naiveBayesSmoothing: 1,
  maxEpochs: 50,
  tolerance: 0.1,
  minCalibrationMessages: 100,
};

export class TrainingError extends Error {}

export function trainClassifier(
  messages: readonly LabeledMessage[],
  segmenter: Segmenter,
  overrides: Partial<ClassifierTrainingOptions> = {},
): ClassifierModel {
  const options = { ...DEFAULT_TRAINING_OPTIONS, ...overrides };
  if (messages.length === 0) throw new TrainingError("no messages to train on");
  if (!TASKS.some((task) => messages.some((m) => m[task] !== undefined))) {
    throw new TrainingError("no message has a type, domain or emotion label");
  }
  const extractor = new MessageFeatures(segmenter, options.features);
  const messageHashes = messages.map((m) => extractor.extract(m.text).slice());
  const minDf = options.minDocumentFrequency ?? (messages.length < 500 ? 1 : 2);
  const hashes = selectFeatures(messageHashes, minDf, options.maxFeatures);
  // Every feature present counts the same: the naive-Bayes ratios in the weights say how
  // telling it is (presence beat presence × idf under NBSVM on MSGABench domains).
  const featureValues = new Float32Array(hashes.length).fill(1);
  const vectorizer = new MessageVectorizer(new FeatureIndex(hashes), featureValues);
  const vectors = messageHashes.map((h) => copyVector(vectorizer.vectorize(h)));

  const tasks: ClassifierModel["tasks"] = {};
  const labeled: ClassifierModel["training"]["labeled"] = {};
  const cost: NonNullable<ClassifierModel["training"]["cost"]> = {};
  for (const task of TASKS) {
    const examples = messages.flatMap((m, i) => (m[task] === undefined ? [] : [{ vector: vectors[i]!, label: m[task]! }]));
    if (examples.length === 0) continue;
    labeled[task] = examples.length;
    const trained = trainTask(task, examples, hashes.length, options);
    tasks[task] = trained.layer;
    cost[task] = trained.cost;
  }
  return { features: options.features, hashes, featureValues, tasks, training: { messages: messages.length, seed: options.seed, labeled, cost } };
}

function trainTask(
  task: TaskName,
  examples: { vector: SparseVector; label: string }[],
  featureCount: number,
  options: ClassifierTrainingOptions,
): { layer: SoftmaxLayer; cost: number } {
  const labels = labelsByFrequency(examples.map((e) => e.label));
  if (labels.length < 2) throw new TrainingError(`"${task}" needs at least two different labels; the data has only "${labels[0]}"`);
  const classOf = new Map(labels.map((label, k) => [label, k]));
  const setOf = (chosen: typeof examples): TrainingSet => {
    const classes = Int32Array.from(chosen, (e) => classOf.get(e.label)!);
    return {
      vectors: chosen.map((e) => e.vector),
      classes,
      classCount: labels.length,
      featureCount,
      classWeights: classWeights(classes, labels.length, options.classWeightPower),
    };
  };

  const all = setOf(examples);
  const train = (set: TrainingSet, cost: number) =>
    trainNbsvm(set, { cost, smoothing: options.naiveBayesSmoothing, maxEpochs: options.maxEpochs, tolerance: options.tolerance, seed: options.seed });
  const { cost, heldOutLogits } = chooseCost(all, labels, options.costCandidates, options.crossValidationFolds, options.seed ^ 0xc057, train);
  // Calibrated on every message, each scored by a cross-validation model that did not see it.
  const temperature = examples.length >= options.minCalibrationMessages ? fitTemperature({ logits: heldOutLogits, classes: all.classes }) : 1;
  return { layer: { labels, ...train(all, cost), temperature }, cost };
}

/** Most frequent first; ties in code-point order, so the order never depends on input order. */
function labelsByFrequency(labels: string[]): string[] {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
}

function selectFeatures(messageHashes: Uint32Array[], minDf: number, maxFeatures: number): Uint32Array {
  const documentFrequency = new Map<number, number>();
  for (const sorted of messageHashes) {
    for (let i = 0; i < sorted.length; i++) {
      if (i > 0 && sorted[i] === sorted[i - 1]) continue;
      documentFrequency.set(sorted[i]!, (documentFrequency.get(sorted[i]!) ?? 0) + 1);
    }
  }
  let kept = [...documentFrequency].filter(([, df]) => df >= minDf);
  if (kept.length > maxFeatures) {
    kept.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    kept = kept.slice(0, maxFeatures);
  }
  kept.sort((a, b) => a[0] - b[0]);
  if (kept.length === 0) throw new TrainingError("no feature occurs often enough to learn from; add more messages");
  return Uint32Array.from(kept, ([hash]) => hash);
}

function copyVector(vector: SparseVector): SparseVector {
  return { rows: vector.rows.slice(), values: vector.values.slice() };
}
