// Classifies a citizen's message: type (咨询/建言/投诉/求助), domain (城建, 交通 …) and
// emotion, each with a calibrated confidence. Synchronous and allocation-light: a short
// message costs a segmentation plus a few hundred multiply-adds.
import { Segmenter } from "../../text/segmenter.ts";
import { ANGER_EMOTION, COMPLAINT_TYPE, TASKS, type ClassifierModel, type TaskName } from "./classifier-model.ts";
import { FeatureTable } from "../../ml/feature-table.ts";
import { MessageFeatures } from "./message-features.ts";
import { loadModel } from "./model-file.ts";
import { softmaxInPlace } from "../../ml/softmax-layer.ts";

export interface LabelPrediction {
  label: string;
  /** Calibrated probability of `label`. */
  confidence: number;
}

export interface MessagePrediction {
  type?: LabelPrediction;
  domain?: LabelPrediction;
  emotion?: LabelPrediction;
  /** Probability that the message is a complaint or a request for help (投诉/求助). */
  complaintProbability: number;
  /** Probability that the writer is angry (愤怒): the anger score. */
  angerProbability: number;
}

interface TaskColumns {
  task: TaskName;
  labels: string[];
  /** First column of the task's weights in the feature table. */
  offset: number;
  bias: Float32Array;
  temperature: number;
}

export class MessageModel {
  private readonly features: MessageFeatures;
  private readonly table: FeatureTable;
  private readonly tasks: TaskColumns[];
  private readonly sums: Float64Array;
  private readonly scores: Float64Array;
  private readonly complaintClass: number;
  private readonly angerClass: number;

  /**
   * The segmenter must cut words the way the training one did (`Segmenter.segment`);
   * `npm run nlp -- train` uses jieba's own dictionary. Every Segmenter of a process
   * shares one jieba, so in a process that has built the pipeline this one also knows the
   * catalog's words: a few word features differ from training, the n-grams do not.
   */
  constructor(model: ClassifierModel, segmenter: Segmenter = new Segmenter([])) {
    this.features = new MessageFeatures(segmenter, model.features);
    let offset = 0;
    this.tasks = TASKS.flatMap((task) => {
      const layer = model.tasks[task];
      if (!layer) return [];
      const columns = { task, labels: layer.labels, offset, bias: layer.bias, temperature: layer.temperature };
      offset += layer.labels.length;
      return [columns];
    });
    this.table = new FeatureTable(
      model.hashes,
      model.idf,
      this.tasks.map((t) => ({ weights: model.tasks[t.task]!.weights, width: t.labels.length })),
    );
    this.sums = new Float64Array(this.table.width);
    this.scores = new Float64Array(Math.max(1, ...this.tasks.map((t) => t.labels.length)));
    this.complaintClass = model.tasks.type?.labels.indexOf(COMPLAINT_TYPE) ?? -1;
    this.angerClass = model.tasks.emotion?.labels.indexOf(ANGER_EMOTION) ?? -1;
  }

  static load(dir: string, segmenter?: Segmenter): MessageModel {
    return new MessageModel(loadModel(dir), segmenter);
  }

  /** The labels each trained task can give. */
  get labels(): Partial<Record<TaskName, readonly string[]>> {
    return Object.fromEntries(this.tasks.map((t) => [t.task, t.labels]));
  }

  classify(rawText: string): MessagePrediction {
    return this.classifyHashes(this.features.extract(rawText));
  }

  /**
   * For a pipeline that has already normalized (normalizeText) and segmented the text
   * (Segmenter.segment), so that work is not done twice. `tasks` limits the work to the
   * tasks a caller uses; the others are absent from the result, and their probability
   * (complaint, anger) is 0.
   */
  classifyNormalized(text: string, words: readonly string[], tasks: readonly TaskName[] = TASKS): MessagePrediction {
    return this.classifyHashes(this.features.extractNormalized(text, this.features.options.words ? words : []), tasks);
  }

  /**
   * Every label's calibrated probability for one task, in the model's label order (empty when
   * the model has no such task): for a caller that decides on a group of labels, such as the
   * sum of the negative emotions.
   */
  probabilities(rawText: string, task: TaskName): Map<string, number> {
    const out = new Map<string, number>();
    const columns = this.tasks.find((t) => t.task === task);
    if (!columns) return out;
    const { sums, scores } = this;
    const { labels, offset, bias, temperature } = columns;
    const to = offset + labels.length;
    sums.fill(0, offset, to);
    const length = this.table.accumulate(this.features.extract(rawText), sums, offset, to);
    const scale = length > 0 ? 1 / length : 0;
    for (let k = 0; k < labels.length; k++) scores[k] = sums[offset + k]! * scale + bias[k]!;
    softmaxInPlace(scores, labels.length, temperature);
    for (let k = 0; k < labels.length; k++) out.set(labels[k]!, scores[k]!);
    return out;
  }

  private classifyHashes(hashes: Uint32Array, only: readonly TaskName[] = TASKS): MessagePrediction {
    const { sums, scores } = this;
    // The table's columns the asked tasks span.
    let from = this.table.width;
    let to = 0;
    for (const { task, labels, offset } of this.tasks) {
      if (!only.includes(task)) continue;
      from = Math.min(from, offset);
      to = Math.max(to, offset + labels.length);
    }
    sums.fill(0, from, to);
    const length = this.table.accumulate(hashes, sums, from, to);
    const scale = length > 0 ? 1 / length : 0;
    const result: MessagePrediction = { complaintProbability: 0, angerProbability: 0 };
    for (const { task, labels, offset, bias, temperature } of this.tasks) {
      if (!only.includes(task)) continue;
      const classes = labels.length;
      for (let k = 0; k < classes; k++) scores[k] = sums[offset + k]! * scale + bias[k]!;
      softmaxInPlace(scores, classes, temperature);
      let best = 0;
      for (let k = 1; k < classes; k++) if (scores[k]! > scores[best]!) best = k;
      result[task] = { label: labels[best]!, confidence: scores[best]! };
      if (task === "type" && this.complaintClass >= 0) result.complaintProbability = scores[this.complaintClass]!;
      if (task === "emotion" && this.angerClass >= 0) result.angerProbability = scores[this.angerClass]!;
    }
    return result;
  }
}
