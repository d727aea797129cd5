// The alert and topic algorithms on small hand-made series: robust statistics, window counts,
// the seasonal baseline (a weekly peak is expected, the same count at night is not), the
// minimum count, warm-up, one alert per event, new matters (a young topic against the messages
// like its own), and online topics with places.
import { beforeAll, describe, expect, it } from "vitest";
import type { Region } from "../src/knowledge/gazetteer-schema.ts";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { resolveAlertSettings } from "../src/opinion/alert-settings.ts";
import {
  type AlertChange,
  AlertTracker,
  type OpinionAlert,
  type SeriesObservation,
} from "../src/opinion/alert-tracker.ts";
import { BucketCounts } from "../src/opinion/bucket-counts.ts";
import { OpinionMonitor } from "../src/opinion/opinion-monitor.ts";
import { PlaceFinder } from "../src/opinion/place-finder.ts";
import { PlaceLineage } from "../src/opinion/place-lineage.ts";
import { median, medianAbsoluteDeviation } from "../src/opinion/robust-statistics.ts";
import { SpikeDetector } from "../src/opinion/spike-detector.ts";
import { TopicClusterer } from "../src/opinion/topic-clusterer.ts";
import { topicLabel } from "../src/opinion/topic-label.ts";
import { INTENTS_DIR } from "./support/catalog.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEEK = 7 * 24 * HOUR;
/** A Monday 00:00 in Asia/Shanghai. */
const T0 = Date.parse("2026-08-03T00:00:00+08:00");

describe("robust statistics and window counts", () => {
  it("takes the median and MAD, unmoved by one outlier", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, 2, 3, 100])).toBe(2.5);
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
  });

  it("counts any window, messages added late included", () => {
    const counts = new BucketCounts();
    for (const bucket of [1, 3, 3, 7]) counts.add(bucket);
    counts.add(2); // late
    expect(counts.count(0, 10)).toBe(5);
    expect(counts.count(2, 4)).toBe(3);
    expect(counts.count(4, 7)).toBe(0);
    expect(counts.count(7, 8)).toBe(1);
  });
});

describe("spike detection", () => {
  /** Five weeks of history: every Monday 8:00–11:00 holds `peak` messages an hour, other hours one an hour in the day. */
  function detectorWithHistory(peak: number): SpikeDetector {
    const detector = new SpikeDetector({}, { startedAt: T0 });
    for (let week = 0; week < 5; week++)
      for (let hour = 0; hour < 7 * 24; hour++) {
        const start = T0 + week * WEEK + hour * HOUR;
        const local = hour % 24;
        const n = hour >= 8 && hour < 11 ? peak : local >= 8 && local < 20 ? 1 : 0;
        for (let i = 0; i < n; i++) detector.record("keyword:停水", start + ((i * 60) / Math.max(n, 1)) * MINUTE);
      }
    return detector;
  }

  it("expects the ordinary Monday-morning peak and does not fire on it", () => {
    const detector = detectorWithHistory(30);
    const measure = detector.measure("keyword:停水", T0 + 4 * WEEK + 10 * HOUR)!;
    expect(measure.window).toBeDefined();
    expect(measure.expected).toBeGreaterThanOrEqual(15);
    expect(measure.level).toBeNull();
  });

  it("fires on the same count at an hour that is usually quiet, with a level by score", () => {
    const detector = detectorWithHistory(30);
    const at = T0 + 5 * WEEK + 24 * HOUR + 3 * HOUR; // Tuesday 3:00 of week 6
    for (let i = 0; i < 30; i++) detector.record("keyword:停水", at - HOUR + i * 2 * MINUTE);
    const measure = detector.measure("keyword:停水", at)!;
    expect(measure).toMatchObject({ window: "hour", count: 30, expected: 0, level: "严重" });
    expect(measure.score).toBe(30);
  });

  it("does not fire below the minimum count, however unusual", () => {
    const detector = detectorWithHistory(0);
    const at = T0 + 5 * WEEK + 24 * HOUR + 3 * HOUR;
    for (let i = 0; i < 9; i++) detector.record("place:990102001", at - 30 * MINUTE + i * MINUTE);
    expect(detector.measure("place:990102001", at)!.level).toBeNull();
    detector.record("place:990102001", at - MINUTE);
    expect(detector.measure("place:990102001", at)!.level).toBe("关注");
  });

  it("says nothing before two weeks of history, nor for a series declared new", () => {
    const detector = new SpikeDetector({}, { startedAt: T0 });
    for (let i = 0; i < 40; i++) detector.record("topic:1", T0 + WEEK + i * MINUTE);
    expect(detector.measure("topic:1", T0 + WEEK + HOUR)).toBeUndefined();
    const later = T0 + 3 * WEEK;
    detector.startSeries("topic:2", later);
    for (let i = 0; i < 40; i++) detector.record("topic:2", later + i * MINUTE);
    expect(detector.measure("topic:2", later + HOUR)).toBeUndefined();
    for (let i = 0; i < 40; i++) detector.record("topic:3", later + i * MINUTE);
    expect(detector.measure("topic:3", later + HOUR)!.level).toBe("严重");
  });

  it("rejects settings that make no sense, naming them", () => {
    expect(() => resolveAlertSettings({ bucketMinutes: 11 })).toThrow(/bucketMinutes must divide a week/);
    expect(() =>
      resolveAlertSettings({
        levels: [
          { level: "关注", score: 8 },
          { level: "预警", score: 4 },
        ],
      }),
    ).toThrow(/ascend/);
    expect(() => resolveAlertSettings({ followBuckets: 289 })).toThrow(/followBuckets/);
    expect(resolveAlertSettings({ minRatio: 3 }).minRatio).toBe(3);
  });
});

