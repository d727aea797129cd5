// Measures understanding on labeled questions: service-item accuracy, how often the
// hub answers, asks or admits not knowing, complaint recall and precision, and how well
// the answers' confidence is calibrated (ECE). Used by `npm run eval` (scripts/eval.ts)
// and by the tests that check it runs.
import fs from "node:fs/promises";
import path from "node:path";
import { expectedCalibrationError, type ScoredPrediction } from "./ml/calibration-error.ts";
import type { Understander, Understanding } from "./understander.ts";

export interface EvalSets {
  /** Paraphrased service questions with the expected item code. */
  service: { text: string; item: string }[];
  /** Questions no item answers. */
  /** `near`: the catalog item it resembles without being it (考驾照报名 beside 驾驶证换证), when the author named one. */
  outOfCatalog: { text: string; near?: string }[];
  /** `kind`: what sort of complaint (催办, 投诉 …), reported separately when given. */
  complaints: { text: string; kind?: string }[];
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
    /** Answered with the right item, or offered it in a clarifying question. */
    answeredOrOffered: number;
  };
  outOfCatalog: {
    count: number;
    answered: number;
    clarified: number;
    fellBack: number;
    /** Of the questions marked `near` an item: how many, and the share answered with an item. */
    nearCount: number;
    nearAnswered: number;
  };
  /** Share of all questions (service + out-of-catalog) answered with a clarifying question. */
  clarifyRate: number;
  complaint: {
    count: number;
    negatives: number;
    recall: number;
    precision: number;
    /** Recall per complaint `kind`, when the set labels kinds. */
    recallByKind: Record<string, { count: number; recall: number }>;
  };
  calibration: {
    /** Questions (service + out-of-catalog) answered with an item. */
    answered: number;
    /** ECE of the answers' confidence (an out-of-catalog question answered is wrong). */
    answerEce: number;
    /** ECE of the best candidate's probability over every question. */
    candidateEce: number;
  };
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

