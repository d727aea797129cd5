// Runs a classifier over labeled messages and reports each task; a message counts for a
// task only when it has that label.
import { TASKS, type TaskName } from "./classifier-model.ts";
import { formatTaskReport, taskReport, type Prediction, type TaskReport } from "../../ml/metrics.ts";
import type { LabeledMessage } from "./labeled-messages.ts";
import type { MessageModel } from "./message-model.ts";

export type EvaluationReport = Record<TaskName, TaskReport>;

/** What the model predicts for a task it was not trained on. */
export const NO_PREDICTION = "(none)";

export function evaluateClassifier(classifier: MessageModel, messages: readonly LabeledMessage[]): EvaluationReport {
  const predictions: Record<TaskName, Prediction[]> = { type: [], domain: [], emotion: [] };
  for (const message of messages) {
    const result = classifier.classify(message.text);
    for (const task of TASKS) {
      const truth = message[task];
      if (truth !== undefined) predictions[task].push({ truth, predicted: result[task]?.label ?? NO_PREDICTION });
    }
  }
  return {
    type: taskReport(predictions.type),
    domain: taskReport(predictions.domain),
    emotion: taskReport(predictions.emotion),
  };
}

const TASK_TITLES = { type: "message type", domain: "domain", emotion: "emotion" } as const;

/** The report for people, task by task (`npm run nlp -- eval`). */
export function formatClassifierReport(report: EvaluationReport): string {
  return TASKS.map((task) => formatTaskReport(TASK_TITLES[task], report[task])).join("\n\n");
}
