import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMPLAINT_TYPE } from "../src/language/components/message-model/classifier-model.ts";
import { oneVsRestReport, taskReport } from "../src/language/ml/metrics.ts";
import { IntegerMap } from "../src/language/ml/integer-map.ts";
import {
  LabeledDataError,
  parseLabeledMessages,
  readLabeledMessages,
  type LabeledMessage,
} from "../src/language/components/message-model/labeled-messages.ts";
import { MessageModel } from "../src/language/components/message-model/message-model.ts";
import { MessageFeatures } from "../src/language/components/message-model/message-features.ts";
import { loadModel, ModelFileError, saveModel } from "../src/language/components/message-model/model-file.ts";
import { layerLogits, softmaxInPlace } from "../src/language/ml/softmax-layer.ts";
import { TfIdfVectorizer } from "../src/language/ml/tfidf-vectorizer.ts";
import { trainClassifier, TrainingError } from "../src/language/components/message-model/train-classifier.ts";
import { normalizeText } from "../src/language/text/normalize.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";

const segmenter = new Segmenter([]);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "classifier-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A separable toy set: the type is given by the sentence pattern, the domain by the topic
// word, the emotion by the ending. Every combination of pattern and topic occurs.
const TOPICS: Record<string, string[]> = {
  交通: ["公交车", "地铁站", "红绿灯", "停车场"],
  教育: ["幼儿园", "小学", "课外班", "校车"],
  医疗: ["医院", "医保", "挂号", "药店"],
};
const PATTERNS: [string, (topic: string) => string][] = [
  ["咨询", (t) => `请问${t}的事情怎么办理`],
  ["建议", (t) => `建议${t}多增加一些便民措施`],
  ["投诉/求助", (t) => `${t}太差了我要投诉`],
];

function toySet(): LabeledMessage[] {
  const messages: LabeledMessage[] = [];
  for (const [domain, topics] of Object.entries(TOPICS)) {
    for (const topic of topics) {
      for (const [type, write] of PATTERNS) {
        const angry = type === "投诉/求助";
        messages.push({
          text: write(topic) + (angry ? "！！" : "，谢谢"),
          type,
          domain,
          emotion: angry ? "愤怒" : "中性",
        });
      }
    }
  }
  return messages;
}

