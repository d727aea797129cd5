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
import type { OpinionAlert } from "../src/opinion/alert-tracker.ts";
import { loadOpinionAnalyzer } from "../src/opinion/load-opinion-analyzer.ts";
import type { OpinionAnalyzer } from "../src/opinion/opinion-analyzer.ts";
import { OpinionMonitor } from "../src/opinion/opinion-monitor.ts";
import { PlaceFinder } from "../src/opinion/place-finder.ts";
import { PlaceLineage } from "../src/opinion/place-lineage.ts";
import { topicLabel } from "../src/opinion/topic-label.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import {
  type EventName,
  generateStream,
  HELD_OUT_SEEDS,
  type InjectedEvent,
  type OpinionStream,
  STREAM_WEEKS,
} from "./support/opinion-stream.ts";

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
const SEEDS = process.env.OPINION_STREAM_SEEDS?.split(",").map(Number) ?? [...HELD_OUT_SEEDS];

interface EventFigures {
  name: EventName;
  description: string;
  messages: number;
  /** detectedAt of its first alert − time of its 10th message, in minutes (negative: before it); null: missed. */
  latencyMinutes: number | null;
  alerts: number;
  firstSeries: string | null;
  level: string | null;
  topicF1: number;
  topicPrecision: number;
  topicRecall: number;
  topicLabel: string;
}

interface StreamFigures {
  seed: number;
  messages: number;
  seconds: number;
  events: EventFigures[];
  falseAlerts: OpinionAlert[];
  falsePerWeek: number[];
  topics: number;
  /** Background topics of ≥ 5 messages: the share of their messages of their majority matter. */
  backgroundPurity: number;
}

/** The event that explains at least half of an alert's excess over its expected count, if any. */
function eventOf(alert: OpinionAlert, events: readonly InjectedEvent[]): InjectedEvent | undefined {
  const excess = Math.max(1, alert.strongest.count - alert.strongest.expected);
  let best: InjectedEvent | undefined;
  let bestShared = 0;
  for (const event of events) {
    const shared = event.ids.filter((id) => alert.messageIds.has(id)).length;
    if (shared > bestShared) [best, bestShared] = [event, shared];
  }
  return bestShared >= excess / 2 ? best : undefined;
}

function runStream(stream: OpinionStream, analyzer: OpinionAnalyzer, regions: readonly Region[]): StreamFigures {
  const started = performance.now();
  const monitor = new OpinionMonitor(new PlaceLineage(regions), PlaceFinder.names(regions), {
    startedAt: stream.start,
  });
  const topicOf = new Map<string, number>();
  for (const message of stream.messages) {
    const analysis = analyzer.analyzeMessage(message.text);
    const { topic } = monitor.add({ id: message.id, time: message.time, analysis, domain: message.domain });
    topicOf.set(message.id, topic.id);
  }
  monitor.advanceTo(stream.end);
  const topics = monitor.clusterer.topics();
  const alerts = monitor.allAlerts();

  const events = stream.events.map((event): EventFigures => {
    const own = alerts.filter((alert) => eventOf(alert, stream.events) === event);
    const first = own[0];
    const tenth = event.times[9]!;
    const counts = new Map<number, number>();
    for (const id of event.ids) counts.set(topicOf.get(id)!, (counts.get(topicOf.get(id)!) ?? 0) + 1);
    const [topicId, shared] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
    const topic = topics[topicId - 1]!;
    const precision = shared / topic.size;
    const recall = shared / event.ids.length;
    return {
      name: event.name,
      description: event.description,
      messages: event.ids.length,
      latencyMinutes: first ? Math.round((first.detectedAt - tenth) / 60_000) : null,
      alerts: own.length,
      firstSeries: first ? `${first.series[0]} (${first.strongest.window})` : null,
      level: first?.level ?? null,
      topicF1: (2 * precision * recall) / (precision + recall),
      topicPrecision: precision,
      topicRecall: recall,
      topicLabel: topicLabel(topic, monitor.clusterer.background, monitor.clusterer.mainPlace(topic)).text,
    };
  });

  const falseAlerts = alerts.filter((alert) => !eventOf(alert, stream.events));
  const falsePerWeek = Array.from({ length: STREAM_WEEKS }, (_, week) => {
    const from = stream.start + week * WEEK_MS;
    return falseAlerts.filter((a) => a.detectedAt >= from && a.detectedAt < from + WEEK_MS).length;
  });

  const kindsByTopic = new Map<number, Map<string, number>>();
  for (const message of stream.messages) {
    if (message.event) continue;
    const topicId = topicOf.get(message.id)!;
    let kinds = kindsByTopic.get(topicId);
    if (!kinds) kindsByTopic.set(topicId, (kinds = new Map()));
    kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
  }
  let majority = 0;
  let total = 0;
  for (const kinds of kindsByTopic.values()) {
    const sizes = [...kinds.values()];
    const size = sizes.reduce((a, b) => a + b, 0);
    if (size < 5) continue;
    majority += Math.max(...sizes);
    total += size;
  }

  return {
    seed: stream.seed,
    messages: stream.messages.length,
    seconds: (performance.now() - started) / 1000,
    events,
    falseAlerts,
    falsePerWeek,
    topics: topics.length,
    backgroundPurity: total === 0 ? 0 : majority / total,
  };
}

