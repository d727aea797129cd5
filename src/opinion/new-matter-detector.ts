// A new matter (a smell nobody mentioned before, growing over days) shows first as a young
// topic, but a topic has no past of its own to spike against, and its keywords and places
// drown it in their everyday traffic. So a young topic — at most newMatter.buckets old — is
// compared with the messages *like its own* (TopicClusterer.resembles: its words, not merely
// its street) in the same hours of past weeks, and the hours beside them: its count since it
// began against those samples, by the same robust score as every series. A matter the city
// raises every week (bus timetables, a housing-fund question) finds its history in the
// messages of the topics before it and does not fire when it re-forms as a new topic; a matter
// never raised has a history of zeros and fires at the window's minimum count.
// At most maxMessages messages are kept: beyond that the oldest go, and the time before the
// latest one gone counts as unknown history, not as zeros — a baseline reaching into it is
// no baseline, so a young topic is then measured by its own series only, never against a
// history that looks empty.
import type { AlertSettings } from "./alert-settings.ts";
import { robustScore } from "./robust-statistics.ts";
import { type SpikeMeasure, spikeLevel } from "./spike-detector.ts";
import type { Topic, TopicClusterer, TopicPlace } from "./topic-clusterer.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

interface PastMessage {
  time: number;
  terms: readonly string[];
  places: readonly TopicPlace[];
}

export class NewMatterDetector {
  /** Every message still within reach of a baseline sample, in time order. */
  private messages: PastMessage[] = [];
  private readonly bucketMs: number;
  private readonly memoryMs: number;
  /** Per topic and window length: its baseline samples, at the size and hour they were counted for. */
  private readonly cache = new Map<string, { from: number; size: number; samples: number[] | undefined }>();
  /** Messages before this were let go over maxMessages: unknown history. */
  private knownFrom = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: AlertSettings,
    private readonly clusterer: TopicClusterer,
    private readonly maxMessages = Number.POSITIVE_INFINITY,
  ) {
    this.bucketMs = settings.bucketMinutes * 60_000;
    const window = settings.newMatter;
    this.memoryMs = settings.baselineWeeks * WEEK_MS + (window.neighbours + 1) * window.buckets * this.bucketMs;
  }

  record(message: PastMessage): void {
    let at = this.messages.length;
    while (at > 0 && this.messages[at - 1]!.time > message.time) at--;
    this.messages.splice(at, 0, { ...message, terms: this.clusterer.withParts(message.terms) });
    if (this.messages.length > this.maxMessages) {
      // A slice at a time (copying is the cost): down to the cap less a sixty-fourth.
      const gone = this.messages.length - this.maxMessages + Math.floor(this.maxMessages / 64);
      this.knownFrom = Math.max(this.knownFrom, this.messages[gone - 1]!.time + 1);
      this.messages = this.messages.slice(gone);
    }
  }

  /** How many messages are kept. */
  get size(): number {
    return this.messages.length;
  }

  /** Forgets a topic's cached baselines (the topic is no longer kept). */
  dropTopic(id: number): void {
    for (const window of [this.settings.newMatter, ...this.settings.windows])
      this.cache.delete(`${id}/${window.buckets * this.bucketMs}`);
  }

  /** Drops messages no baseline sample can reach any more (a day's worth at a time: copying is the cost). */
  forget(now: number): void {
    const cutoff = now - this.memoryMs;
    if (this.messages.length > 0 && this.messages[0]!.time < cutoff - DAY_MS) {
      this.messages = this.messages.slice(this.firstAtOrAfter(cutoff));
      const oldest = now - this.settings.newMatter.buckets * this.bucketMs - HOUR_MS;
      for (const [id, entry] of this.cache) if (entry.from < oldest) this.cache.delete(id);
    }
  }

  /**
   * A young topic's messages since it began — or, while an alert follows it (`watched`: to see
   * it calm down), in its last followBuckets, young or not — against the messages like its own
   * over the same span of past weeks and the spans beside it. Undefined
   * for an older topic no alert follows, below the minimum count (it cannot spike, so its
   * baseline is not worth counting) or while history is too short.
   */
  measure(
    topic: Topic,
    series: string,
    end: number,
    context: { historyStart: number; watched: boolean; count: (from: number, to: number) => number },
  ): SpikeMeasure | undefined {
    const window = this.settings.newMatter;
    const length = window.buckets * this.bucketMs;
    const born = Math.floor(topic.firstAt / this.bucketMs) * this.bucketMs;
    const young = end - born <= length;
    if (young ? topic.size < window.minCount && !context.watched : !context.watched) return undefined;
    // An alert follows it: its last followBuckets tell whether the alert has calmed down.
    const span = context.watched ? this.settings.followBuckets * this.bucketMs : length;
    const start = Math.max(born, end - span);
    const samples = this.samples(topic, start, span, window.neighbours, context.historyStart);
    if (!samples) return undefined;
    const count = start === born ? topic.size : context.count(start, end);
    const { expected, score } = robustScore(count, samples, this.settings.overdispersion);
    return {
      series,
      window: window.name,
      start,
      end,
      count,
      expected,
      score,
      level: spikeLevel(score, count, expected, window, this.settings),
    };
  }

  /**
   * A topic's own spike (its hour or day window against its own past) measured again against
   * the messages like its own: when a matter's messages move from one topic to a twin (the
   * old one expired, or the words drifted), the twin's rise is no event. Answers the weaker
   * of the two.
   */
  recheck(topic: Topic, measure: SpikeMeasure, historyStart: number): SpikeMeasure {
    const window = this.settings.windows.find((w) => w.name === measure.window);
    if (!window || measure.level === null) return measure;
    const samples = this.samples(topic, measure.start, measure.end - measure.start, window.neighbours, historyStart);
    if (!samples) return measure;
    const { expected, score } = robustScore(measure.count, samples, this.settings.overdispersion);
    if (score >= measure.score) return measure;
    return { ...measure, expected, score, level: spikeLevel(score, measure.count, expected, window, this.settings) };
  }

  /**
   * The baseline samples: messages like the topic's in the window of `length` from `start` in
   * past weeks, and the windows before and after. Counted again only when the topic has grown
   * (its words decide what is alike) or the window has moved on by an hour.
   */
  private samples(
    topic: Topic,
    start: number,
    length: number,
    neighbours: number,
    historyStart: number,
  ): number[] | undefined {
    const from = start - (start % HOUR_MS);
    const key = `${topic.id}/${length}`;
    const known = Math.max(historyStart, this.knownFrom);
    const cached = this.cache.get(key);
    if (cached?.size === topic.size && cached.from === from) return cached.samples;
    const samples: number[] = [];
    let weeks = 0;
    for (let week = 1; week <= this.settings.baselineWeeks; week++) {
      const past = from - week * WEEK_MS;
      if (past - neighbours * length < known) break;
      weeks++;
      for (let shift = -neighbours; shift <= neighbours; shift++)
        samples.push(this.countLike(topic, past + shift * length, past + (shift + 1) * length));
    }
    const result = weeks < this.settings.minBaselineWeeks ? undefined : samples;
    this.cache.set(key, { from, size: topic.size, samples: result });
    return result;
  }

  private countLike(topic: Topic, from: number, to: number): number {
    let count = 0;
    for (let i = this.firstAtOrAfter(from); i < this.messages.length && this.messages[i]!.time < to; i++) {
      const message = this.messages[i]!;
      if (this.clusterer.resembles(message.terms, message.places, topic)) count++;
    }
    return count;
  }

  private firstAtOrAfter(time: number): number {
    let low = 0;
    let high = this.messages.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.messages[mid]!.time < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