describe("trainClassifier", () => {
  it("learns a separable set and generalizes to new wording of the same cues", () => {
    const classifier = new MessageModel(trainClassifier(toySet(), segmenter), segmenter);
    for (const message of toySet()) {
      const result = classifier.classify(message.text);
      expect([result.type?.label, result.domain?.label, result.emotion?.label]).toEqual([
        message.type,
        message.domain,
        message.emotion,
      ]);
    }
    const unseen = classifier.classify("地铁站太差了我要投诉！！");
    expect(unseen.type?.label).toBe("投诉/求助");
    expect(unseen.domain?.label).toBe("交通");
    expect(unseen.complaintProbability).toBeGreaterThan(0.5);
    expect(unseen.angerProbability).toBeGreaterThan(0.5);
    const calm = classifier.classify("请问校车的事情怎么办理，谢谢");
    expect(calm.complaintProbability).toBeLessThan(0.5);
    expect(calm.angerProbability).toBeLessThan(0.5);
  });

  it("gives probabilities: the confidence is between 0 and 1 and the best label's", () => {
    const classifier = new MessageModel(trainClassifier(toySet(), segmenter), segmenter);
    const result = classifier.classify("建议医院多增加一些便民措施");
    expect(result.type!.confidence).toBeGreaterThan(1 / 3);
    expect(result.type!.confidence).toBeLessThanOrEqual(1);
    expect(classifier.labels.type).toEqual(expect.arrayContaining(["咨询", "建议", "投诉/求助"]));
  });

  it("is deterministic: the same data and seed give the same weights, another seed others", () => {
    const a = trainClassifier(toySet(), segmenter);
    const b = trainClassifier(toySet(), segmenter);
    const c = trainClassifier(toySet(), segmenter, { seed: 2 });
    expect(Buffer.from(a.tasks.domain!.weights.buffer).equals(Buffer.from(b.tasks.domain!.weights.buffer))).toBe(true);
    expect(a.hashes).toEqual(b.hashes);
    expect(Buffer.from(a.tasks.domain!.weights.buffer).equals(Buffer.from(c.tasks.domain!.weights.buffer))).toBe(false);
  });

  it("trains only the tasks that have labels", () => {
    const typesOnly = toySet().map(({ text, type }) => ({ text, type }));
    const classifier = new MessageModel(trainClassifier(typesOnly, segmenter), segmenter);
    const result = classifier.classify("请问医保的事情怎么办理");
    expect(result.type?.label).toBe("咨询");
    expect(result.domain).toBeUndefined();
    expect(result.emotion).toBeUndefined();
  });

  it("refuses data it cannot learn from, saying why", () => {
    expect(() => trainClassifier([], segmenter)).toThrow(TrainingError);
    expect(() => trainClassifier([{ text: "你好" }], segmenter)).toThrow(
      /no message has a type, domain or emotion label/,
    );
    const oneType = toySet().map((m) => ({ ...m, type: "咨询" }));
    expect(() => trainClassifier(oneType, segmenter)).toThrow(/"type" needs at least two different labels/);
  });

  it("classifies already normalized and segmented text the same way", () => {
    const classifier = new MessageModel(trainClassifier(toySet(), segmenter), segmenter);
    const raw = "ＶＩＰ挂号太差了，我要投诉！！！";
    const text = normalizeText(raw);
    expect(classifier.classifyNormalized(text, segmenter.segment(text))).toEqual(classifier.classify(raw));
  });

  it("scores a message as training read it: each feature once, however often it occurs", () => {
    const model = trainClassifier(toySet(), segmenter);
    const classifier = new MessageModel(model, segmenter);
    const features = new MessageFeatures(segmenter, model.features);
    const vectorizer = new TfIdfVectorizer(IntegerMap.fromKeys(model.hashes), model.idf);
    const layer = model.tasks.type!;
    // The last is a letter of ~300 features, more than the scorer's first hash set holds.
    const letter = Array.from(
      { length: 12 },
      (_, i) => `第${"一二三四五六七八九十"[i % 10]}次反映小区路灯坏了没人修，`,
    ).join("");
    for (const raw of ["投诉投诉投诉，路灯路灯坏了坏了坏了", "建议建议多开公交公交", "红绿灯太差了我要投诉", letter]) {
      const logits = new Float64Array(layer.labels.length);
      layerLogits(layer, vectorizer.vectorize(features.extract(raw).slice().sort()), logits);
      softmaxInPlace(logits, layer.labels.length, layer.temperature);
      expect(classifier.classify(raw).complaintProbability).toBeCloseTo(
        logits[layer.labels.indexOf(COMPLAINT_TYPE)]!,
        6,
      );
    }
  });

  it("scores only the tasks asked for, each exactly as in the whole classification", () => {
    const classifier = new MessageModel(trainClassifier(toySet(), segmenter), segmenter);
    for (const raw of ["红绿灯太差了我要投诉", "建议小学多增加一些便民措施", "今天天气不错"]) {
      const text = normalizeText(raw);
      const words = segmenter.segment(text);
      const whole = classifier.classify(raw);
      expect(classifier.classifyNormalized(text, words, ["type"])).toEqual({
        type: whole.type,
        complaintProbability: whole.complaintProbability,
        angerProbability: 0,
      });
      expect(classifier.classifyNormalized(text, words, ["domain"])).toEqual({
        domain: whole.domain,
        complaintProbability: 0,
        angerProbability: 0,
      });
      expect(classifier.classifyNormalized(text, words, ["emotion", "type"])).toEqual({ ...whole, domain: undefined });
    }
  });
});

