// Choosing the sentiment bands on one half of the team's own labelled messages.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bestBands, isTuneHalf, reportAt, type ScoredMessage } from "../src/opinion/band-tuning.ts";
import { parseLabelledOpinions } from "../src/opinion/opinion-evaluation.ts";
import { INTENTS_DIR } from "./support/catalog.ts";

describe("band tuning", () => {
  it("finds the bands that separate the labels when some do", () => {
    const messages: ScoredMessage[] = [
      ...[-0.9, -0.6, -0.3].map((score) => ({ text: `n${score}`, score, truth: "negative" as const })),
      ...[-0.1, 0, 0.2].map((score) => ({ text: `z${score}`, score, truth: "neutral" as const })),
      ...[0.45, 0.7].map((score) => ({ text: `p${score}`, score, truth: "positive" as const })),
    ];
    const { bands, macroF1 } = bestBands(messages, "愤怒");
    expect(macroF1).toBe(1);
    expect(bands.negativeBand).toBeGreaterThan(0.1);
    expect(bands.negativeBand).toBeLessThanOrEqual(0.3);
    expect(bands.positiveBand).toBeGreaterThan(0.2);
    expect(bands.positiveBand).toBeLessThanOrEqual(0.45);
    expect(reportAt(messages, { ...bands, negativeBand: 0.95 }).macroF1).toBeLessThan(1);
  });

  it("splits by the text alone, about half and half, the same way every time", () => {
    const texts = Array.from({ length: 2000 }, (_, i) => `消息${i}`);
    const tune = texts.filter(isTuneHalf);
    expect(tune.length).toBeGreaterThan(900);
    expect(tune.length).toBeLessThan(1100);
    expect(texts.filter(isTuneHalf)).toEqual(tune);
  });

  it("the team's labelled file parses, with every sentiment and emotion, and no text twice", () => {
    const file = path.join(INTENTS_DIR, "training/opinion.jsonl");
    const messages = parseLabelledOpinions(fs.readFileSync(file, "utf8"), file);
    expect(messages.length).toBeGreaterThanOrEqual(200);
    expect(new Set(messages.map((m) => m.sentiment))).toEqual(new Set(["negative", "neutral", "positive"]));
    expect(new Set(messages.map((m) => m.emotion))).toEqual(
      new Set(["愤怒", "焦虑/担忧", "悲伤", "喜悦/感谢", "中性"]),
    );
    expect(new Set(messages.map((m) => m.text)).size).toBe(messages.length);
  });
});