/** The first of the names that exists in `dir` (sets written by other authors name their files differently). */
async function setFile(dir: string, names: string[]): Promise<string> {
  for (const name of names) {
    const file = path.join(dir, name);
    if (
      await fs.stat(file).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  throw new Error(`${dir}: none of ${names.join(", ")}`);
}

/**
 * The four sets of a directory: the repo's names (service-questions, non-complaints) or
 * the independent set's (questions, not-complaints); out-of-catalog and complaints alike.
 */
export async function readEvalSets(dir: string): Promise<EvalSets> {
  return {
    service: await readJsonl(await setFile(dir, ["service-questions.jsonl", "questions.jsonl"])),
    outOfCatalog: await readJsonl(await setFile(dir, ["out-of-catalog.jsonl"])),
    complaints: await readJsonl(await setFile(dir, ["complaints.jsonl"])),
    nonComplaints: await readJsonl(await setFile(dir, ["non-complaints.jsonl", "not-complaints.jsonl"])),
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
  let offered = 0;
  const answers: ScoredPrediction[] = [];
  const candidates: ScoredPrediction[] = [];
  for (const { text, item } of sets.service) {
    const u = understander.understand(text);
    if (u.kind === "complaint") falseComplaints++;
    if (u.candidates[0]?.code === item) s.top1++;
    if (u.candidates[0])
      candidates.push({ confidence: u.candidates[0].probability, correct: u.candidates[0].code === item });
    if (u.decision === "answer" && u.serviceItem)
      answers.push({ confidence: u.confidence, correct: u.serviceItem.code === item });
    if (
      (u.decision === "answer" && u.serviceItem?.code === item) ||
      (u.decision === "clarify" && u.options?.some((o) => o.code === item))
    )
      offered++;
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

  const o = { answered: 0, clarified: 0, fellBack: 0, near: 0, nearAnswered: 0 };
  for (const { text, near } of sets.outOfCatalog) {
    const u = understander.understand(text);
    if (u.kind === "complaint") falseComplaints++;
    if (u.candidates[0]) candidates.push({ confidence: u.candidates[0].probability, correct: false });
    if (u.decision === "answer" && u.serviceItem) answers.push({ confidence: u.confidence, correct: false });
    if (near) {
      o.near++;
      if (u.decision === "answer") o.nearAnswered++;
    }
    if (u.decision === "answer") o.answered++;
    else if (u.decision === "clarify") o.clarified++;
    else o.fellBack++;
    if (u.decision === "answer" || u.decision === "clarify")
      misses.push({ set: "out-of-catalog", text, expected: "fallback", got: describe(u) });
  }

  let caught = 0;
  const byKind = new Map<string, { count: number; caught: number }>();
  for (const { text, kind } of sets.complaints) {
    const u = understander.understand(text);
    const k = kind ? (byKind.get(kind) ?? byKind.set(kind, { count: 0, caught: 0 }).get(kind)!) : undefined;
    if (k) k.count++;
    if (u.kind === "complaint") {
      caught++;
      if (k) k.caught++;
    } else
      misses.push({ set: "complaints", text, expected: kind ? `complaint (${kind})` : "complaint", got: describe(u) });
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
        answeredOrOffered: ratio(offered, n),
      },
      outOfCatalog: {
        count: m,
        answered: ratio(o.answered, m),
        clarified: ratio(o.clarified, m),
        fellBack: ratio(o.fellBack, m),
        nearCount: o.near,
        nearAnswered: ratio(o.nearAnswered, o.near),
      },
      clarifyRate: ratio(s.clarifiedWithRight + s.clarifiedWithoutRight + o.clarified, n + m),
      complaint: {
        count: sets.complaints.length,
        negatives,
        recall: ratio(caught, sets.complaints.length),
        precision: ratio(caught, caught + falseComplaints),
        recallByKind: Object.fromEntries(
          [...byKind].map(([kind, k]) => [kind, { count: k.count, recall: ratio(k.caught, k.count) }]),
        ),
      },
      calibration: {
        answered: answers.length,
        answerEce: expectedCalibrationError(answers),
        candidateEce: expectedCalibrationError(candidates),
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
    `  answered or offered the right item       ${pct(s.answeredOrOffered)}`,
    `Out-of-catalog questions (${o.count})`,
    `  answered with an item                    ${pct(o.answered)}   target ≤ 3%: ${met(o.answered <= TARGETS.outOfCatalogAnswered)}`,
    `  clarified                                ${pct(o.clarified)}`,
    `  fell back                                ${pct(o.fellBack)}`,
    ...(o.nearCount > 0 ? [`  near an item (${o.nearCount}), answered`.padEnd(43) + pct(o.nearAnswered)] : []),
    `Clarify rate (all questions)               ${pct(metrics.clarifyRate)}`,
    `Complaints (${c.count}; ${c.negatives} other messages)`,
    `  recall                                   ${pct(c.recall)}   target ≥ 95%: ${met(c.recall >= TARGETS.complaintRecall)}`,
    `  precision                                ${pct(c.precision)}   target ≥ 90%: ${met(c.precision >= TARGETS.complaintPrecision)}`,
    ...Object.entries(c.recallByKind).map(([kind, k]) => `  recall, ${kind} (${k.count})`.padEnd(43) + pct(k.recall)),
    `Calibration (10 bins)`,
    `  ECE of answers' confidence (${metrics.calibration.answered} answered)`.padEnd(43) +
      metrics.calibration.answerEce.toFixed(3).padStart(6),
    `  ECE of the best candidate's probability  ${metrics.calibration.candidateEce.toFixed(3).padStart(6)}`,
  ];
  if (options.misses) {
    lines.push("", `Misses (${misses.length}):`);
    for (const m of misses) lines.push(`  [${m.set}] ${m.text}  — expected ${m.expected}, got ${m.got}`);
  }
  return lines.join("\n");
}