describe("one alert per event", () => {
  it("opens one alert as an event grows over hours and series, and closes it once calm", () => {
    const detector = new SpikeDetector({}, { startedAt: T0 });
    const tracker = new AlertTracker(detector.settings);
    const start = T0 + 3 * WEEK + 24 * HOUR + 9 * HOUR;
    const messages: { id: string; time: number; series: string[] }[] = [];
    // 10 messages an hour for 6 hours, each in a keyword and a place series.
    for (let i = 0; i < 60; i++)
      messages.push({ id: `m${i}`, time: start + i * 6 * MINUTE, series: ["keyword:停水", "place:990102002"] });
    const opened: number[] = [];
    let closedAt: number | undefined;
    let next = 0;
    for (let at = start + 10 * MINUTE; at <= start + 48 * HOUR; at += 10 * MINUTE) {
      while (next < messages.length && messages[next]!.time < at) {
        for (const key of messages[next]!.series) detector.record(key, messages[next]!.time);
        next++;
      }
      const observations: SeriesObservation[] = [];
      for (const key of ["keyword:停水", "place:990102002"]) {
        const measure = detector.measure(key, at)!;
        const window = messages.filter((m) => m.time >= measure.start && m.time < measure.end);
        observations.push({ measure, messages: window });
      }
      for (const { change, alert } of tracker.observe(at, observations)) {
        if (change === "opened") opened.push(alert.id);
        if (change === "closed") closedAt = at;
      }
    }
    expect(opened).toHaveLength(1);
    // The day window keeps it hot until the event slides out of it, then calmMinutes pass.
    expect(closedAt! - start).toBeGreaterThan(24 * HOUR);
    expect(closedAt! - start).toBeLessThanOrEqual(24 * HOUR + 6 * HOUR + detector.settings.calmMinutes * MINUTE);
    expect(tracker.openAlerts()).toHaveLength(0);
  });

  it("keeps only open alerts: at most maxAlerts (the calmest closes early), each with at most maxMessageIds ids", () => {
    const settings = resolveAlertSettings({});
    const tracker = new AlertTracker(settings, { maxAlerts: 2, maxMessageIds: 64 });
    const spike = (series: string, at: number, ids: string[]): SeriesObservation => ({
      measure: { series, window: "hour", start: at - HOUR, end: at, count: 20, expected: 1, score: 15, level: "预警" },
      messages: ids.map((id, i) => ({ id, time: at - HOUR + i })),
    });
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const changes: AlertChange[] = [];
    const start = T0 + 3 * WEEK;
    // Three events an hour apart, with disjoint messages; the first stays hot, the second goes quiet.
    changes.push(...tracker.observe(start, [spike("keyword:停水", start, ids("a", 20))]));
    changes.push(...tracker.observe(start + HOUR, [spike("keyword:噪音", start + HOUR, ids("b", 20))]));
    const third = start + 2 * HOUR;
    changes.push(
      ...tracker.observe(third, [
        spike("keyword:停水", third, ids("c", 60)),
        spike("keyword:气味", third, ids("d", 20)),
      ]),
    );
    const said = changes.map(({ change, alert }) => `${change} ${alert.series[0]}`);
    expect(said).toEqual([
      "opened keyword:停水",
      "opened keyword:噪音",
      "updated keyword:停水",
      "opened keyword:气味",
      "closed keyword:噪音",
    ]);
    expect(tracker.openAlerts().map((a) => a.series[0])).toEqual(["keyword:停水", "keyword:气味"]);
    // 停水 took 20 + 60 ids: over 64 its oldest went, down to 64 − 1.
    const water = tracker.openAlerts()[0]!;
    expect(water.messageIds.size).toBe(63);
    expect(water.messageIds.has("a0")).toBe(false);
    expect(water.messageIds.has("c59")).toBe(true);
    expect(tracker.retained).toEqual({ alerts: 2, alertMessages: 63 + 20 });
  });

  it("folds an alert opened this tick into the one that holds most of its messages by the tick's end", () => {
    const tracker = new AlertTracker(resolveAlertSettings({}));
    const at = T0 + 3 * WEEK;
    const spike = (series: string, ids: string[]): SeriesObservation => ({
      measure: {
        series,
        window: "day",
        start: at - 24 * HOUR,
        end: at,
        count: ids.length,
        expected: 0,
        score: 20,
        level: "严重",
      },
      messages: ids.map((id, i) => ({ id, time: at - HOUR + i })),
    });
    const fee = Array.from({ length: 12 }, (_, i) => `fee${i}`);
    const parking = Array.from({ length: 12 }, (_, i) => `parking${i}`);
    // Two wordings of one outcry spike as keywords with disjoint messages, then their topic, which
    // holds both, joins the first: the second wording's alert is the same event.
    const changes = tracker.observe(at, [
      spike("keyword:收费", fee),
      spike("keyword:停车费", parking),
      spike("topic:1", [...fee, ...parking]),
    ]);
    expect(changes.map(({ change, alert }) => [change, alert.series])).toEqual([
      ["opened", ["keyword:收费", "topic:1", "keyword:停车费"]],
    ]);
    expect(tracker.openAlerts()).toHaveLength(1);
    expect(tracker.openAlerts()[0]!.messageIds.size).toBe(24);
    // An alert handed out in an earlier tick stays, though a later one holds its messages.
    const later = at + 10 * MINUTE;
    const next = tracker.observe(later, [spike("keyword:气味", ["smell0", "smell1", "smell2"])]);
    expect(next.map(({ change }) => change)).toEqual(["opened"]);
    expect(tracker.openAlerts()).toHaveLength(2);
  });
});

