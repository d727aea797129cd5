// The human-readable form of an evaluation report: a summary line, per-class precision and
// recall, and the confusion matrix (rows: true label, columns: predicted label) per task.
import { TASKS } from "./classifier-model.ts";
import type { EvaluationReport } from "./evaluate-classifier.ts";
import type { TaskReport } from "./evaluation.ts";

const TASK_TITLES = { type: "message type", domain: "domain", emotion: "emotion" } as const;

export function formatReport(report: EvaluationReport): string {
  return TASKS.map((task) => formatTask(TASK_TITLES[task], report[task])).join("\n\n");
}

function formatTask(title: string, r: TaskReport): string {
  if (r.accuracy === null) return `== ${title}: no labeled messages`;
  const labels = Object.keys(r.perClass);
  const support = (label: string) => Object.values(r.confusion[label] ?? {}).reduce((a, b) => a + b, 0);
  const total = labels.reduce((n, l) => n + support(l), 0);
  const width = Math.max(8, ...labels.map(displayWidth)) + 2;
  const lines = [`== ${title}: accuracy ${pct(r.accuracy)}, macro-F1 ${r.macroF1!.toFixed(3)} (${total} messages)`];
  lines.push(`${pad("label", width)}${"precision".padStart(10)}${"recall".padStart(8)}${"f1".padStart(8)}${"count".padStart(7)}`);
  for (const label of labels) {
    const m = r.perClass[label]!;
    lines.push(`${pad(label, width)}${pct(m.precision).padStart(10)}${pct(m.recall).padStart(8)}${m.f1.toFixed(3).padStart(8)}${String(support(label)).padStart(7)}`);
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
