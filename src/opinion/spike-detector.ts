// Spike detection (预警) on one series of message counts — a topic, keyword, place, domain or
// negative sentiment: the count in a rolling window against the same window of the week in
// past weeks (seasonal: Monday 9:00 is compared with past Mondays 9:00, so the ordinary
// Monday-morning peak is expected), by median and MAD. The score is
//   (count − median) / max(1.4826 · MAD, √(max(median, 1) + (overdispersion · median)²))
// — a robust z-score whose spread never falls below Poisson noise plus ordinary day-to-day
// variation, so a series that was always 0 or always 3 (MAD 0) does not score infinity for
// one message more, and a busy day does not look like an event in a large series. A spike needs
// the level's score, the window's minimum count and minRatio × the expected count.
// Pure and deterministic: counts in, measures out; the AlertTracker turns them into alerts.
// The series of one kind can be bounded by count (limit: the keyword series, one per word of
// real text): over the cap the rarest go first — by bands of their messages kept (1, 2, 3–4 …),
// within a band the longest quiet — never an open alert's (limit.keep). One that comes back
// starts from zero; with at most 5 messages kept, every baseline sample's median and MAD were
// 0 anyway (12 samples), so it measures as before, but for its messages in the current window.
import { type AlertLevel, type AlertSettings, type SpikeWindow, resolveAlertSettings } from "./alert-settings.ts";
import { BucketCounts } from "./bucket-counts.ts";
import { robustScore } from "./robust-statistics.ts";

const MINUTE_MS = 60_000;
const WEEK_MINUTES = 7 * 24 * 60;

/** A bound on the series whose names begin with `prefix`. */
export interface SeriesLimit {
  prefix: string;
  max: number;
  /** The series never let go (an open alert's). */
  keep: () => ReadonlySet<string>;
}

/** One series measured over one window ending at a bucket boundary. */
export interface SpikeMeasure {
  series: string;
  window: string;
  /** The window in epoch milliseconds, [start, end). */
  start: number;
  end: number;
  count: number;
  /** The seasonal baseline's median: what this window usually holds. */
  expected: number;
  score: number;
  /** The level reached, or null: no spike. */
  level: AlertLevel | null;
}

export class SpikeDetector {
  readonly settings: AlertSettings;
  private readonly bucketMs: number;
  private readonly weekBuckets: number;
  private readonly series = new Map<string, BucketCounts>();
  /** The first bucket the detector has seen messages for: history before it is unknown, not zero. */
  private firstBucket: number | undefined;
  /** Series that began later than the detector (a topic born today): their history before that is unknown too. */
  private readonly seriesStart = new Map<string, number>();
  private readonly limit: SeriesLimit | undefined;
  /** How many series limit.prefix names. */
  private limited = 0;

  constructor(settings: Partial<AlertSettings> = {}, options: { startedAt?: number; limit?: SeriesLimit } = {}) {
    this.settings = resolveAlertSettings(settings);
    this.limit = options.limit;
    this.bucketMs = this.settings.bucketMinutes * MINUTE_MS;
    this.weekBuckets = WEEK_MINUTES / this.settings.bucketMinutes;
    if (options.startedAt !== undefined) this.firstBucket = this.bucketOf(options.startedAt);
  }

  /** Where known history begins (the first bucket seen, or startedAt), in epoch milliseconds. */
  get historyStart(): number | undefined {
    return this.firstBucket === undefined ? undefined : this.firstBucket * this.bucketMs;
  }

  bucketOf(time: number): number {
    return Math.floor(time / this.bucketMs);
  }

  /** The bucket boundary at or after `time`: detection runs there. */
  boundaryAfter(time: number): number {
    return Math.ceil(time / this.bucketMs) * this.bucketMs;
  }

  /**
   * Declares that a series did not exist before `time` (a new topic): its zeros before then
   * are no baseline, so it alerts only once it has minBaselineWeeks of its own history.
   */
  startSeries(series: string, time: number): void {
    if (!this.seriesStart.has(series)) this.seriesStart.set(series, this.bucketOf(time));
  }

  record(series: string, time: number, count = 1): void {
    const bucket = this.bucketOf(time);
    if (this.firstBucket === undefined || bucket < this.firstBucket) this.firstBucket = bucket;
    const counts = this.series.get(series) ?? this.create(series);
    counts.add(bucket, count);
    if (this.limit && this.limited > this.limit.max) this.evict(this.limit);
  }

  private isLimited(series: string): boolean {
    return this.limit !== undefined && series.startsWith(this.limit.prefix);
  }

  private create(series: string): BucketCounts {
    const counts = new BucketCounts();
    this.series.set(series, counts);
    if (this.isLimited(series)) this.limited++;
    return counts;
  }

  private delete(series: string): void {
    if (this.series.delete(series) && this.isLimited(series)) this.limited--;
  }

