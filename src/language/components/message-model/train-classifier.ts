// Trains the three tasks from labeled messages: pick the features (seen in at least
// `minDocumentFrequency` messages), weigh them by idf, train one softmax per task, and
// calibrate each on a held-out share before retraining on everything.
import type { Segmenter } from "../../text/segmenter.ts";
import { TASKS, type ClassifierModel, type TaskName } from "./classifier-model.ts";
import { IntegerMap } from "../../ml/integer-map.ts";
import type { LabeledMessage } from "./labeled-messages.ts";
import { DEFAULT_FEATURE_OPTIONS, MessageFeatures, type FeatureOptions } from "./message-features.ts";
import { seededRandom, shuffleInPlace } from "../../ml/seeded-random.ts";
import { layerLogits, type SoftmaxLayer } from "../../ml/softmax-layer.ts";
import { classWeights, trainSoftmax, type SoftmaxTrainingOptions, type TrainingSet } from "../../ml/softmax-trainer.ts";
import { fitTemperature } from "../../ml/temperature-scaling.ts";
import { inverseDocumentFrequency, TfIdfVectorizer, type SparseVector } from "../../ml/tfidf-vectorizer.ts";

export interface ClassifierTrainingOptions extends SoftmaxTrainingOptions {
  features: FeatureOptions;
  /** A feature must occur in this many messages to be kept. Default: 1 below 500 messages, else 2. */
  minDocumentFrequency?: number;
  /** Upper bound on the number of features (the most frequent are kept). */
  maxFeatures: number;
  /** 0 = no class weighting, 1 = fully balanced. */
  classWeightPower: number;
  /** Share of each task's messages held out to fit the temperature. */
  calibrationShare: number;
  /** Below this many labeled messages a task is not calibrated (temperature 1). */
  minCalibrationMessages: number;
}

export const DEFAULT_TRAINING_OPTIONS: ClassifierTrainingOptions = {
  features: DEFAULT_FEATURE_OPTIONS,
  epochs: 20,
  l2: 2e-5,
  learningRate: 0.1,
  seed: 1,
  maxFeatures: 400_000,
  classWeightPower: 0.5,
  calibrationShare: 0.1,
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
  // Sorted: document frequencies and vectors count each feature of a message once.
  const messageHashes = messages.map((m) => extractor.extract(m.text).slice().sort());
  const minDf = options.minDocumentFrequency ?? (messages.length < 500 ? 1 : 2);
  const { hashes, idf } = selectFeatures(messageHashes, minDf, options.maxFeatures);
  const vectorizer = new TfIdfVectorizer(IntegerMap.fromKeys(hashes), idf);
  const vectors = messageHashes.map((h) => copyVector(vectorizer.vectorize(h)));

  const tasks: ClassifierModel["tasks"] = {};
  const labeled: ClassifierModel["training"]["labeled"] = {};
  for (const task of TASKS) {
    const examples = messages.flatMap((m, i) =>
      m[task] === undefined ? [] : [{ vector: vectors[i]!, label: m[task]! }],
    );
    if (examples.length === 0) continue;
    labeled[task] = examples.length;
    tasks[task] = trainTask(task, examples, hashes.length, options);
  }
  return {
    features: options.features,
    hashes,
    idf,
    tasks,
    training: { messages: messages.length, seed: options.seed, labeled },
  };
}

function trainTask(
  task: TaskName,
  examples: { vector: SparseVector; label: string }[],
  featureCount: number,
  options: ClassifierTrainingOptions,
): SoftmaxLayer {
  const labels = labelsByFrequency(examples.map((e) => e.label));
  if (labels.length < 2)
    throw new TrainingError(`"${task}" needs at least two different labels; the data has only "${labels[0]}"`);
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

  let temperature = 1;
  if (examples.length >= options.minCalibrationMessages) {
    const order = Int32Array.from(examples.keys());
    shuffleInPlace(order, seededRandom(options.seed ^ 0x5eed));
    const heldOutCount = Math.max(1, Math.round(examples.length * options.calibrationShare));
    const heldOut = [...order.subarray(0, heldOutCount)].map((i) => examples[i]!);
    const rest = [...order.subarray(heldOutCount)].map((i) => examples[i]!);
    const probe: SoftmaxLayer = { labels, ...trainSoftmax(setOf(rest), options), temperature: 1 };
    const logits = heldOut.map((e) => {
      const out = new Float64Array(labels.length);
      layerLogits(probe, e.vector, out);
      return out;
    });
    temperature = fitTemperature({ logits, classes: Int32Array.from(heldOut, (e) => classOf.get(e.label)!) });
  }
  return { labels, ...trainSoftmax(setOf(examples), options), temperature };
}

/** Most frequent first; ties in code-point order, so the order never depends on input order. */
function labelsByFrequency(labels: string[]): string[] {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
}

function selectFeatures(
  messageHashes: Uint32Array[],
  minDf: number,
  maxFeatures: number,
): { hashes: Uint32Array; idf: Float32Array } {
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
  return {
    hashes: Uint32Array.from(kept, ([hash]) => hash),
    idf: Float32Array.from(kept, ([, df]) => inverseDocumentFrequency(messageHashes.length, df)),
  };
}

function copyVector(vector: SparseVector): SparseVector {
  return { rows: vector.rows.slice(), values: vector.values.slice() };
}
