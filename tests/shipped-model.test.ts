// The classifier the product ships (intents/models/default) against the held-out test set
// the team wrote (tests/fixtures/messages-eval.jsonl), which shares no message with the
// training file.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPLAINT_TYPE } from "../src/language/components/message-model/classifier-model.ts";
import {
  evaluateClassifier,
  type EvaluationReport,
} from "../src/language/components/message-model/evaluate-classifier.ts";
import { readLabeledMessages } from "../src/language/components/message-model/labeled-messages.ts";
import { MessageModel } from "../src/language/components/message-model/message-model.ts";
import { loadModel } from "../src/language/components/message-model/model-file.ts";
import { trainClassifier } from "../src/language/components/message-model/train-classifier.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";

const root = path.resolve(import.meta.dirname, "..");
const MODEL_DIR = path.join(root, "intents/models/default");
const TRAINING_FILE = path.join(root, "intents/training/messages.jsonl");
const EVAL_FILE = path.join(root, "tests/fixtures/messages-eval.jsonl");

describe("the shipped classifier on the held-out test set", () => {
  const segmenter = new Segmenter([]);
  let report: EvaluationReport;
  beforeAll(() => {
    report = evaluateClassifier(MessageModel.load(MODEL_DIR, segmenter), readLabeledMessages(EVAL_FILE));
  });

  it("tells consultations, suggestions and complaints apart", () => {
    expect(report.type.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.type.macroF1).toBeGreaterThanOrEqual(0.9);
  });

  it("rarely misses a complaint and rarely sees one where there is none", () => {
    const complaint = report.type.perClass[COMPLAINT_TYPE]!;
    expect(complaint.recall).toBeGreaterThanOrEqual(0.9);
    expect(complaint.precision).toBeGreaterThanOrEqual(0.9);
  });

  it("routes to the right domain and reads the emotion", () => {
    expect(report.domain.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(report.emotion.accuracy).toBeGreaterThanOrEqual(0.8);
  });
});

describe("the shipped model's provenance", () => {
  it("is exactly what `npm run nlp -- train intents/training/messages.jsonl` produces", () => {
    const retrained = trainClassifier(readLabeledMessages(TRAINING_FILE), new Segmenter([]));
    const shipped = loadModel(MODEL_DIR);
    expect(shipped.training.messages).toBe(retrained.training.messages);
    expect(
      Buffer.from(shipped.hashes.buffer, shipped.hashes.byteOffset, shipped.hashes.byteLength).equals(
        Buffer.from(retrained.hashes.buffer),
      ),
    ).toBe(true);
    for (const task of ["type", "domain", "emotion"] as const) {
      const a = shipped.tasks[task]!;
      const b = retrained.tasks[task]!;
      expect(a.labels).toEqual(b.labels);
      expect(
        Buffer.from(a.weights.buffer, a.weights.byteOffset, a.weights.byteLength).equals(Buffer.from(b.weights.buffer)),
      ).toBe(true);
    }
  });

  it("keeps the test set apart from the training data", () => {
    const training = new Set(readLabeledMessages(TRAINING_FILE).map((m) => m.text));
    const shared = readLabeledMessages(EVAL_FILE).filter((m) => training.has(m.text));
    expect(shared).toEqual([]);
    expect(fs.readFileSync(EVAL_FILE, "utf8").trim().split("\n").length).toBeGreaterThanOrEqual(300);
  });
});