  /** Over the limit: down to it less a sixty-fourth, a slice at a time (each time walks the series once). */
  private evict(limit: SeriesLimit): void {
    const keep = limit.keep();
    let excess = this.limited - limit.max + Math.floor(limit.max / 64);
    // Band i holds the series with (2^(i-1), 2^i] messages kept (none: band 0).
    const bands: { series: string; last: number }[][] = [];
    for (const [series, counts] of this.series)
      if (this.isLimited(series) && !keep.has(series))
        (bands[Math.max(0, Math.ceil(Math.log2(counts.total)))] ??= []).push({ series, last: counts.last });
    for (const band of bands) {
      if (excess <= 0) break;
      if (!band) continue;
      const gone = band.length <= excess ? band : band.sort((a, b) => a.last - b.last).slice(0, excess);
      for (const { series } of gone) this.delete(series);
      excess -= gone.length;
    }
  }

  /**
   * Forgets the buckets before `time` (no window or baseline sample reaches them any more) and
   * the series left with none, but those in `keep` (an open alert's).
   */
  forgetBefore(time: number, keep: ReadonlySet<string>): void {
    const bucket = this.bucketOf(time);
    for (const [series, counts] of this.series) {
      counts.dropBefore(bucket);
      if (counts.size === 0 && !keep.has(series)) this.delete(series);
    }
  }

  /** Adds one series' counts to another's (a merged topic's messages count in its twin's series). */
  addCounts(from: string, into: string): void {
    const counts = this.series.get(from);
    if (!counts) return;
    const target = this.series.get(into) ?? this.create(into);
    for (const [bucket, count] of counts.entries()) target.add(bucket, count);
  }

  /** Forgets a series altogether (a topic no longer kept), its start too. */
  dropSeries(series: string): void {
    this.delete(series);
    this.seriesStart.delete(series);
  }

  /** How many series, and buckets over all of them, are kept; how many of them limit.prefix names. */
  get retained(): { series: number; buckets: number; limited: number } {
    let buckets = 0;
    for (const counts of this.series.values()) buckets += counts.size;
    return { series: this.series.size, buckets, limited: this.limited };
  }

  /** A series' messages in [from, to) (epoch milliseconds, on bucket boundaries). */
  count(series: string, from: number, to: number): number {
    return this.series.get(series)?.count(this.bucketOf(from), this.bucketOf(to)) ?? 0;
  }

  /**
   * The series' strongest measure over the configured windows ending at `end` (a bucket
   * boundary): the highest level, then the highest score. Undefined while no window has
   * minBaselineWeeks of history.
   */
  measure(series: string, end: number): SpikeMeasure | undefined {
    const counts = this.series.get(series) ?? new BucketCounts();
    let best: SpikeMeasure | undefined;
    for (const window of this.settings.windows) {
      const measure = this.measureWindow(series, counts, window, end);
      if (measure && (!best || stronger(measure, best))) best = measure;
    }
    return best;
  }

  private measureWindow(
    series: string,
    counts: BucketCounts,
    window: SpikeWindow,
    end: number,
  ): SpikeMeasure | undefined {
    const endBucket = this.bucketOf(end);
    const first = Math.max(this.firstBucket ?? endBucket, this.seriesStart.get(series) ?? Number.NEGATIVE_INFINITY);
    const samples: number[] = [];
    let weeks = 0;
    for (let week = 1; week <= this.settings.baselineWeeks; week++) {
      const centre = endBucket - week * this.weekBuckets;
      // A week counts only when all its samples lie inside the known history.
      if (centre - (window.neighbours + 1) * window.buckets < first) break;
      weeks++;
      for (let shift = -window.neighbours; shift <= window.neighbours; shift++) {
        const sampleEnd = centre + shift * window.buckets;
        samples.push(counts.count(sampleEnd - window.buckets, sampleEnd));
      }
    }
    if (weeks < this.settings.minBaselineWeeks) return undefined;
    const count = counts.count(endBucket - window.buckets, endBucket);
    const { expected, score } = robustScore(count, samples, this.settings.overdispersion);
    return {
      series,
      window: window.name,
      start: (endBucket - window.buckets) * this.bucketMs,
      end: endBucket * this.bucketMs,
      count,
      expected,
      score,
      level: spikeLevel(score, count, expected, window, this.settings),
    };
  }
}

/** The level a window's count reaches: none below the window's minimum count or minRatio × expected. */
export function spikeLevel(
  score: number,
  count: number,
  expected: number,
  window: SpikeWindow,
  settings: AlertSettings,
): AlertLevel | null {
  if (count < window.minCount || count < settings.minRatio * expected) return null;
  let level: AlertLevel | null = null;
  for (const threshold of settings.levels) if (score >= threshold.score) level = threshold.level;
  return level;
}

/** The rank of a level for comparisons; -1 for none. */
export function levelRank(level: AlertLevel | null, settings: AlertSettings): number {
  return level === null ? -1 : settings.levels.findIndex((threshold) => threshold.level === level);
}

/** Whether measure a outranks b: a spike over none, then the higher score. */
export function stronger(a: SpikeMeasure, b: SpikeMeasure): boolean {
  if ((a.level === null) !== (b.level === null)) return a.level !== null;
  return a.score > b.score;
}
