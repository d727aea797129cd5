// The opinion monitor's memory is bounded by count as well as by time (issue 16): under its cap
// (OPINION_MONITOR_MAX_MESSAGES) it gives exactly what it gave with no cap; with a small cap its
// structures stay at or below the cap while a spike still fires. Six weeks of synthetic analysed
// messages (background matters over the sample city's communities, greetings with no words,
// one-off matters, a new matter in week 5, a sudden outage in week 6) go through the hub's monitor as the
// worker feeds it: rows in polls, the clock advanced, the effects taken. Real text also has
// words of its own: with many unique words the vocabulary, the keyword series and the topics'
// term vectors stay within their bounds too.
import { beforeAll, describe, expect, it } from "vitest";
import type { Region } from "../src/knowledge/gazetteer-schema.ts";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { BucketCounts } from "../src/opinion/bucket-counts.ts";
import {
  type AlertSnapshot,
  HubMonitor,
  type HubMonitorRetained,
  type MonitorRow,
} from "../src/opinion/hub-monitor.ts";
import { DEFAULT_MAX_MESSAGES, maxTermsFor, maxTopicsFor } from "../src/opinion/opinion-monitor.ts";
import { SpikeDetector } from "../src/opinion/spike-detector.ts";
import { TermStatistics } from "../src/opinion/term-statistics.ts";
import { DEFAULT_TOPIC_SETTINGS } from "../src/opinion/topic-clusterer.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { seededRandom } from "./support/opinion-stream.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** A Monday 00:00 in Asia/Shanghai. */
const T0 = Date.parse("2026-08-03T00:00:00+08:00");
const WEEKS = 6;
const POLL = 10 * MINUTE;

const MATTERS = [
  ["噪音", "施工"],
  ["垃圾", "清运"],
  ["路灯", "不亮"],
  ["公积金", "提取"],
  ["社保卡", "补办"],
  ["停车", "车位"],
  ["暖气", "不热"],
  ["井盖", "丢失"],
  ["占道", "摆摊"],
  ["绿化", "修剪"],
];
const COMMUNITIES = ["人民社区", "光明社区", "阳光社区", "解放社区", "红旗社区", "湖滨社区", "东湖社区", "建国社区"];
/** The sudden outage: Tuesday 10:00 of week 6, 40 messages in 40 minutes at one community. */
const OUTAGE_AT = T0 + 5 * WEEK + DAY + 10 * HOUR;

