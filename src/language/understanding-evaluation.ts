// Measures understanding on labeled questions: service-item accuracy, how often the
// hub answers, asks or admits not knowing, and complaint recall and precision. Used
// by `npm run eval` (scripts/eval.ts) and by the tests that check it runs.
import fs from "node:fs/promises";
import path from "node:path";
import type { Understander, Understanding } from "./understander.ts";

export interface EvalSets {
  /** Paraphrased service questions with the expected item code. */
  service: { text: string; item: string }[];
  /** Questions no item answers. */
  outOfCatalog: { text: string }[];
  complaints: { text: string }[];
  nonComplaints: { text: string; kind?: string }[];
}

export interface EvalMetrics {
  service: {
    count: number;
    /** The best candidate is the expected item. */
    top1Accuracy: number;
    answeredRight: number;
    answeredWrong: number;
    /** Asked which item, with the expected one among the options. */
    clarifiedWithRight: number;
    clarifiedWithoutRight: number;
    fellBack: number;
  };
  outOfCatalog: { count: number; answered: number; clarified: number; fellBack: number };
  /** Share of all questions (service + out-of-catalog) answered with a clarifying question. */
  clarifyRate: number;
  complaint: { count: number; negatives: number; recall: number; precision: number };
}

export interface EvalMiss {
  set: string;
  text: string;
  expected: string;
  got: string;
}

export interface EvalReport {
  metrics: EvalMetrics;
  misses: EvalMiss[];
}

export const TARGETS = {
  top1Accuracy: 0.95,
  outOfCatalogAnswered: 0.03,
  complaintRecall: 0.95,
  complaintPrecision: 0.9,
} as const;

async function readJsonl<T>(file: string): Promise<T[]> {
  const text = await fs.readFile(file, "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
    });
}

export async function readEvalSets(dir: string): Promise<EvalSets> {
  return {
    service: await readJsonl(path.join(dir, "service-questions.jsonl")),
    outOfCatalog: await readJsonl(path.join(dir, "out-of-catalog.jsonl")),
    complaints: await readJsonl(path.join(dir, "complaints.jsonl")),
    nonComplaints: await readJsonl(path.join(dir, "non-complaints.jsonl")),
  };
}

function describe(u: Understanding): string {
  if (u.decision === "answer" && u.serviceItem) return `answer ${u.serviceItem.code}`;
  if (u.decision === "clarify") return `clarify ${(u.options ?? []).map((o) => o.code).join("/")}`;
  const top = u.candidates[0];
  return `${u.kind}${u.decision ? ` ${u.decision}` : ""}${top ? ` (best ${top.code} ${top.probability})` : ""}`;
}

