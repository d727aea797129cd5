// The hub's listening post over a stream of analysed messages, in time order: each message
// joins a topic (topic-clusterer.ts) and counts in its series (opinion-series.ts); at every
// bucket boundary the series that moved, and those of open alerts, are measured against
// their seasonal baselines (spike-detector.ts) — a young topic against the messages like its
// own in past weeks (new-matter-detector.ts) — and the spikes become alerts, one per event
// (alert-tracker.ts). Live traffic and imported history go through it alike: times are the
// messages' own, so an alert's detectedAt is when it would have fired.
//
// Its memory is bounded by time (each structure keeps what its longest reach needs) and by
// count, whatever the traffic: at most maxMessages messages' detail in each per-message
// structure — the spike evidence (48 h), the new-matter history (four weeks and more), the
// burst window (an hour), an open alert's message ids — maxTopics topics and maxAlerts open
// alerts (closed ones are not kept: alert-tracker.ts). Over the cap the oldest detail goes first;
// the series' counts per bucket, which decide whether a window spikes, are aggregates and stay
// (bounded by time: buckets older than any baseline reaches are dropped). So over the cap a
// spike still fires at the same count and score; what it loses is some of its oldest evidence
// (an alert's message ids) and, once less than the baseline weeks of messages are kept, the
// new-matter comparison (a young topic is then measured by its own series; never against a
// history that looks empty). Under the cap nothing changes. Real text also brings words of
// its own all the time, so the vocabulary (IDF) and the keyword series, one per word, keep at
// most maxTermsFor(maxMessages) words each, the rarest let go first (term-statistics.ts,
// spike-detector.ts), and a topic's term vector its heaviest terms (maxTopicTerms).
import type { AlertSettings } from "./alert-settings.ts";
import { type AlertChange, AlertTracker, type SeriesObservation } from "./alert-tracker.ts";
import { NewMatterDetector } from "./new-matter-detector.ts";
import type { OpinionAnalysis } from "./opinion-message.ts";
import { OpinionSeries, topicIdOf, topicSeries } from "./opinion-series.ts";
import type { PlaceLineage } from "./place-lineage.ts";
import { type SpikeMeasure, SpikeDetector, stronger } from "./spike-detector.ts";
import { type Topic, TopicClusterer, type TopicMerge, type TopicSettings } from "./topic-clusterer.ts";

export interface MonitoredMessage {
  id: string;
  time: number;
  analysis: Pick<OpinionAnalysis, "sentiment" | "keywords" | "places">;
  domain?: string;
}

interface LoggedMessage {
  id: string;
  time: number;
  series: string[];
}

export interface OpinionMonitorOptions {
  alerts?: Partial<AlertSettings>;
  topics?: Partial<TopicSettings>;
  /** When monitoring began: history before it is unknown (default: the first message). */
  startedAt?: number;
  /**
   * The most messages whose detail any one structure keeps (OPINION_MONITOR_MAX_MESSAGES;
   * default DEFAULT_MAX_MESSAGES; Infinity: bounded by time only); topics are kept up to a
   * quarter of it.
   */
  maxMessages?: number;
}

/**
 * 50,000 (~55 MB at most): with the worker's own ~80 MB (or the web app's, under npm start) it
 * fits the shipped heap limit (--max-old-space-size=192); docs/opinion.md says when to raise both.
 * The same default as OPINION_MONITOR_MAX_MESSAGES in src/config.ts.
 */
export const DEFAULT_MAX_MESSAGES = 50_000;

/** The topics kept for a message cap: a quarter of it (a topic weighs more than a message's detail). */
export const maxTopicsFor = (maxMessages: number): number => Math.max(1, Math.floor(maxMessages / 4));

/**
 * The words the vocabulary and the keyword series keep for a message cap: a quarter of it, like
 * the topics (a city's everyday words many times over; the words let go are the rarest).
 */
export const maxTermsFor = (maxMessages: number): number => Math.max(1, Math.floor(maxMessages / 4));

/**
 * The alerts kept open at once for a message cap: a sixty-fourth of it. Each holds the message
 * ids of its spikes' windows (at least a window's minimum count, often dozens) and keeps its
 * series measured every bucket; one per event, a handful at a time in a city — a cap reached
 * only by a flood of false alerts, which must not take the monitor's memory with it.
 */
export const maxAlertsFor = (maxMessages: number): number => Math.max(1, Math.floor(maxMessages / 64));

const KEYWORD_SERIES = "keyword:";

