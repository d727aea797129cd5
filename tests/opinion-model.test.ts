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
import type { MessageModel } from "../src/language/components/message-model/message-model.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";
import {
  DECIDE_CONFIDENCE,
  ModelSentiment,
  OVERRULE_PROBABILITY,
  WEAK_LEXICON_SCORE,
} from "../src/opinion/model-sentiment.ts";
import { newOpinionMessage, type OpinionMessage } from "../src/opinion/opinion-message.ts";
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

describe("what the model decides (model-sentiment.ts)", () => {
  // A stand-in model answering fixed emotion probabilities.
  const stub = (probabilities: Record<string, number>) =>
    new ModelSentiment({
      probabilities: () => new Map(Object.entries(probabilities)),
    } as unknown as MessageModel);
  const message = (fields: Partial<OpinionMessage>): OpinionMessage => ({
    ...newOpinionMessage("某条消息"),
    text: "某条消息",
    ...fields,
  });
  const angry = { 愤怒: 0.5, "焦虑/担忧": 0.2, 悲伤: 0.15, 中性: 0.1, "喜悦/感谢": 0.05 };

  it("decides a message without a lexicon word by its likeliest emotion, at confidence 0.5 or more", () => {
    const m = message({});
    stub(angry).process(m);
    expect(m).toMatchObject({ sentiment: "negative", sentimentScore: -0.25 });
    expect(m.emotionEvidence.愤怒).toBe(0.5);
    const unsure = message({});
    stub({ 愤怒: 0.4, 悲伤: 0.3, 中性: 0.3 }).process(unsure);
    expect(unsure.sentiment).toBe("neutral");
  });

  it("overrules a weak lexicon verdict when one sentiment's emotions sum to 0.8 or more", () => {
    const weakPositive = () => message({ sentimentTotal: 0.5, sentimentScore: 0.2, sentiment: "neutral" });
    const m = weakPositive();
    stub(angry).process(m); // negative: 0.5 + 0.2 + 0.15 = 0.85
    expect(m).toMatchObject({ sentiment: "negative", sentimentScore: -0.425 });
    expect(m.emotionEvidence.愤怒).toBeCloseTo(0.85);
    const notSure = weakPositive();
    stub({ 愤怒: 0.4, 悲伤: 0.3, 中性: 0.3 }).process(notSure); // 0.7
    expect(notSure).toMatchObject(weakPositive());
  });

  it("never changes a clear lexicon verdict, nor one that rests on a negation", () => {
    const clear = message({ sentimentTotal: 2.5, sentimentScore: 0.556, sentiment: "positive" });
    stub({ 愤怒: 0.99, 中性: 0.01 }).process(clear);
    expect(clear).toMatchObject({ sentiment: "positive", sentimentScore: 0.556 });
    const negated = message({ sentimentTotal: 0.5, sentimentScore: 0.2, sentiment: "neutral", negatedWords: 1 });
    stub({ 愤怒: 0.99, 中性: 0.01 }).process(negated);
    expect(negated).toMatchObject({ sentiment: "neutral", sentimentScore: 0.2 });
  });

  it(`uses fixed probabilities, not tuned ones: ${DECIDE_CONFIDENCE}, ${OVERRULE_PROBABILITY} below |score| ${WEAK_LEXICON_SCORE}`, () => {
    expect([DECIDE_CONFIDENCE, OVERRULE_PROBABILITY, WEAK_LEXICON_SCORE]).toEqual([0.5, 0.8, 0.5]);
  });
});