export function evaluateUnderstanding(understander: Understander, sets: EvalSets): EvalReport {
  const misses: EvalMiss[] = [];
  const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

  const s = {
    top1: 0,
    answeredRight: 0,
    answeredWrong: 0,
    clarifiedWithRight: 0,
    clarifiedWithoutRight: 0,
    fellBack: 0,
  };
  let falseComplaints = 0;
  for (const { text, item } of sets.service) {
    const u = understander.understand(text);
    if (u.kind === "complaint") falseComplaints++;
    if (u.candidates[0]?.code === item) s.top1++;
    if (u.decision === "answer") {
      if (u.serviceItem?.code === item) s.answeredRight++;
      else s.answeredWrong++;
    } else if (u.decision === "clarify") {
      if (u.options?.some((o) => o.code === item)) s.clarifiedWithRight++;
      else s.clarifiedWithoutRight++;
    } else s.fellBack++;
    if (!(u.decision === "answer" && u.serviceItem?.code === item))
      misses.push({ set: "service", text, expected: item, got: describe(u) });
  }

  const o = { answered: 0, clarified: 0, fellBack: 0 };
  for (const { text } of sets.outOfCatalog) {
    const u = understander.understand(text);
    if (u.kind === "complaint") falseComplaints++;
    if (u.decision === "answer") o.answered++;
    else if (u.decision === "clarify") o.clarified++;
    else o.fellBack++;
    if (u.decision === "answer" || u.decision === "clarify")
      misses.push({ set: "out-of-catalog", text, expected: "fallback", got: describe(u) });
  }

  let caught = 0;
  for (const { text } of sets.complaints) {
    const u = understander.understand(text);
    if (u.kind === "complaint") caught++;
    else misses.push({ set: "complaints", text, expected: "complaint", got: describe(u) });
  }
  for (const { text, kind } of sets.nonComplaints) {
    const u = understander.understand(text);
    if (u.kind === "complaint") {
      falseComplaints++;
      misses.push({ set: "non-complaints", text, expected: kind ?? "not a complaint", got: "complaint" });
    }
  }
  const negatives = sets.nonComplaints.length + sets.service.length + sets.outOfCatalog.length;
  const n = sets.service.length;
  const m = sets.outOfCatalog.length;
  return {
    metrics: {
      service: {
        count: n,
        top1Accuracy: ratio(s.top1, n),
        answeredRight: ratio(s.answeredRight, n),
        answeredWrong: ratio(s.answeredWrong, n),
        clarifiedWithRight: ratio(s.clarifiedWithRight, n),
        clarifiedWithoutRight: ratio(s.clarifiedWithoutRight, n),
        fellBack: ratio(s.fellBack, n),
      },
      outOfCatalog: {
        count: m,
        answered: ratio(o.answered, m),
        clarified: ratio(o.clarified, m),
        fellBack: ratio(o.fellBack, m),
      },
      clarifyRate: ratio(s.clarifiedWithRight + s.clarifiedWithoutRight + o.clarified, n + m),
      complaint: {
        count: sets.complaints.length,
        negatives,
        recall: ratio(caught, sets.complaints.length),
        precision: ratio(caught, caught + falseComplaints),
      },
    },
    misses,
  };
}

export function formatReport({ metrics, misses }: EvalReport, options: { misses?: boolean } = {}): string {
  const pct = (v: number) => `${(v * 100).toFixed(1).padStart(5)}%`;
  const met = (ok: boolean) => (ok ? "met" : "NOT MET");
  const { service: s, outOfCatalog: o, complaint: c } = metrics;
  const lines = [
    `Service questions (${s.count}, paraphrased)`,
    `  top-1 accuracy (best item is right)      ${pct(s.top1Accuracy)}   target ≥ 95%: ${met(s.top1Accuracy >= TARGETS.top1Accuracy)}`,
    `  answered with the right item             ${pct(s.answeredRight)}`,
    `  answered with a wrong item               ${pct(s.answeredWrong)}`,
    `  clarified, right item among the options  ${pct(s.clarifiedWithRight)}`,
    `  clarified without the right item         ${pct(s.clarifiedWithoutRight)}`,
    `  fell back (hotline, human)               ${pct(s.fellBack)}`,
    `Out-of-catalog questions (${o.count})`,
    `  answered with an item                    ${pct(o.answered)}   target ≤ 3%: ${met(o.answered <= TARGETS.outOfCatalogAnswered)}`,
    `  clarified                                ${pct(o.clarified)}`,
    `  fell back                                ${pct(o.fellBack)}`,
    `Clarify rate (all questions)               ${pct(metrics.clarifyRate)}`,
    `Complaints (${c.count}; ${c.negatives} other messages)`,
    `  recall                                   ${pct(c.recall)}   target ≥ 95%: ${met(c.recall >= TARGETS.complaintRecall)}`,
    `  precision                                ${pct(c.precision)}   target ≥ 90%: ${met(c.precision >= TARGETS.complaintPrecision)}`,
  ];
  if (options.misses) {
    lines.push("", `Misses (${misses.length}):`);
    for (const m of misses) lines.push(`  [${m.set}] ${m.text}  — expected ${m.expected}, got ${m.got}`);
  }
  return lines.join("\n");
}