describe("model files", () => {
  it("round-trips: a saved and loaded model classifies exactly as before", () => {
    const model = trainClassifier(toySet(), segmenter);
    const dir = path.join(tmp, "roundtrip");
    saveModel(model, dir);
    const before = new MessageModel(model, segmenter);
    const after = MessageModel.load(dir, segmenter);
    for (const text of ["红绿灯太差了我要投诉", "建议小学多增加一些便民措施", "今天天气不错"]) {
      expect(after.classify(text)).toEqual(before.classify(text));
    }
  });

  it("says clearly when a directory holds no model or a broken one", () => {
    const empty = path.join(tmp, "empty");
    fs.mkdirSync(empty);
    expect(() => loadModel(empty)).toThrow(ModelFileError);
    expect(() => loadModel(empty)).toThrow(/no model here \(model\.json is missing\)/);

    const broken = path.join(tmp, "broken");
    saveModel(trainClassifier(toySet(), segmenter), broken);
    const weights = path.join(broken, "weights.bin");
    const bytes = fs.readFileSync(weights);
    fs.writeFileSync(weights, bytes.subarray(0, 100));
    expect(() => loadModel(broken)).toThrow(/weights\.bin: 100 bytes, expected \d+/);
    bytes[bytes.length - 1]! ^= 1;
    fs.writeFileSync(weights, bytes);
    expect(() => loadModel(broken)).toThrow(/weights\.bin: checksum differs from model\.json/);
  });
});

describe("labeled JSONL", () => {
  it("reads labels, skipping missing or null ones and blank lines", () => {
    const messages = parseLabeledMessages(
      '{"text":"a","type":"咨询","domain":null}\n\n{"text":"b","emotion":"愤怒"}\n',
      "x.jsonl",
    );
    expect(messages).toEqual([
      { text: "a", type: "咨询" },
      { text: "b", emotion: "愤怒" },
    ]);
  });

  it("names the file and line of a bad record", () => {
    expect(() => parseLabeledMessages('{"text":"a"}\n{"text":"b",}\n', "x.jsonl")).toThrow(
      /x\.jsonl line 2: not valid JSON/,
    );
    expect(() => parseLabeledMessages('{"type":"咨询"}', "x.jsonl")).toThrow(
      /x\.jsonl line 1: "text" must be a non-empty string/,
    );
    expect(() => parseLabeledMessages('{"text":"a","domain":3}', "x.jsonl")).toThrow(
      /line 1: "domain" must be a non-empty string or null/,
    );
    expect(() => parseLabeledMessages("[1,2]", "x.jsonl")).toThrow(/line 1: expected a JSON object/);
  });

  it("reports a missing file", () => {
    expect(() => readLabeledMessages(path.join(tmp, "nope.jsonl"))).toThrow(LabeledDataError);
    expect(() => readLabeledMessages(path.join(tmp, "nope.jsonl"))).toThrow(/nope\.jsonl: no such file/);
  });
});

describe("evaluation metrics", () => {
  // truth a a a b b c; predicted a a b b c c
  const predictions = [
    ["a", "a"],
    ["a", "a"],
    ["a", "b"],
    ["b", "b"],
    ["b", "c"],
    ["c", "c"],
  ].map(([truth, predicted]) => ({ truth: truth!, predicted: predicted! }));

  it("computes accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix", () => {
    const report = taskReport(predictions);
    expect(report.accuracy).toBeCloseTo(4 / 6, 4);
    expect(report.perClass.a).toEqual({ precision: 1, recall: 0.6667, f1: 0.8 });
    expect(report.perClass.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(report.perClass.c).toEqual({ precision: 0.5, recall: 1, f1: 0.6667 });
    expect(report.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 4);
    expect(report.confusion).toEqual({ a: { a: 2, b: 1 }, b: { b: 1, c: 1 }, c: { c: 1 } });
  });

  it("collapses a task to one label against the rest", () => {
    const report = oneVsRestReport(taskReport(predictions).confusion, "c");
    // c: precision 1/2, recall 1/1; rest: precision 4/4, recall 4/5.
    expect(report.perClass.c).toEqual({ precision: 0.5, recall: 1, f1: 0.6667 });
    expect(report.perClass.其他).toEqual({ precision: 1, recall: 0.8, f1: 0.8889 });
  });

  it("has no figures for a task without labeled messages", () => {
    expect(taskReport([])).toEqual({ accuracy: null, macroF1: null, perClass: {}, confusion: {} });
  });
});
