// The hub's OpinionMonitor over stored rows: feeds analysed messages (as stored: sentiment,
// keywords, place codes, domain — no re-analysis) in time order, and collects what storage
// needs — each message's topic, the topics and alerts that changed. Ids are derived, not
// counted, so a replay of the same rows names the same rows again: a topic by its first
// message, an alert by its first spike (series and detectedAt). Changes before `writeFrom`
// only rebuild state (a replay's warm-up); from it on they are collected. What is delivered is decided against
// the stored alerts (alert-changes.ts), so a replay long after the fact sends nothing again.
// Pure: no database, queue or clock of its own. Bounded like the monitor (maxMessages): the
// topics of at most that many messages are kept, the oldest let go first; an alert's stored id
// only while it is open or its closing not yet taken.
import { createHash } from "node:crypto";
import type { Region } from "../knowledge/gazetteer-schema.ts";
import type { AlertLevel, AlertSettings } from "./alert-settings.ts";
import type { AlertChange, OpinionAlert } from "./alert-tracker.ts";
import { seriesLabel } from "./alert-label.ts";
import type { PlaceMention, Sentiment } from "./opinion-message.ts";
import { type MonitorRetained, OpinionMonitor } from "./opinion-monitor.ts";
import { topicIdOf, topicSeries } from "./opinion-series.ts";
import { PlaceFinder } from "./place-finder.ts";
import { PlaceLineage } from "./place-lineage.ts";
import type { Topic, TopicSettings } from "./topic-clusterer.ts";
import { topicLabel } from "./topic-label.ts";

/** An analysed message as stored (OpinionMessage), what the monitor reads of it. */
export interface MonitorRow {
  id: string;
  /** Epoch milliseconds. */
  at: number;
  sentiment: Sentiment;
  keywords: string[];
  /** Gazetteer codes. */
  places: string[];
  domain: string | null;
}

export interface TopicSummary {
  id: string;
  label: string;
  keywords: string[];
  /** Area codes, most named first. */
  places: string[];
}

export interface AlertSnapshot {
  id: string;
  status: "open" | "closed";
  level: AlertLevel;
  label: string;
  /** Stable names: a topic's series names the stored topic. */
  series: string[];
  /** Codes of the places that spiked, in the order they did. */
  places: string[];
  messageCount: number;
  expected: number;
  score: number;
  firstAt: number;
  detectedAt: number;
  updatedAt: number;
  closedAt: number | null;
  topicId: string | null;
  messageIds: string[];
}

/** What changed since the last take(). */
export interface MonitorEffects {
  /** Message id → stored topic id. */
  assignments: Map<string, string>;
  topics: TopicSummary[];
  /** Stored ids of topics taken into another (their messages are reassigned): to delete once empty. */
  mergedTopics: string[];
  alerts: AlertSnapshot[];
}

export interface HubMonitorOptions {
  regions: readonly Region[];
  alerts?: Partial<AlertSettings>;
  topics?: Partial<TopicSettings>;
  /** History before this is unknown (the replay's first row). */
  startedAt?: number;
  /** Changes at or after this time are collected; earlier ones only rebuild state. */
  writeFrom: number;
  /** The most messages whose detail the monitor keeps (OPINION_MONITOR_MAX_MESSAGES; default DEFAULT_MAX_MESSAGES). */
  maxMessages?: number;
}

/** What the hub's monitor holds: the monitor's structures and the messages whose topic it remembers. */
export interface HubMonitorRetained extends MonitorRetained {
  messageTopics: number;
  /** Topics whose stored id is remembered (those kept, and those an open alert names). */
  topicIds: number;
  /** Alerts whose stored id is remembered (those open, and those closed since the last take()). */
  alertIds: number;
}

/** An alert's stored id: its first spike's series and detection time. */
export function alertIdOf(series: string, detectedAt: number): string {
  return createHash("sha256")
    .update(`${series}|${new Date(detectedAt).toISOString()}`)
    .digest("hex")
    .slice(0, 32);
}

export class HubMonitor {
  readonly monitor: OpinionMonitor;
  private readonly writeFrom: number;
  private readonly places = new Map<string, PlaceMention>();
  /** Monitor topic number → stored id (its first message's id). */
  private readonly topicIds = new Map<number, string>();
  /** Message → its topic number, while an alert may still name it. */
  private readonly topicOfMessage = new Map<string, { topic: number; at: number }>();
  /** Monitor alert number → its stored id, while the alert is open or its closing not yet taken. */
  private readonly alertIds = new Map<number, string>();
  private assignments = new Map<string, string>();
  /** Topics that took messages since the last take(), held here so a topic let go meanwhile is still written. */
  private touchedTopics = new Map<number, Topic>();
  /** Topics the monitor let go (over its cap) since the last take(): their stored ids are forgotten then. */
  private droppedTopics: number[] = [];
  private mergedTopics = new Set<number>();
  private touchedAlerts = new Set<OpinionAlert>();
  private sweptAt = Number.NEGATIVE_INFINITY;
  private readonly memoryMs: number;

