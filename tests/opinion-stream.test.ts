// The stream test of issue 14's alerts and topics: a synthetic 8-week stream (seasonal
// traffic, background noise, one ordinary busy day, three injected events; generator and
// seeds in tests/support/opinion-stream.ts) is analysed message by message (analyzeMessage)
// and run through the monitor (topic clustering, spike detection, one alert per event).
// The targets: every event detected within 2 hours of its 10th message; at most 1
// false alert a week; each event's messages form one topic with F1 ≥ 0.8. Where the
// algorithms fall short on a held-out seed, the test asserts the bound they do meet
// (SHORT_OF_TARGET) and docs/opinion.md says so. The thresholds were chosen on TUNING_SEEDS;
// the assertions run on HELD_OUT_SEEDS (OPINION_STREAM_SEEDS=101 runs the tuning seed).
import { beforeAll, describe, expect, it } from "vitest";
import type { Region } from "../src/knowledge/gazetteer-schema.ts";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { loadOpinionAnalyzer } from "../src/opinion/load-opinion-analyzer.ts";
import type { OpinionAnalyzer } from "../src/opinion/opinion-analyzer.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { type EventName, generateStream, HELD_OUT_SEEDS, STREAM_WEEKS } from "./support/opinion-stream.ts";
import { report, runStream, type StreamFigures } from "./support/opinion-stream-figures.ts";

const SEEDS = process.env.OPINION_STREAM_SEEDS?.split(",").map(Number) ?? [...HELD_OUT_SEEDS];

let analyzer: OpinionAnalyzer;
let regions: Region[];
beforeAll(async () => {
  analyzer = await loadOpinionAnalyzer(INTENTS_DIR);
  regions = await loadGazetteer(INTENTS_DIR);
});

// The targets, and where the algorithms fall short of one on the held-out seeds, the
// bound they do meet (docs/opinion.md reports the figures): a regression guard, not a pass.
const TARGET = { latencyMinutes: 120, falsePerWeek: 1, topicF1: 0.8 };
const SHORT_OF_TARGET = {
  /** A calendar week held 2 false alerts on one seed (404, week 7); the rate over the 8 weeks stays ≤ 1 a week. */
  falseInOneWeek: 2,
};

describe.each(SEEDS)("the 8-week stream, seed %i", (seed) => {
  let figures: StreamFigures;
  beforeAll(() => {
    figures = runStream(generateStream(seed, regions), (text) => analyzer.analyzeMessage(text), regions);
    process.stdout.write(`${report(figures)}\n`);
  }, 300_000);

  const event = (name: EventName) => figures.events.find((e) => e.name === name)!;

  it("detects every event within 2 hours of its 10th message", () => {
    for (const name of ["sudden", "slow", "surge"] as const) {
      expect(event(name).latencyMinutes, name).not.toBeNull();
      expect(event(name).latencyMinutes!, name).toBeLessThanOrEqual(TARGET.latencyMinutes);
    }
  });

  it("raises one alert per event, not one per hour", () => {
    for (const name of ["sudden", "slow", "surge"] as const) expect(event(name).alerts, name).toBe(1);
  });

  it("raises at most 1 false alert a week over the 8 weeks, and at most 2 in any one week", () => {
    expect(figures.falseAlerts.length).toBeLessThanOrEqual(TARGET.falsePerWeek * STREAM_WEEKS);
    expect(Math.max(...figures.falsePerWeek)).toBeLessThanOrEqual(SHORT_OF_TARGET.falseInOneWeek);
  });

  it("gathers each event's messages into one topic with F1 ≥ 0.8", () => {
    for (const name of ["sudden", "slow", "surge"] as const)
      expect(event(name).topicF1, name).toBeGreaterThanOrEqual(TARGET.topicF1);
  });
});
