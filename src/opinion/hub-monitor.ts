// The hub's OpinionMonitor over stored rows: feeds analysed messages (as stored: sentiment,
// keywords, place codes, domain — no re-analysis) in time order, and collects what storage
// needs — each message's topic, the topics and alerts that changed. Ids are derived, not
// counted, so a replay of the same rows names the same rows again: a topic by its first
// message, an alert by its first spike (series and detectedAt). Changes before `writeFrom`
// only rebuild state (a replay's warm-up); from it on they are collected. What is delivered is decided against
// the stored alerts (alert-changes.ts), so a replay long after the fact sends nothing again.
// Pure: no database, queue or clock of its own.
import { createHash } from "node:crypto";
import type { Region } from "../knowledge/gazetteer-schema.ts";
import type { AlertLevel, AlertSettings } from "./alert-settings.ts";
import type { AlertChange, OpinionAlert } from "./alert-tracker.ts";
import { seriesLabel } from "./alert-label.ts";
import type { PlaceMention, Sentiment } from "./opinion-message.ts";
import { OpinionMonitor } from "./opinion-monitor.ts";
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
  /** Monitor alert number → its stored id. */
  private readonly alertIds = new Map<number, string>();
  private assignments = new Map<string, string>();
  private touchedTopics = new Set<number>();
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
      const { topic, merges, changes } = this.monitor.add({
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
      if (!this.topicIds.has(topic.id)) this.topicIds.set(topic.id, row.id);
      for (const { from, into } of merges) this.move(from.id, into.id);
      this.topicOfMessage.set(row.id, { topic: topic.id, at: row.at });
      this.forgetBefore(row.at);
      this.collect(changes);
      if (row.at >= this.writeFrom) {
        this.assignments.set(row.id, this.topicIds.get(topic.id)!);
        this.touchedTopics.add(topic.id);
      }
    }
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
    this.touchedTopics.add(into);
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
    const topics = [...this.touchedTopics].map((n) => this.summary(this.monitor.clusterer.topics()[n - 1]!));
    const alerts = [...this.touchedAlerts].map((alert) => this.snapshot(alert));
    const mergedTopics = [...this.mergedTopics].map((n) => this.topicIds.get(n)!);
    const effects = { assignments: this.assignments, topics, mergedTopics, alerts };
    this.assignments = new Map();
    this.touchedTopics = new Set();
    this.mergedTopics = new Set();
    this.touchedAlerts = new Set();
    return effects;
  }

  private collect(changes: readonly AlertChange[]): void {
    for (const { change, alert } of changes) {
      if (change === "opened")
        this.alertIds.set(alert.id, alertIdOf(this.stableSeries(alert.series[0]!), alert.detectedAt));
      const at = change === "closed" ? alert.closedAt! : alert.updatedAt;
      if (at >= this.writeFrom) this.touchedAlerts.add(alert);
    }
  }

  /** A topic's series names the stored topic, so the name survives a replay. */
  private stableSeries(series: string): string {
    const topicId = topicIdOf(series);
    return topicId === undefined ? series : topicSeries(this.topicIds.get(topicId)!);
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
    const topicOf = main === undefined ? undefined : clusterer.topics()[main - 1]!;
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