  constructor(options: HubMonitorOptions) {
    const lineage = new PlaceLineage(options.regions);
    this.monitor = new OpinionMonitor(lineage, PlaceFinder.names(options.regions), {
      ...(options.alerts ? { alerts: options.alerts } : {}),
      ...(options.topics ? { topics: options.topics } : {}),
      ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
      ...(options.maxMessages === undefined ? {} : { maxMessages: options.maxMessages }),
    });
    for (const { code, name, level } of options.regions) this.places.set(code, { code, name, level });
    this.writeFrom = options.writeFrom;
    this.memoryMs = this.monitor.memoryMs;
  }

  /** The last bucket boundary evaluated; a row before it is late. */
  get clock(): number | undefined {
    return this.monitor.clock;
  }

  /** Feeds rows in the order given (the caller sorts them by time). */
  add(rows: readonly MonitorRow[]): void {
    for (const row of rows) {
      const { topic, merges, dropped, changes } = this.monitor.add({
        id: row.id,
        time: row.at,
        analysis: {
          sentiment: row.sentiment,
          keywords: row.keywords,
          // A code the gazetteer no longer has (intents/ changed) is left out.
          places: row.places.flatMap((code) => this.places.get(code) ?? []),
        },
        ...(row.domain ? { domain: row.domain } : {}),
      });
      if (topic) this.joined(row, topic);
      for (const { from, into } of merges) this.move(from.id, into.id);
      this.droppedTopics.push(...dropped);
      this.forgetBefore(row.at);
      this.collect(changes);
      if (topic && row.at >= this.writeFrom) {
        this.assignments.set(row.id, this.topicIds.get(topic.id)!);
        this.touchedTopics.set(topic.id, topic);
      }
    }
  }

  /** A row's topic, remembered (a greeting without terms has none: no topic, no assignment). */
  private joined(row: MonitorRow, topic: Topic): void {
    if (!this.topicIds.has(topic.id)) this.topicIds.set(topic.id, row.id);
    this.topicOfMessage.set(row.id, { topic: topic.id, at: row.at });
    if (this.topicOfMessage.size > this.monitor.maxMessages) this.forgetOldest();
  }

  /** Over the cap: the oldest messages' topics go (a Map keeps the order rows came in), a slice at a time. */
  private forgetOldest(): void {
    const cap = this.monitor.maxMessages;
    let excess = this.topicOfMessage.size - cap + Math.floor(cap / 64);
    for (const id of this.topicOfMessage.keys()) {
      if (excess-- <= 0) break;
      this.topicOfMessage.delete(id);
    }
  }

  /** How many entries each bounded structure holds (the gauge hub_opinion_monitor_retained). */
  retained(): HubMonitorRetained {
    return {
      ...this.monitor.retained(),
      messageTopics: this.topicOfMessage.size,
      topicIds: this.topicIds.size,
      alertIds: this.alertIds.size,
    };
  }

  /** Evaluates every bucket boundary up to `time` (quiet stretches too). */
  advanceTo(time: number): void {
    this.collect(this.monitor.advanceTo(time));
    this.forgetBefore(time);
  }

  /** A merged topic's messages (young: all still known) go to the topic that took it in. */
  private move(from: number, into: number): void {
    for (const [id, entry] of this.topicOfMessage) {
      if (entry.topic !== from) continue;
      entry.topic = into;
      if (entry.at >= this.writeFrom) this.assignments.set(id, this.topicIds.get(into)!);
    }
    this.touchedTopics.delete(from);
    const topic = this.monitor.clusterer.topic(into);
    if (topic) this.touchedTopics.set(into, topic);
    this.mergedTopics.add(from);
  }

  /** Forgets the topics of messages older than the monitor's memory (no spike window reaches them), hourly. */
  private forgetBefore(time: number): void {
    const keepFrom = time - this.memoryMs;
    if (this.sweptAt >= keepFrom - 3_600_000) return;
    if (this.sweptAt > Number.NEGATIVE_INFINITY)
      for (const [id, entry] of this.topicOfMessage) if (entry.at < keepFrom) this.topicOfMessage.delete(id);
    this.sweptAt = keepFrom;
  }