function stream(regions: readonly Region[]): MonitorRow[] {
  const code = (name: string) => regions.find((r) => r.name === name)!.code;
  const random = seededRandom(7);
  const rows: MonitorRow[] = [];
  const add = (at: number, keywords: string[], place: string | undefined, negative: boolean) =>
    rows.push({
      id: `m${String(rows.length).padStart(6, "0")}`,
      at,
      sentiment: negative ? "negative" : "neutral",
      keywords,
      places: place ? [code(place)] : [],
      domain: keywords.length > 0 ? "城建" : null,
    });
  for (let hour = 0; hour < WEEKS * 7 * 24; hour++) {
    const local = hour % 24;
    const n = local >= 8 && local < 20 ? 12 : 2;
    for (let i = 0; i < n; i++) {
      const at = T0 + hour * HOUR + Math.floor(random() * HOUR);
      const roll = random();
      // A tenth are greetings: no keyword, no place (no topic). A tenth are one-off matters, a
      // word of their own each (a shop, a name): each opens a topic that soon expires.
      if (roll < 0.1) add(at, [], undefined, false);
      else if (roll < 0.2) add(at, [`事${rows.length.toString(36)}`], undefined, false);
      else
        add(
          at,
          [...MATTERS[Math.floor(random() * MATTERS.length)]!],
          random() < 0.5 ? COMMUNITIES[Math.floor(random() * COMMUNITIES.length)] : undefined,
          random() < 0.4,
        );
    }
  }
  // A new matter: a smell at another street's community, 3 messages one evening, 5 the next.
  const smell = T0 + 4 * WEEK + 2 * DAY + 18 * HOUR;
  for (const minute of [0, 60, 120, 24 * 60, 24 * 60 + 40, 24 * 60 + 80, 24 * 60 + 120, 24 * 60 + 160])
    add(smell + minute * MINUTE, ["刺鼻", "气味"], "松林社区", true);
  for (let i = 0; i < 40; i++) add(OUTAGE_AT + i * MINUTE, ["停水", "自来水"], "解放社区", true);
  return rows.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

interface Run {
  /** Every poll's effects, Maps as entry lists. */
  effects: unknown[];
  alerts: AlertSnapshot[];
  /** The largest size each structure reached after a poll. */
  peak: HubMonitorRetained;
  /** The sizes after the last poll, and how many alerts were open then. */
  last: HubMonitorRetained;
  openAtEnd: number;
}

/** A word of its own (a name, a typo, a number) added to about `share` of the rows, greetings included. */
function withUniqueWords(rows: readonly MonitorRow[], share: number): MonitorRow[] {
  const random = seededRandom(11);
  return rows.map((row, i) =>
    random() < share ? { ...row, keywords: [...row.keywords, `词${i.toString(36)}`] } : row,
  );
}

/** Feeds the rows as the worker does: a poll every 10 minutes of stream time. */
function run(
  regions: readonly Region[],
  rows: readonly MonitorRow[],
  maxMessages?: number,
  afterPoll?: (hub: HubMonitor) => void,
): Run {
  const hub = new HubMonitor({ regions, writeFrom: T0, startedAt: T0, ...(maxMessages ? { maxMessages } : {}) });
  const effects: unknown[] = [];
  const alerts = new Map<string, AlertSnapshot>();
  let peak: HubMonitorRetained | undefined;
  let now: HubMonitorRetained | undefined;
  let next = 0;
  for (let until = T0 + POLL; until <= T0 + WEEKS * WEEK; until += POLL) {
    const batch: MonitorRow[] = [];
    while (next < rows.length && rows[next]!.at < until) batch.push(rows[next++]!);
    hub.add(batch);
    hub.advanceTo(until);
    const taken = hub.take();
    effects.push({ ...taken, assignments: [...taken.assignments] });
    for (const alert of taken.alerts) alerts.set(alert.id, alert);
    afterPoll?.(hub);
    now = hub.retained();
    peak = peak
      ? (Object.fromEntries(
          Object.entries(now).map(([k, v]) => [k, Math.max(v, peak![k as keyof HubMonitorRetained])]),
        ) as unknown as HubMonitorRetained)
      : now;
  }
  return { effects, alerts: [...alerts.values()], peak: peak!, last: now!, openAtEnd: hub.openAlertIds().length };
}

describe("the opinion monitor's memory cap", () => {
  let regions: Region[];
  let rows: MonitorRow[];
  let uncapped: Run;
  beforeAll(async () => {
    regions = await loadGazetteer(INTENTS_DIR);
    rows = stream(regions);
    uncapped = run(regions, rows, Number.POSITIVE_INFINITY);
  });

  it("the stream has what the comparison needs: a new-matter alert, an outage alert, more topics than a small cap", () => {
    expect(rows.length).toBeGreaterThan(5_000);
    expect(
      uncapped.alerts.some((a) => a.messageIds.some((id) => rows.find((r) => r.id === id)?.keywords[0] === "刺鼻")),
    ).toBe(true);
    const outage = uncapped.alerts.find((a) => a.detectedAt >= OUTAGE_AT && a.detectedAt <= OUTAGE_AT + HOUR);
    expect(outage).toBeDefined();
    expect(uncapped.peak.topics).toBeGreaterThan(maxTopicsFor(1_000));
  });

  it("gives the same topics, assignments and alerts under the cap as with none", () => {
    // The default cap, and a cap just above what the stream ever holds in one structure.
    for (const cap of [DEFAULT_MAX_MESSAGES, rows.length + 1]) {
      const capped = run(regions, rows, cap);
      expect(capped.effects).toEqual(uncapped.effects);
      expect(capped.peak).toEqual(uncapped.peak);
    }
  });

  it("with a small cap keeps each structure at or below it, and the outage still fires at once", () => {
    const cap = 1_000;
    const capped = run(regions, rows, cap);
    const { peak } = capped;
    for (const size of [peak.recentMessages, peak.newMatterMessages, peak.burstMessages, peak.messageTopics])
      expect(size).toBeLessThanOrEqual(cap);
    expect(peak.topics).toBeLessThanOrEqual(maxTopicsFor(cap));
    expect(peak.liveTopics).toBeLessThanOrEqual(maxTopicsFor(cap));
    // The stored ids of the topics let go are forgotten too (at the poll's take()).
    expect(peak.topicIds).toBeLessThanOrEqual(maxTopicsFor(cap) + 20);
    // The uncapped run held several times as much: the cap did the bounding.
    expect(uncapped.peak.newMatterMessages).toBeGreaterThan(4 * cap);
    const outage = capped.alerts.find((a) => a.detectedAt >= OUTAGE_AT && a.detectedAt <= OUTAGE_AT + HOUR);
    expect(outage, JSON.stringify(capped.alerts.map((a) => [a.label, a.series, a.detectedAt]))).toBeDefined();
    const own = uncapped.alerts.find((a) => a.detectedAt >= OUTAGE_AT && a.detectedAt <= OUTAGE_AT + HOUR)!;
    // Counts are aggregates the cap does not touch: the same first series, detection time and level.
    expect([outage!.series[0], outage!.detectedAt, outage!.level]).toEqual([own.series[0], own.detectedAt, own.level]);
    expect(outage!.messageIds.length).toBeGreaterThan(0);
  });

  it("with many words of their own keeps the vocabulary, the keyword series and each topic's terms within bounds", () => {
    const cap = 1_000;
    const unique = withUniqueWords(rows, 0.5);
    const { maxTopicTerms } = DEFAULT_TOPIC_SETTINGS;
    let longest = 0;
    let openKeywordAlerts = 0;
    const capped = run(regions, unique, cap, (hub) => {
      for (const topic of hub.monitor.clusterer.topics()) longest = Math.max(longest, topic.termCounts.size);
      const watched = [...hub.monitor.tracker.watchedSeries()].filter((s) => s.startsWith("keyword:"));
      openKeywordAlerts = Math.max(openKeywordAlerts, watched.length);
    });
    expect(capped.peak.vocabulary).toBeLessThanOrEqual(maxTermsFor(cap));
    // An open alert's keyword series are never let go.
    expect(capped.peak.keywordSeries).toBeLessThanOrEqual(maxTermsFor(cap) + openKeywordAlerts);
    expect(longest).toBeLessThanOrEqual(maxTopicTerms + maxTopicTerms / 4);
    // Without the bounds each would have held several times as much: the words of the busiest
    // topic's messages, the vocabulary and the keyword series with no cap.
    const topicOf = new Map<string, string>();
    for (const effect of capped.effects as { assignments: [string, string][] }[])
      for (const [message, topic] of effect.assignments) topicOf.set(message, topic);
    const words = new Map<string, Set<string>>();
    for (const row of unique) {
      const topic = topicOf.get(row.id)!;
      if (!words.has(topic)) words.set(topic, new Set());
      for (const word of row.keywords) words.get(topic)!.add(word);
    }
    expect(Math.max(...[...words.values()].map((w) => w.size))).toBeGreaterThan(4 * maxTopicTerms);
    const uncapped = run(regions, unique, Number.POSITIVE_INFINITY);
    expect(uncapped.peak.vocabulary).toBeGreaterThan(4 * maxTermsFor(cap));
    expect(uncapped.peak.keywordSeries).toBeGreaterThan(4 * maxTermsFor(cap));
    // The outage still fires at once, in the same series as without the words of their own.
    const outage = capped.alerts.find((a) => a.detectedAt >= OUTAGE_AT && a.detectedAt <= OUTAGE_AT + HOUR);
    expect(outage, JSON.stringify(capped.alerts.map((a) => [a.label, a.series, a.detectedAt]))).toBeDefined();
  });

  it("lets a closed alert go once its closing is taken: only the open ones stay", () => {
    const closed = uncapped.alerts.filter((a) => a.status === "closed");
    // Several alerts opened and closed over the six weeks (the smell, the outage, false ones).
    expect(closed.length).toBeGreaterThanOrEqual(2);
    expect(uncapped.last.alertIds).toBe(uncapped.openAtEnd);
    expect(uncapped.last.alerts).toBe(uncapped.openAtEnd);
    expect(uncapped.peak.alertIds).toBeLessThan(uncapped.alerts.length);
    // The open alerts' message ids are counted, and held by the open alerts only.
    if (uncapped.openAtEnd === 0) expect(uncapped.last.alertMessages).toBe(0);
    expect(uncapped.peak.alertMessages).toBeGreaterThan(0);
  });

  it("refuses a cap that is not a whole number of at least 1", () => {
    expect(() => new HubMonitor({ regions, writeFrom: T0, maxMessages: 0 })).toThrow(/maxMessages/);
    expect(() => new HubMonitor({ regions, writeFrom: T0, maxMessages: 2.5 })).toThrow(/maxMessages/);
  });
});

describe("the vocabulary and the keyword series over their caps", () => {
  it("let the rarest words go first, the longest unused among equals, a kept word last", () => {
    const kept = new Set(["保留"]);
    const vocabulary = new TermStatistics(64, (term) => kept.has(term));
    vocabulary.addDocument(["保留"]);
    for (let i = 0; i < 3; i++) vocabulary.addDocument(["常用", "二次"]);
    vocabulary.addDocument(["二次词"]);
    vocabulary.addDocument(["二次词"]);
    for (let i = 0; i < 62; i++) vocabulary.addDocument([`词${i}`]);
    // The 65th word (词60) takes it over the cap of 64: down to 63, the two oldest words used
    // once go (保留, used once and first, is kept); 词61 makes 64.
    expect(vocabulary.size).toBe(64);
    expect(["词0", "词1", "词2"].map((w) => vocabulary.frequency(w))).toEqual([0, 0, 1]);
    expect(["保留", "常用", "二次词", "词61"].map((w) => vocabulary.frequency(w))).toEqual([1, 3, 2, 1]);
    expect(vocabulary.documents).toBe(68);
  });

  it("keep an open alert's keyword series and the other kinds of series", () => {
    const watched = new Set(["keyword:告警"]);
    const detector = new SpikeDetector({}, { limit: { prefix: "keyword:", max: 64, keep: () => watched } });
    detector.record("keyword:告警", 0);
    detector.record("place:990102", 0);
    for (let i = 0; i < 5; i++) detector.record("keyword:常用", i * 600_000);
    for (let i = 0; i < 64; i++) detector.record(`keyword:词${i}`, 600_000 * (i + 1));
    // The 65th keyword series (词62) takes them over 64: down to 63, the two quietest with one
    // message go (告警, the first, is an open alert's); 词63 makes 64.
    expect(detector.retained).toMatchObject({ limited: 64, series: 65 });
    expect(["keyword:词0", "keyword:词1", "keyword:词2"].map((s) => detector.count(s, 0, 1e9))).toEqual([0, 0, 1]);
    expect(["keyword:告警", "place:990102", "keyword:常用"].map((s) => detector.count(s, 0, 1e9))).toEqual([1, 1, 5]);
  });
});

describe("a series' counts with old buckets dropped", () => {
  it("counts any window within what is kept as before, messages added late included", () => {
    const counts = new BucketCounts();
    for (const bucket of [1, 3, 3, 7, 9, 12]) counts.add(bucket);
    counts.dropBefore(5);
    expect(counts.size).toBe(3);
    expect(counts.count(5, 13)).toBe(3);
    expect(counts.count(7, 10)).toBe(2);
    counts.add(6); // late
    counts.add(15);
    expect(counts.count(5, 8)).toBe(2);
    expect(counts.count(5, 16)).toBe(5);
    expect([...counts.entries()]).toEqual([
      [6, 1],
      [7, 1],
      [9, 1],
      [12, 1],
      [15, 1],
    ]);
  });
});