describe("online topics", () => {
  let regions: Region[];
  beforeAll(async () => {
    regions = await loadGazetteer(INTENTS_DIR);
  });
  const place = (name: string) => {
    const region = regions.find((r) => r.name === name)!;
    return { code: region.code, name: region.name };
  };

  it("keeps one street's outage together and apart from the same words elsewhere", () => {
    const clusterer = new TopicClusterer(new PlaceLineage(regions));
    const at = (minutes: number) => T0 + minutes * MINUTE;
    const a = clusterer.add({ id: "1", time: at(0), terms: ["停水", "通知"], places: [place("阳光社区")] })!;
    const b = clusterer.add({ id: "2", time: at(5), terms: ["停水", "来水"], places: [place("光明社区")] })!;
    const c = clusterer.add({ id: "3", time: at(9), terms: ["停水", "水压", "小区"], places: [place("松林社区")] })!;
    const d = clusterer.add({ id: "4", time: at(12), terms: ["停水", "自来水"], places: [place("人民路街道")] })!;
    expect(b.id).toBe(a.id); // 阳光社区 and 光明社区 are both in 人民路街道
    expect(c.id).not.toBe(a.id); // 松林社区 is in 西山区
    expect(d.id).toBe(a.id);
    const label = topicLabel(a, clusterer.background, clusterer.mainPlace(a));
    expect(label.text).toMatch(/^人民路街道 · 停水/);
  });

  it("merges two wordings of one outcry that opened two topics in its first minutes", () => {
    const clusterer = new TopicClusterer(new PlaceLineage(regions));
    // Two days of everyday matters, now and then parking, so 停车 has a share to burst against.
    const everyday = [
      ["公交", "晚点"],
      ["噪音", "施工"],
      ["路灯", "不亮"],
      ["垃圾", "清运"],
    ];
    for (let i = 0; i < 480; i++) {
      const terms = i % 20 === 0 ? ["停车", "乱停", "消防", "通道", "堵死"] : everyday[i % 4]!;
      clusterer.add({ id: `b${i}`, time: T0 + i * 6 * MINUTE, terms, places: [] });
    }
    const start = T0 + 48 * HOUR;
    const wordings = [
      ["停车", "收费", "听证会", "气人"],
      ["停车费", "三倍", "负担", "不合理"],
    ];
    const topics = Array.from(
      { length: 8 },
      (_, i) => clusterer.add({ id: `o${i}`, time: start + i * MINUTE, terms: wordings[i % 2]!, places: [] })!,
    );
    const merges = clusterer.takeMerges();
    expect(merges).toHaveLength(1);
    expect(merges[0]!.into.id).toBe(topics[0]!.id);
    expect(topics.slice(5).every((topic) => topic.id === topics[0]!.id)).toBe(true);
    expect(clusterer.current(merges[0]!.from)).toBe(topics[0]);
    expect(topics[0]!.size).toBe(8);
  });

  it("lets an old topic of a street take a message from there only when they share a term", () => {
    const clusterer = new TopicClusterer(new PlaceLineage(regions));
    for (let day = 0; day < 5; day++)
      clusterer.add({
        id: `n${day}`,
        time: T0 + day * 24 * HOUR,
        terms: ["噪音", "施工"],
        places: [place("阳光社区")],
      });
    const later = T0 + 5 * 24 * HOUR;
    const noise = clusterer.add({ id: "n5", time: later, terms: ["施工", "扰民"], places: [place("光明社区")] })!;
    const smell = clusterer.add({
      id: "s1",
      time: later + HOUR,
      terms: ["刺鼻", "气味"],
      places: [place("阳光社区")],
    })!;
    expect(noise.id).toBe(1);
    expect(smell.id).not.toBe(1);
    // While young, the same topic gathers its street's messages in any words (an outage's 没水了 beside 停水).
    const young = new TopicClusterer(new PlaceLineage(regions));
    const first = young.add({ id: "w1", time: T0, terms: ["停水", "通知"], places: [place("阳光社区")] })!;
    const other = young.add({ id: "w2", time: T0 + HOUR, terms: ["洗漱", "做饭"], places: [place("光明社区")] })!;
    expect(other.id).toBe(first.id);
  });

  it("puts a message without terms (你好, 谢谢, a place alone) in no topic", () => {
    const clusterer = new TopicClusterer(new PlaceLineage(regions));
    const noise = clusterer.add({ id: "1", time: T0, terms: ["噪音", "施工"], places: [place("阳光社区")] })!;
    expect(clusterer.add({ id: "2", time: T0 + MINUTE, terms: [], places: [] })).toBeUndefined();
    expect(clusterer.add({ id: "3", time: T0 + 2 * MINUTE, terms: [], places: [place("阳光社区")] })).toBeUndefined();
    expect(clusterer.topics()).toEqual([noise]);
    expect(noise.size).toBe(1);
    // It still counts in the background (the IDF's documents), as every message does.
    expect(clusterer.background.documents).toBe(3);
  });

  it("counts a greeting in the monitor's sentiment and place series, not in a topic", () => {
    const monitor = new OpinionMonitor(new PlaceLineage(regions), PlaceFinder.names(regions), { startedAt: T0 });
    const sunshine = regions.find((r) => r.name === "阳光社区")!;
    const { topic } = monitor.add({
      id: "g1",
      time: T0,
      analysis: {
        sentiment: "negative",
        keywords: [],
        places: [{ code: sunshine.code, name: sunshine.name, level: sunshine.level }],
      },
    });
    expect(topic).toBeUndefined();
    expect(monitor.clusterer.topics()).toEqual([]);
    expect(monitor.detector.count("sentiment:negative", T0, T0 + HOUR)).toBe(1);
    expect(monitor.detector.count(`place:${sunshine.code}`, T0, T0 + HOUR)).toBe(1);
  });

  it("lets a topic expire when quiet", () => {
    const clusterer = new TopicClusterer(new PlaceLineage(regions), { idleMinutes: 60 });
    const first = clusterer.add({ id: "1", time: T0, terms: ["噪音", "施工"], places: [] })!;
    const again = clusterer.add({ id: "2", time: T0 + 30 * MINUTE, terms: ["噪音", "施工"], places: [] })!;
    const late = clusterer.add({ id: "3", time: T0 + 3 * HOUR, terms: ["噪音", "施工"], places: [] })!;
    expect(again.id).toBe(first.id);
    expect(late.id).not.toBe(first.id);
  });
});