function report(figures: StreamFigures): string {
  const lines = [
    `seed ${figures.seed}: ${figures.messages} messages, ${figures.topics} topics, ${figures.seconds.toFixed(1)} s; background topic purity ${(100 * figures.backgroundPurity).toFixed(1)}%`,
  ];
  for (const e of figures.events)
    lines.push(
      `  ${e.name} (${e.description}, ${e.messages} msgs): latency ${e.latencyMinutes ?? "MISSED"} min after 10th, ${e.alerts} alert(s), first ${e.firstSeries ?? "-"} ${e.level ?? ""}; topic F1 ${e.topicF1.toFixed(3)} (P ${e.topicPrecision.toFixed(3)} R ${e.topicRecall.toFixed(3)}) "${e.topicLabel}"`,
    );
  lines.push(`  false alerts per week: ${figures.falsePerWeek.join(" ")}`);
  for (const a of figures.falseAlerts)
    lines.push(
      `    false: ${new Date(a.detectedAt + 8 * HOUR_MS).toISOString().slice(0, 16)} ${a.level} ${a.series.join(",")} [${a.strongest.series}] count ${a.strongest.count} expected ${a.strongest.expected} score ${a.strongest.score.toFixed(1)} (${a.strongest.window})`,
    );
  return lines.join("\n");
}

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
  /** The slow event's day-window spike needs 15 messages: detected about a day after its 10th message. */
  slowLatencyMinutes: 48 * 60,
  /** A calendar week held 2 false alerts on one seed; the rate over the 8 weeks stays ≤ 1 a week. */
  falseInOneWeek: 2,
  /** Citywide messages with no place and varied words split into two topics. */
  topicF1: 0.7,
  alertsPerEvent: 2,
};

describe.each(SEEDS)("the 8-week stream, seed %i", (seed) => {
  let figures: StreamFigures;
  beforeAll(() => {
    figures = runStream(generateStream(seed, regions), analyzer, regions);
    process.stdout.write(`${report(figures)}\n`);
  }, 300_000);

  const event = (name: EventName) => figures.events.find((e) => e.name === name)!;

  it("detects the sudden event and the negative surge within 2 hours of their 10th message", () => {
    for (const name of ["sudden", "surge"] as const) {
      expect(event(name).latencyMinutes, name).not.toBeNull();
      expect(event(name).latencyMinutes!, name).toBeLessThanOrEqual(TARGET.latencyMinutes);
    }
  });

  it("detects the slow-growing event, but later than the target (within 48 hours of its 10th message)", () => {
    expect(event("slow").latencyMinutes).not.toBeNull();
    expect(event("slow").latencyMinutes!).toBeLessThanOrEqual(SHORT_OF_TARGET.slowLatencyMinutes);
  });

  it("raises one alert per event, not one per hour (at most 2 for the surge)", () => {
    expect(event("sudden").alerts).toBe(1);
    expect(event("slow").alerts).toBe(1);
    expect(event("surge").alerts).toBeGreaterThanOrEqual(1);
    expect(event("surge").alerts).toBeLessThanOrEqual(SHORT_OF_TARGET.alertsPerEvent);
  });

  it("raises at most 1 false alert a week over the 8 weeks, and at most 2 in any one week", () => {
    expect(figures.falseAlerts.length).toBeLessThanOrEqual(TARGET.falsePerWeek * STREAM_WEEKS);
    expect(Math.max(...figures.falsePerWeek)).toBeLessThanOrEqual(SHORT_OF_TARGET.falseInOneWeek);
  });

  it("gathers the slow event's messages into one topic with F1 ≥ 0.8, the others with F1 ≥ 0.7", () => {
    expect(event("slow").topicF1).toBeGreaterThanOrEqual(TARGET.topicF1);
    for (const name of ["sudden", "surge"] as const)
      expect(event(name).topicF1, name).toBeGreaterThanOrEqual(SHORT_OF_TARGET.topicF1);
  });
});
