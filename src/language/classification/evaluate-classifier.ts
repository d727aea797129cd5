// Runs a classifier over labeled messages and reports each task; a message counts for a
// task only when it has that label.
import { TASKS, type TaskName } from "./classifier-model.ts";
import { taskReport, type Prediction, type TaskReport } from "./evaluation.ts";
import type { LabeledMessage } from "./labeled-messages.ts";
import type { MessageClassifier } from "./message-classifier.ts";

export type EvaluationReport = Record<TaskName, TaskReport>;

/** What the model predicts for a task it was not trained on. */
export const NO_PREDICTION = "(none)";

export function evaluateClassifier(classifier: MessageClassifier, messages: readonly LabeledMessage[]): EvaluationReport {
  const predictions: Record<TaskName, Prediction[]> = { type: [], domain: [], emotion: [] };
  for (const message of messages) {
    const result = classifier.classify(message.text);
    for (const task of TASKS) {
      const truth = message[task];
      if (truth !== undefined) predictions[task].push({ truth, predicted: result[task]?.label ?? NO_PREDICTION });
    }
  }
  return { type: taskReport(predictions.type), domain: taskReport(predictions.domain), emotion: taskReport(predictions.emotion) };
}
