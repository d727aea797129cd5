// The emotion model the opinion analysis ships (intents/models/opinion) is exactly what
//   cat intents/training/opinion.jsonl intents/training/opinion-social.jsonl > opinion-train.jsonl
//   npm run nlp -- train opinion-train.jsonl --model intents/models/opinion
// produces from the team's own messages: nothing else went into it — not the team's own check
// set (intents/training/opinion-social-check.jsonl, split off by each text's SHA-256), and no
// evaluation set.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readLabeledMessages } from "../src/language/components/message-model/labeled-messages.ts";
import { loadModel } from "../src/language/components/message-model/model-file.ts";
import { trainClassifier } from "../src/language/components/message-model/train-classifier.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";
import { INTENTS_DIR } from "./support/catalog.ts";

const bytes = (a: Float32Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const TRAINING_FILES = ["opinion.jsonl", "opinion-social.jsonl"];
const CHECK_FILE = "opinion-social-check.jsonl";
/** The team's own check set: the texts whose SHA-256 starts with a byte below 51 (about 20%). */
const isCheck = (text: string) => createHash("sha256").update(text).digest()[0]! < 51;

describe("the shipped opinion model's provenance", () => {
  it("is exactly what npm run nlp -- train gives on opinion.jsonl + opinion-social.jsonl, emotion only", () => {
    const retrained = trainClassifier(
      [...TRAINING_FILES.flatMap((file) => readLabeledMessages(path.join(INTENTS_DIR, "training", file)))],
      new Segmenter([]),
    );
    const shipped = loadModel(path.join(INTENTS_DIR, "models/opinion"));
    expect(shipped.training.messages).toBe(retrained.training.messages);
    expect(bytes(shipped.hashes).equals(bytes(retrained.hashes))).toBe(true);
    expect(shipped.tasks.type).toBeUndefined();
    expect(shipped.tasks.domain).toBeUndefined();
    expect(shipped.tasks.emotion!.labels).toEqual(retrained.tasks.emotion!.labels);
    expect(bytes(shipped.tasks.emotion!.weights).equals(bytes(retrained.tasks.emotion!.weights))).toBe(true);
  });

  it("was not trained on the team's check set: the social-media messages are split by their hash, no text twice", () => {
    const read = (file: string) => readLabeledMessages(path.join(INTENTS_DIR, "training", file)).map((m) => m.text);
    const train = read("opinion-social.jsonl");
    const check = read(CHECK_FILE);
    expect(train.length).toBeGreaterThan(1500);
    expect(check.length).toBeGreaterThan(300);
    expect(train.filter(isCheck)).toEqual([]);
    expect(check.filter((t) => !isCheck(t))).toEqual([]);
    const all = [...read("opinion.jsonl"), ...train, ...check];
    expect(new Set(all).size).toBe(all.length);
  });
});
