// The trained classifier as data: which features exist, their idf, and one softmax
// layer per task. Written by the trainer, read by MessageModel.
import type { FeatureOptions } from "./message-features.ts";
import type { SoftmaxLayer } from "../../ml/softmax-layer.ts";

export const TASKS = ["type", "domain", "emotion"] as const;
export type TaskName = (typeof TASKS)[number];

/** The message type that means a complaint or a request for help. */
export const COMPLAINT_TYPE = "投诉/求助";
/** The emotion whose probability is the message's anger score. */
export const ANGER_EMOTION = "愤怒";

export interface ClassifierModel {
  features: FeatureOptions;
  /** Feature hash of each row. */
  hashes: Uint32Array;
  /** Inverse document frequency of each row. */
  idf: Float32Array;
  /** A task is absent when the training data had no labels for it. */
  tasks: Partial<Record<TaskName, SoftmaxLayer>>;
  /** What the model was trained on, for the record. */
  training: { messages: number; seed: number; labeled: Partial<Record<TaskName, number>> };
}