  /** The stored ids of the alerts still open. */
  openAlertIds(): string[] {
    return this.monitor.tracker.openAlerts().map((alert) => this.alertIds.get(alert.id)!);
  }

  /** What changed since the last call, ready to store and deliver. */
  take(): MonitorEffects {
    const topics = [...this.touchedTopics.values()].map((topic) => this.summary(topic));
    const alerts = [...this.touchedAlerts].map((alert) => this.snapshot(alert));
    // A closed alert is written now, and nothing changes it after (alert-tracker.ts).
    for (const alert of this.touchedAlerts) if (alert.status === "closed") this.alertIds.delete(alert.id);
    const mergedTopics = [...this.mergedTopics].map((n) => this.topicIds.get(n)!);
    const effects = { assignments: this.assignments, topics, mergedTopics, alerts };
    this.assignments = new Map();
    this.touchedTopics = new Map();
    this.mergedTopics = new Set();
    this.touchedAlerts = new Set();
    this.forgetDroppedTopics();
    return effects;
  }

  /** The stored ids of topics the monitor let go, but those an open alert's series still names. */
  private forgetDroppedTopics(): void {
    if (this.droppedTopics.length === 0) return;
    const named = this.monitor.tracker.watchedSeries();
    for (const n of this.droppedTopics) if (!named.has(topicSeries(n))) this.topicIds.delete(n);
    this.droppedTopics = [];
  }

  private collect(changes: readonly AlertChange[]): void {
    for (const { change, alert } of changes) {
      if (change === "opened")
        this.alertIds.set(alert.id, alertIdOf(this.stableSeries(alert.series[0]!), alert.detectedAt));
      const at = alert.status === "closed" ? alert.closedAt! : alert.updatedAt;
      if (at >= this.writeFrom) this.touchedAlerts.add(alert);
      else if (alert.status === "closed") this.alertIds.delete(alert.id);
    }
  }

  /** A topic's series names the stored topic, so the name survives a replay. */
  private stableSeries(series: string): string {
    const topicId = topicIdOf(series);
    const stored = topicId === undefined ? undefined : this.topicIds.get(topicId);
    return stored === undefined ? series : topicSeries(stored);
  }

  private summary(topic: Topic): TopicSummary {
    const clusterer = this.monitor.clusterer;
    const main = clusterer.mainPlace(topic);
    const label = topicLabel(topic, clusterer.background, main);
    const keywords = topicLabel(topic, clusterer.background, main, 5).terms;
    const places = [...topic.areaCounts.values()].sort((a, b) => b.count - a.count).map((entry) => entry.place.code);
    return { id: this.topicIds.get(topic.id)!, label: label.text, keywords, places };
  }

  private snapshot(alert: OpinionAlert): AlertSnapshot {
    // The alert's topic: the one holding most of its messages, when it holds at least a quarter
    // (a day window's spike also counts the place's ordinary messages of that day).
    const counts = new Map<number, number>();
    for (const id of alert.messageIds) {
      const entry = this.topicOfMessage.get(id);
      if (entry) counts.set(entry.topic, (counts.get(entry.topic) ?? 0) + 1);
    }
    const [topic, shared] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [undefined, 0];
    const main = topic !== undefined && shared * 4 >= alert.messageIds.size ? topic : undefined;
    const clusterer = this.monitor.clusterer;
    // A topic let go (over the monitor's cap) names no alert.
    const topicOf = main === undefined ? undefined : clusterer.topic(main);
    const label = topicOf
      ? topicLabel(topicOf, clusterer.background, clusterer.mainPlace(topicOf)).text
      : seriesLabel(alert.series[0]!, (code) => this.places.get(code)?.name);
    const places = alert.series.filter((s) => s.startsWith("place:")).map((s) => s.slice("place:".length));
    return {
      id: this.alertIds.get(alert.id)!,
      status: alert.status,
      level: alert.level,
      label,
      series: alert.series.map((s) => this.stableSeries(s)),
      places,
      messageCount: alert.strongest.count,
      expected: alert.strongest.expected,
      score: alert.strongest.score,
      firstAt: alert.firstAt,
      detectedAt: alert.detectedAt,
      updatedAt: alert.updatedAt,
      closedAt: alert.closedAt ?? null,
      topicId: topicOf ? this.topicIds.get(topicOf.id)! : null,
      messageIds: [...alert.messageIds],
    };
  }
}