describe("new matters", () => {
  let regions: Region[];
  beforeAll(async () => {
    regions = await loadGazetteer(INTENTS_DIR);
  });
  const mention = (name: string) => {
    const region = regions.find((r) => r.name === name)!;
    return { code: region.code, name: region.name, level: region.level };
  };

  /** Three weeks in which construction noise is raised at 阳光社区 every evening, two messages an evening. */
  function monitorWithHistory(): {
    monitor: OpinionMonitor;
    add: (time: number, keywords: string[], place?: string) => void;
    advanceTo: (time: number) => void;
    /** Every alert opened (the monitor keeps the open ones only). */
    opened: OpinionAlert[];
  } {
    const monitor = new OpinionMonitor(new PlaceLineage(regions), PlaceFinder.names(regions), { startedAt: T0 });
    const opened: OpinionAlert[] = [];
    const collect = (changes: readonly AlertChange[]) => {
      for (const { change, alert } of changes) if (change === "opened") opened.push(alert);
    };
    let n = 0;
    const add = (time: number, keywords: string[], place = "阳光社区") => {
      const analysis = { sentiment: "negative" as const, keywords, places: [mention(place)] };
      collect(monitor.add({ id: `m${n++}`, time, analysis }).changes);
    };
    const advanceTo = (time: number) => collect(monitor.advanceTo(time));
    for (let day = 0; day < 21; day++)
      for (const minute of [19 * 60, 21 * 60]) add(T0 + day * 24 * HOUR + minute * MINUTE, ["噪音", "施工"]);
    return { monitor, add, advanceTo, opened };
  }

  it("fires when a matter nobody raised before reaches the minimum count within two days", () => {
    const { add, advanceTo, opened } = monitorWithHistory();
    // A smell at another street's community (松林社区: at 阳光社区 the live noise topic, about
    // that street, would take it in), 3 messages one evening, 5 the next.
    const start = T0 + 22 * 24 * HOUR + 18 * HOUR;
    const times = [0, 60, 120, 24 * 60, 24 * 60 + 40, 24 * 60 + 80, 24 * 60 + 120, 24 * 60 + 160];
    for (const minute of times) add(start + minute * MINUTE, ["刺鼻", "气味"], "松林社区");
    advanceTo(start + 2 * 24 * HOUR);
    expect(opened.map((a) => a.strongest.window)).toEqual(["new"]);
    expect(opened[0]!.detectedAt).toBeLessThanOrEqual(start + (24 * 60 + 170) * MINUTE);
    // Its young topic keeps it open while its last day (followBuckets) is unusual, then calmMinutes:
    // about 30 hours after the last message (with the 48-hour new-matter window, over 48).
    advanceTo(start + 5 * 24 * HOUR);
    const last = start + times.at(-1)! * MINUTE;
    expect(opened[0]!.status).toBe("closed");
    expect(opened[0]!.closedAt! - last).toBeGreaterThan(24 * HOUR);
    expect(opened[0]!.closedAt! - last).toBeLessThanOrEqual(24 * HOUR + 7 * HOUR);
  });

  it("does not fire when a matter raised every week comes back as a new topic", () => {
    const { monitor, add, advanceTo, opened } = monitorWithHistory();
    // Three quiet days (the noise topic expires), then the usual noise again, a little more of it.
    const start = T0 + 24 * 24 * HOUR;
    for (let day = 0; day < 2; day++)
      for (const minute of [18 * 60, 19 * 60, 20 * 60, 21 * 60, 22 * 60])
        add(start + day * 24 * HOUR + minute * MINUTE, ["噪音", "施工"]);
    advanceTo(start + 3 * 24 * HOUR);
    expect(monitor.clusterer.topics().length).toBeGreaterThan(1);
    expect(opened).toEqual([]);
  });

  it("clusters a compound with its known part (停车费 with 停车)", () => {
    const clusterer = new TopicClusterer(new PlaceLineage(regions));
    for (let i = 0; i < 3; i++)
      clusterer.add({ id: `p${i}`, time: T0 + i * MINUTE, terms: ["停车", "车位"], places: [] });
    expect(clusterer.withParts(["停车费", "涨价"]).sort()).toEqual(["停车", "停车费", "涨价"].sort());
    expect(clusterer.withParts(["收费"])).toEqual(["收费"]);
  });
});
