// One alert per event. Spikes come in every bucket while an event lasts, and in several
// series at once (the keyword 停水, the street, the topic, negative sentiment); the tracker
// opens an alert on the first, joins the others to it — a spike in a series the alert
// already has, or whose window messages are mostly the alert's own (mergeOverlap) — updates
// its count, expected count and level as it grows, and closes it once none of its series
// has scored calmScore for calmMinutes. A later spike after that is a new event.
//
// Only open alerts are kept. A closed one is let go as soon as its closing is handed out:
// nothing can reopen or update it (a spike joins open alerts only — after calmMinutes it is a
// new event), its samples and links are read from the stored rows, and a replay derives its
// stored id anew. Bounded by count too (limits): at most maxAlerts open — over it the one calm
// longest closes early, as it would once calm — and each at most maxMessageIds message ids,
// the oldest let go first (its stored links keep them).
import type { AlertLevel, AlertSettings } from "./alert-settings.ts";
import { levelRank, type SpikeMeasure } from "./spike-detector.ts";

const MINUTE_MS = 60_000;

/** A message that a spike's window counted. */
export interface SpikeMessage {
  id: string;
  time: number;
}

/** A measure of one series at one tick, with the messages of its window when it is a spike. */
export interface SeriesObservation {
  measure: SpikeMeasure;
  /** Needed only when measure.level is set. */
  messages?: readonly SpikeMessage[];
}

export interface OpinionAlert {
  id: number;
  status: "open" | "closed";
  level: AlertLevel;
  /** Every series that spiked for this event, in the order they did. */
  series: string[];
  /** The series, window, count, expected count and score of its strongest spike so far. */
  strongest: SpikeMeasure;
  /** The earliest message of the spikes' windows. */
  firstAt: number;
  /** When the alert fired (the end of the bucket that crossed the threshold). */
  detectedAt: number;
  updatedAt: number;
  closedAt?: number;
  /** The messages of every spike's window: the event as far as the alert knows it. */
  messageIds: Set<string>;
}

export interface AlertChange {
  change: "opened" | "updated" | "closed";
  alert: OpinionAlert;
}

export interface AlertLimits {
  /** The most alerts open at once (default: no limit). */
  maxAlerts?: number;
  /** The most message ids one alert keeps (default: no limit). */
  maxMessageIds?: number;
}

export class AlertTracker {
  private readonly open: OpinionAlert[] = [];
  private readonly lastHotAt = new Map<number, number>();
  private nextId = 1;
  private readonly maxAlerts: number;
  private readonly maxMessageIds: number;

  constructor(
    private readonly settings: AlertSettings,
    limits: AlertLimits = {},
  ) {
    this.maxAlerts = limits.maxAlerts ?? Number.POSITIVE_INFINITY;
    this.maxMessageIds = limits.maxMessageIds ?? Number.POSITIVE_INFINITY;
  }

  /** How many alerts are open and how many message ids they hold. */
  get retained(): { alerts: number; alertMessages: number } {
    return {
      alerts: this.open.length,
      alertMessages: this.open.reduce((sum, alert) => sum + alert.messageIds.size, 0),
    };
  }

  /** The series of open alerts: the caller measures them every tick, spike or not, to see them calm down. */
  watchedSeries(): Set<string> {
    return new Set(this.open.flatMap((alert) => alert.series));
  }

  openAlerts(): readonly OpinionAlert[] {
    return this.open;
  }

  /** One tick: the measures taken at `at`. Answers what changed, in a deterministic order. */
  observe(at: number, observations: readonly SeriesObservation[]): AlertChange[] {
    const changes = new Map<OpinionAlert, AlertChange["change"]>();
    for (const { measure, messages = [] } of observations) {
      if (measure.level === null) continue;
      const alert = this.alertFor(measure.series, messages);
      if (!alert) {
        const opened = this.openAlert(at, measure, messages);
        changes.set(opened, "opened");
      } else if (this.grow(alert, at, measure, messages) && !changes.has(alert)) {
        changes.set(alert, "updated");
      }
    }
    this.foldOpenedTwins(at, changes);
    for (const { measure } of observations) {
      if (measure.score < this.settings.calmScore) continue;
      for (const alert of this.open) if (alert.series.includes(measure.series)) this.lastHotAt.set(alert.id, at);
    }
    for (const alert of [...this.open])
      if (at - this.lastHotAt.get(alert.id)! >= this.settings.calmMinutes * MINUTE_MS) this.close(alert, at, changes);
    if (this.open.length > this.maxAlerts) {
      const calmest = [...this.open].sort(
        (a, b) => this.lastHotAt.get(a.id)! - this.lastHotAt.get(b.id)! || a.id - b.id,
      );
      for (const alert of calmest.slice(0, this.open.length - this.maxAlerts)) this.close(alert, at, changes);
    }
    return [...changes].map(([alert, change]) => ({ change, alert }));
  }

