// The figures of the alert and topic stream test (tests/opinion-stream.test.ts): runs a
// generated stream through the analysis and the monitor and measures, per injected event,
// detection latency, alerts and topic F1, and the false alerts per calendar week.
import type { Region } from "../../src/knowledge/gazetteer-schema.ts";
import type { AlertChange, OpinionAlert } from "../../src/opinion/alert-tracker.ts";
import type { OpinionAnalysis } from "../../src/opinion/opinion-message.ts";
import { OpinionMonitor } from "../../src/opinion/opinion-monitor.ts";
import { PlaceFinder } from "../../src/opinion/place-finder.ts";
import { PlaceLineage } from "../../src/opinion/place-lineage.ts";
import { topicLabel } from "../../src/opinion/topic-label.ts";
import { type EventName, type InjectedEvent, type OpinionStream, STREAM_WEEKS } from "./opinion-stream.ts";

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

export interface EventFigures {
  name: EventName;
  description: string;
  messages: number;
  /** detectedAt of its first alert − time of its 10th message, in minutes (negative: before it); null: missed. */
  latencyMinutes: number | null;
  alerts: number;
  /** Its alerts, first to last (more than one: the event was split). */
  ownAlerts: OpinionAlert[];
  firstSeries: string | null;
  level: string | null;
  topicF1: number;
  topicPrecision: number;
  topicRecall: number;
  topicLabel: string;
  /** Per own alert: closedAt − time of the event's last message, in hours; null: still open at the stream's end. */
  closeHours: (number | null)[];
}

export interface StreamFigures {
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

/** Runs a stream through the monitor; `analyze` is the shipped analyzer's analyzeMessage (or a cache of it). */
export function runStream(
  stream: OpinionStream,
  analyze: (text: string) => OpinionAnalysis,
  regions: readonly Region[],
): StreamFigures {
  const started = performance.now();
  const monitor = new OpinionMonitor(new PlaceLineage(regions), PlaceFinder.names(regions), {
    startedAt: stream.start,
  });
  const addedTo = new Map<string, number>();
  // The monitor keeps open alerts only: every alert, as it opened.
  const alerts: OpinionAlert[] = [];
  const collect = (changes: readonly AlertChange[]) => {
    for (const { change, alert } of changes) if (change === "opened") alerts.push(alert);
  };
  for (const message of stream.messages) {
    const analysis = analyze(message.text);
    const { topic, changes } = monitor.add({ id: message.id, time: message.time, analysis, domain: message.domain });
    collect(changes);
    // A message without terms joins no topic.
    if (topic) addedTo.set(message.id, topic.id);
  }
  collect(monitor.advanceTo(stream.end));
  const topics = monitor.clusterer.topics();
  // A message's topic is the one holding it at the end (a merged topic's twin).
  const topicOf = new Map([...addedTo].map(([id, topic]) => [id, monitor.clusterer.current(topics[topic - 1]!).id]));

  const events = stream.events.map((event): EventFigures => {
    const own = alerts.filter((alert) => eventOf(alert, stream.events) === event);
    const first = own[0];
    const tenth = event.times[9]!;
    const counts = new Map<number, number>();
    for (const id of event.ids) {
      const topicId = topicOf.get(id);
      if (topicId !== undefined) counts.set(topicId, (counts.get(topicId) ?? 0) + 1);
    }
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
      ownAlerts: own,
      firstSeries: first ? `${first.series[0]} (${first.strongest.window})` : null,
      level: first?.level ?? null,
      topicF1: (2 * precision * recall) / (precision + recall),
      topicPrecision: precision,
      topicRecall: recall,
      topicLabel: topicLabel(topic, monitor.clusterer.background, monitor.clusterer.mainPlace(topic)).text,
      closeHours: own.map((alert) =>
        alert.closedAt === undefined ? null : (alert.closedAt - event.times.at(-1)!) / HOUR_MS,
      ),
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
    const topicId = topicOf.get(message.id);
    if (topicId === undefined) continue;
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
    topics: topics.filter((topic) => topic.mergedInto === undefined).length,
    backgroundPurity: total === 0 ? 0 : majority / total,
  };
}

export function report(figures: StreamFigures): string {
  const lines = [
    `seed ${figures.seed}: ${figures.messages} messages, ${figures.topics} topics, ${figures.seconds.toFixed(1)} s; background topic purity ${(100 * figures.backgroundPurity).toFixed(1)}%`,
  ];
  for (const e of figures.events)
    lines.push(
      `  ${e.name} (${e.description}, ${e.messages} msgs): latency ${e.latencyMinutes ?? "MISSED"} min after 10th, ${e.alerts} alert(s), first ${e.firstSeries ?? "-"} ${e.level ?? ""}; topic F1 ${e.topicF1.toFixed(3)} (P ${e.topicPrecision.toFixed(3)} R ${e.topicRecall.toFixed(3)}) "${e.topicLabel}"; closed ${e.closeHours.map((h) => (h === null ? "never" : `${h.toFixed(1)} h`)).join(", ") || "-"} after its last message`,
    );
  for (const e of figures.events)
    for (const a of e.ownAlerts.length > 1 ? e.ownAlerts : []) lines.push(`    ${e.name}: ${describe(a)}`);
  lines.push(`  false alerts per week: ${figures.falsePerWeek.join(" ")}`);
  for (const a of figures.falseAlerts) lines.push(`    false: ${describe(a)}`);
  return lines.join("\n");
}

function describe(a: OpinionAlert): string {
  const when = new Date(a.detectedAt + 8 * HOUR_MS).toISOString().slice(0, 16);
  return `${when} ${a.level} ${a.series.join(",")} [${a.strongest.series}] count ${a.strongest.count} expected ${a.strongest.expected} score ${a.strongest.score.toFixed(1)} (${a.strongest.window})`;
}