/** How many entries each bounded structure holds now (exported as a gauge: src/metrics). */
export interface MonitorRetained {
  /** Messages kept as spike evidence (the longest window). */
  recentMessages: number;
  /** Messages kept as new-matter history (the baseline weeks). */
  newMatterMessages: number;
  /** Messages in the burst window. */
  burstMessages: number;
  topics: number;
  liveTopics: number;
  /** Words the vocabulary (IDF) keeps. */
  vocabulary: number;
  series: number;
  /** The series of one keyword each (of `series`). */
  keywordSeries: number;
  seriesBuckets: number;
  /** Open alerts (closed ones are let go). */
  alerts: number;
  /** The message ids the open alerts hold. */
  alertMessages: number;
}

const DAY_MS = 24 * 3_600_000;

export class OpinionMonitor {
  readonly detector: SpikeDetector;
  readonly clusterer: TopicClusterer;
  readonly tracker: AlertTracker;
  readonly newMatter: NewMatterDetector;
  private readonly series: OpinionSeries;
  /** Messages still inside the longest window: the evidence of a spike. */
  private recent: LoggedMessage[] = [];
  private touched = new Set<string>();
  /** The next bucket boundary to evaluate at. */
  private nextTick: number | undefined;
  private readonly bucketMs: number;
  private readonly longestWindowMs: number;
  readonly maxMessages: number;
  /** When the series' old buckets were last dropped. */
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(lineage: PlaceLineage, placeNames: Iterable<string>, options: OpinionMonitorOptions = {}) {
    const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
    if (!((Number.isInteger(maxMessages) && maxMessages >= 1) || maxMessages === Number.POSITIVE_INFINITY))
      throw new Error(`maxMessages must be a whole number ≥ 1 (or Infinity: no cap), got ${maxMessages}`);
    this.maxMessages = maxMessages;
    const maxTerms = maxTermsFor(maxMessages);
    this.detector = new SpikeDetector(options.alerts, {
      ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
      // An open alert's keyword series stay.
      limit: { prefix: KEYWORD_SERIES, max: maxTerms, keep: () => this.tracker.watchedSeries() },
    });
    this.clusterer = new TopicClusterer(lineage, options.topics, {
      maxMessages,
      maxTopics: maxTopicsFor(maxMessages),
      maxTerms,
    });
    this.tracker = new AlertTracker(this.detector.settings, {
      maxAlerts: maxAlertsFor(maxMessages),
      maxMessageIds: maxMessages,
    });
    this.newMatter = new NewMatterDetector(this.detector.settings, this.clusterer, maxMessages);
    this.series = new OpinionSeries(lineage, new Set(placeNames));
    this.bucketMs = this.detector.settings.bucketMinutes * 60_000;
    const settings = this.detector.settings;
    this.longestWindowMs = Math.max(...[...settings.windows, settings.newMatter].map((w) => w.buckets)) * this.bucketMs;
  }

  /**
   * Adds one message (evaluating every bucket boundary before it first); answers its topic,
   * the topics merged into another by it (their messages are counted in that one's series
   * now), the numbers of the topics let go over the cap, and what alerts changed.
   */
  add(message: MonitoredMessage): {
    /** None for a message without terms (a greeting): it counts in its other series only. */
    topic: Topic | undefined;
    merges: TopicMerge[];
    dropped: number[];
    changes: AlertChange[];
  } {
    const changes = this.advanceTo(message.time);
    const terms = this.series.terms(message.analysis);
    const topic = this.clusterer.add({ id: message.id, time: message.time, terms, places: message.analysis.places });
    const merges = this.clusterer.takeMerges();
    for (const merge of merges) this.moveSeries(merge);
    const dropped = this.dropTopics();
    this.newMatter.record({ time: message.time, terms, places: message.analysis.places });
    // A topic's zeros before it was born are no baseline for its own windows: until it has a
    // past, it is measured against the messages like its own (new-matter-detector.ts).
    if (topic?.size === 1) this.detector.startSeries(topicSeries(topic.id), topic.firstAt);
    const keys = this.series.keys(topic ? { ...message, topicId: topic.id } : message);
    for (const key of keys) {
      this.detector.record(key, message.time);
      this.touched.add(key);
    }
    this.recent.push({ id: message.id, time: message.time, series: keys });
    if (this.recent.length > this.maxMessages)
      // The oldest evidence goes, a slice at a time (copying is the cost); the counts stay.
      this.recent = this.recent.slice(this.recent.length - this.maxMessages + Math.floor(this.maxMessages / 64));
    return { topic, merges, dropped, changes };
  }

