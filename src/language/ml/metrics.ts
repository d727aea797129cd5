// Standard classification metrics from (true label, predicted label) pairs: accuracy,
// per-class precision/recall/F1, their unweighted mean (macro-F1) and the confusion matrix.
// Classes are every label that occurs as truth or as prediction (as scikit-learn does).
// Also their human-readable form (formatTaskReport).

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

/**
 * A task's report for people: a summary line, per-class precision and recall, and the
 * confusion matrix (rows: true label, columns: predicted label).
 */
export function formatTaskReport(title: string, r: TaskReport): string {
  if (r.accuracy === null) return `== ${title}: no labeled messages`;
  const labels = Object.keys(r.perClass);
  const support = (label: string) => Object.values(r.confusion[label] ?? {}).reduce((a, b) => a + b, 0);
  const total = labels.reduce((n, l) => n + support(l), 0);
  const width = Math.max(8, ...labels.map(displayWidth)) + 2;
  const lines = [`== ${title}: accuracy ${pct(r.accuracy)}, macro-F1 ${r.macroF1!.toFixed(3)} (${total} messages)`];
  lines.push(
    `${pad("label", width)}${"precision".padStart(10)}${"recall".padStart(8)}${"f1".padStart(8)}${"count".padStart(7)}`,
  );
  for (const label of labels) {
    const m = r.perClass[label]!;
    lines.push(
      `${pad(label, width)}${pct(m.precision).padStart(10)}${pct(m.recall).padStart(8)}${m.f1.toFixed(3).padStart(8)}${String(support(label)).padStart(7)}`,
    );
  }
  lines.push("", `confusion (rows: true, columns: predicted)`);
  const cell = Math.max(6, ...labels.map(displayWidth)) + 1;
  lines.push(pad("", width) + labels.map((l) => padStart(l, cell)).join(""));
  for (const truth of labels) {
    lines.push(pad(truth, width) + labels.map((p) => String(r.confusion[truth]?.[p] ?? 0).padStart(cell)).join(""));
  }
  return lines.join("\n");
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

// CJK characters take two terminal columns.
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\uffff]/u.test(ch) ? 2 : 1;
  return width;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(text))) + text;
}
