// Standard classification metrics from (true label, predicted label) pairs: accuracy,
// per-class precision/recall/F1, their unweighted mean (macro-F1) and the confusion matrix.
// Classes are every label that occurs as truth or as prediction (as scikit-learn does).

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface TaskReport {
  /** null when no message was labeled for the task. */
  accuracy: number | null;
  macroF1: number | null;
  perClass: Record<string, ClassMetrics>;
  /** confusion[trueLabel][predictedLabel] = count. */
  confusion: Record<string, Record<string, number>>;
}

export interface Prediction {
  truth: string;
  predicted: string;
}

export function taskReport(predictions: readonly Prediction[]): TaskReport {
  if (predictions.length === 0) return { accuracy: null, macroF1: null, perClass: {}, confusion: {} };
  const labels = [...new Set(predictions.flatMap((p) => [p.truth, p.predicted]))].sort();
  const confusion: TaskReport["confusion"] = {};
  for (const { truth, predicted } of predictions) {
    const row = (confusion[truth] ??= {});
    row[predicted] = (row[predicted] ?? 0) + 1;
  }
  const perClass: TaskReport["perClass"] = {};
  let correct = 0;
  let f1Sum = 0;
  for (const label of labels) {
    const truePositives = confusion[label]?.[label] ?? 0;
    correct += truePositives;
    const actual = Object.values(confusion[label] ?? {}).reduce((a, b) => a + b, 0);
    const predicted = labels.reduce((n, truth) => n + (confusion[truth]?.[label] ?? 0), 0);
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = actual === 0 ? 0 : truePositives / actual;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    f1Sum += f1;
    perClass[label] = { precision: round(precision), recall: round(recall), f1: round(f1) };
  }
  return { accuracy: round(correct / predictions.length), macroF1: round(f1Sum / labels.length), perClass, confusion };
}

/** The report of a task collapsed to "label vs everything else" (e.g. complaint vs rest). */
export function oneVsRestReport(confusion: TaskReport["confusion"], positive: string, rest = "其他"): TaskReport {
  const collapse = (label: string) => (label === positive ? positive : rest);
  const predictions: Prediction[] = [];
  for (const [truth, row] of Object.entries(confusion)) {
    for (const [predicted, count] of Object.entries(row)) {
      for (let i = 0; i < count; i++) predictions.push({ truth: collapse(truth), predicted: collapse(predicted) });
    }
  }
  return taskReport(predictions);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