  /** The series of topics no longer kept (over maxTopics) go too, but an open alert's. */
  private dropTopics(): number[] {
    const dropped = this.clusterer.takeDropped();
    if (dropped.length === 0) return dropped;
    const watched = this.tracker.watchedSeries();
    for (const id of dropped) {
      this.newMatter.dropTopic(id);
      if (!watched.has(topicSeries(id))) this.detector.dropSeries(topicSeries(id));
    }
    return dropped;
  }

  /** How many entries each bounded structure holds. */
  retained(): MonitorRetained {
    const topics = this.clusterer.retained;
    const series = this.detector.retained;
    return {
      recentMessages: this.recent.length,
      newMatterMessages: this.newMatter.size,
      burstMessages: topics.burstWindow,
      topics: topics.topics,
      liveTopics: topics.liveTopics,
      vocabulary: topics.vocabulary,
      series: series.series,
      keywordSeries: series.limited,
      seriesBuckets: series.buckets,
      ...this.tracker.retained,
    };
  }

  /**
   * A merged topic's messages count in the series of the topic that took it in: its counts
   * are added to that series, and its messages kept as evidence name that series now.
   */
  private moveSeries({ from, into }: TopicMerge): void {
    const [old, now] = [topicSeries(from.id), topicSeries(into.id)];
    this.detector.addCounts(old, now);
    for (const message of this.recent) {
      const at = message.series.indexOf(old);
      if (at >= 0) message.series[at] = now;
    }
    this.touched.add(now);
  }

  /** Evaluates every bucket boundary up to `time` (a quiet stretch too: alerts calm down in it). */
  advanceTo(time: number): AlertChange[] {
    this.nextTick ??= this.detector.boundaryAfter(time + 1);
    const changes: AlertChange[] = [];
    while (this.nextTick <= time) {
      changes.push(...this.evaluate(this.nextTick));
      this.nextTick += this.bucketMs;
    }
    return changes;
  }

  /** The last bucket boundary evaluated (undefined before the first message): a message before it is late, its bucket's detection has passed. */
  get clock(): number | undefined {
    return this.nextTick === undefined ? undefined : this.nextTick - this.bucketMs;
  }

  /** How far back a window and its baseline reach: replaying this much history before a time rebuilds the state at it. */
  get memoryMs(): number {
    const settings = this.detector.settings;
    const reach = Math.max(...[...settings.windows, settings.newMatter].map((w) => (w.neighbours + 1) * w.buckets));
    return (
      settings.baselineWeeks * 7 * 24 * 3_600_000 + reach * this.bucketMs + this.clusterer.settings.idleMinutes * 60_000
    );
  }

  private evaluate(at: number): AlertChange[] {
    this.recent = this.recent.filter((m) => m.time >= at - this.longestWindowMs);
    this.newMatter.forget(at);
    if (at - this.prunedAt >= DAY_MS) {
      // Buckets no window or baseline reaches any more, daily.
      this.detector.forgetBefore(at - this.memoryMs, this.tracker.watchedSeries());
      this.prunedAt = at;
    }
    const watched = this.tracker.watchedSeries();
    const keys = [...new Set([...this.touched, ...watched])].sort();
    this.touched = new Set();
    const observations: SeriesObservation[] = [];
    for (const key of keys) {
      const measure = this.measure(key, at, watched.has(key));
      if (!measure) continue;
      const messages =
        measure.level === null
          ? undefined
          : this.recent.filter((m) => m.time >= measure.start && m.time < measure.end && m.series.includes(key));
      observations.push(messages ? { measure, messages } : { measure });
    }
    return this.tracker.observe(at, observations);
  }

  /** A series' strongest measure at `at`; a young topic's (or an alert's topic) also against the messages like its own in past weeks. */
  private measure(key: string, at: number, watched: boolean): SpikeMeasure | undefined {
    const measure = this.detector.measure(key, at);
    const topicId = topicIdOf(key);
    const topic = topicId === undefined ? undefined : this.clusterer.topic(topicId);
    const historyStart = this.detector.historyStart;
    if (!topic || historyStart === undefined) return measure;
    const own = measure && this.newMatter.recheck(topic, measure, historyStart);
    const young = this.newMatter.measure(topic, key, at, {
      historyStart,
      watched,
      count: (from, to) => this.detector.count(key, from, to),
    });
    return young && (!own || stronger(young, own)) ? young : own;
  }
}