  private close(alert: OpinionAlert, at: number, changes: Map<OpinionAlert, AlertChange["change"]>): void {
    alert.status = "closed";
    alert.closedAt = at;
    this.open.splice(this.open.indexOf(alert), 1);
    this.lastHotAt.delete(alert.id);
    // One opened and closed early in the same tick is still reported as opened (closed by its status).
    if (changes.get(alert) !== "opened") changes.set(alert, "closed");
  }

  /** The open alert a spike belongs to: the one with its series, else the one holding most of its messages. */
  private alertFor(series: string, messages: readonly SpikeMessage[]): OpinionAlert | undefined {
    const same = this.open.find((alert) => alert.series.includes(series));
    if (same || messages.length === 0) return same;
    let best: OpinionAlert | undefined;
    let bestShare = 0;
    for (const alert of this.open) {
      const share = messages.filter((m) => alert.messageIds.has(m.id)).length / messages.length;
      if (share > bestShare) [best, bestShare] = [alert, share];
    }
    return bestShare >= this.settings.mergeOverlap ? best : undefined;
  }

  private openAlert(at: number, measure: SpikeMeasure, messages: readonly SpikeMessage[]): OpinionAlert {
    const alert: OpinionAlert = {
      id: this.nextId++,
      status: "open",
      level: measure.level!,
      series: [measure.series],
      strongest: measure,
      firstAt: Math.min(...messages.map((m) => m.time), measure.end),
      detectedAt: at,
      updatedAt: at,
      messageIds: new Set(messages.map((m) => m.id)),
    };
    this.limitIds(alert);
    this.open.push(alert);
    this.lastHotAt.set(alert.id, at);
    return alert;
  }

  /**
   * An alert opened this tick whose messages are mostly another open alert's is that alert: the
   * spikes of one tick are taken one at a time, so a wording's keyword (收费) can open an alert
   * before the topic holding every wording (停车费 too) joins the other one later in the same
   * tick. Only alerts opened this tick fold, so no alert already handed out disappears.
   */
  private foldOpenedTwins(at: number, changes: Map<OpinionAlert, AlertChange["change"]>): void {
    const opened = [...changes].filter(([, change]) => change === "opened").map(([alert]) => alert);
    for (const alert of opened.reverse()) {
      let best: OpinionAlert | undefined;
      let bestShare = 0;
      for (const other of this.open) {
        if (other === alert || (changes.get(other) === "opened" && other.id > alert.id)) continue;
        let shared = 0;
        for (const id of alert.messageIds) if (other.messageIds.has(id)) shared++;
        const share = shared / Math.max(1, alert.messageIds.size);
        if (share > bestShare) [best, bestShare] = [other, share];
      }
      if (!best || bestShare < this.settings.mergeOverlap) continue;
      this.fold(alert, best, at);
      changes.delete(alert);
      if (changes.get(best) !== "opened") changes.set(best, "updated");
    }
  }

  /** Moves an alert's series, messages, level and strongest spike into another, and drops it. */
  private fold(from: OpinionAlert, into: OpinionAlert, at: number): void {
    for (const series of from.series) if (!into.series.includes(series)) into.series.push(series);
    for (const id of from.messageIds) into.messageIds.add(id);
    into.firstAt = Math.min(into.firstAt, from.firstAt);
    if (levelRank(from.level, this.settings) > levelRank(into.level, this.settings)) into.level = from.level;
    if (from.strongest.score > into.strongest.score) into.strongest = from.strongest;
    into.updatedAt = at;
    this.limitIds(into);
    this.open.splice(this.open.indexOf(from), 1);
    this.lastHotAt.set(into.id, Math.max(this.lastHotAt.get(into.id)!, this.lastHotAt.get(from.id)!));
    this.lastHotAt.delete(from.id);
  }

  /** Adds a spike to an alert; answers whether anything a reader sees changed. */
  private grow(alert: OpinionAlert, at: number, measure: SpikeMeasure, messages: readonly SpikeMessage[]): boolean {
    const before = alert.messageIds.size;
    let changed = false;
    if (!alert.series.includes(measure.series)) {
      alert.series.push(measure.series);
      changed = true;
    }
    for (const message of messages) {
      alert.messageIds.add(message.id);
      if (message.time < alert.firstAt) alert.firstAt = message.time;
    }
    if (levelRank(measure.level, this.settings) > levelRank(alert.level, this.settings)) {
      alert.level = measure.level!;
      changed = true;
    }
    if (measure.score > alert.strongest.score) alert.strongest = measure;
    changed ||= alert.messageIds.size > before;
    this.limitIds(alert);
    if (changed) alert.updatedAt = at;
    return changed;
  }

  /** Over maxMessageIds the oldest ids go (a Set keeps the order they came in), a slice at a time. */
  private limitIds(alert: OpinionAlert): void {
    if (alert.messageIds.size <= this.maxMessageIds) return;
    let excess = alert.messageIds.size - this.maxMessageIds + Math.floor(this.maxMessageIds / 64);
    for (const id of alert.messageIds) {
      if (excess-- <= 0) break;
      alert.messageIds.delete(id);
    }
  }
}
