// The settings of spike detection and alerting, with their defaults: bucket size, seasonal
// baseline depth, the windows a spike is measured over, the minimum count, the alert levels
// (关注 / 预警 / 严重) and when an alert counts as calmed down. Configuration, not code: a
// deployment passes overrides (resolveAlertSettings) and gets them validated.

export const ALERT_LEVELS = ["关注", "预警", "严重"] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** A rolling window a series' count is measured over, against the same window in past weeks. */
export interface SpikeWindow {
  /** For reports: "hour", "day". */
  name: string;
  /** Its length in buckets. */
  buckets: number;
  /**
   * Past windows beside the same one of the week also sampled, on each side, shifted by
   * the window's own length: 1 on an hour window adds the hours before and after — three
   * times the samples for the median, without mixing weekdays.
   */
  neighbours: number;
  /** Fewer messages than this in the window never alert, however unusual (a quiet series' 3 against 0). */
  minCount: number;
}

export interface AlertLevelThreshold {
  level: AlertLevel;
  /** The robust score from which a spike reaches this level. */
  score: number;
}

export interface AlertSettings {
  /** Bucket length in minutes; detection runs at every bucket's end (10: within 10 minutes). */
  bucketMinutes: number;
  /** How many past weeks form the seasonal baseline. */
  baselineWeeks: number;
  /** With fewer weeks of history than this, nothing alerts (the baseline would be guesswork). */
  minBaselineWeeks: number;
  windows: SpikeWindow[];
  /**
   * A young topic — at most `buckets` old — against the messages like its own in the same hours
   * of past weeks (new-matter-detector.ts): a matter nobody raised before fires at minCount
   * messages since it began, before any window of its keywords or places would.
   */
  newMatter: SpikeWindow;
  /**
   * A topic an alert follows is measured over its last `followBuckets` (since it began, if
   * younger) against the messages like its own in the same spans of past weeks: whether the
   * alert has calmed down. At most newMatter.buckets. A day: with the new-matter window (48 h)
   * an alert with a young topic stayed open 52–62 h after its event's last message on the
   * tuning seeds, with a day 29–50 h, detection and alerts otherwise the same (docs/opinion.md).
   */
  followBuckets: number;
  /**
   * Day-to-day variation beyond Poisson noise, as a share of the expected count: the spread
   * never falls below √(expected + (overdispersion · expected)²), so a busy day, when every
   * series runs a quarter or half above its usual level, scores low in a large series.
   */
  overdispersion: number;
  /** The count must also be at least this multiple of the expected count: a busy day is not an event. */
  minRatio: number;
  /** Ascending by score. */
  levels: AlertLevelThreshold[];
  /** An open alert's series is still hot while its score is at least this. */
  calmScore: number;
  /** An alert closes when none of its series has been hot for this long. */
  calmMinutes: number;
  /** A new spike whose window messages are at least this share of an open alert's joins that alert (one event, one alert). */
  mergeOverlap: number;
}

export const DEFAULT_ALERT_SETTINGS: Readonly<AlertSettings> = Object.freeze<AlertSettings>({
  bucketMinutes: 10,
  baselineWeeks: 4,
  minBaselineWeeks: 2,
  windows: [
    { name: "hour", buckets: 6, neighbours: 1, minCount: 10 },
    { name: "day", buckets: 144, neighbours: 1, minCount: 15 },
  ],
  newMatter: { name: "new", buckets: 288, neighbours: 1, minCount: 8 },
  followBuckets: 144,
  overdispersion: 0.25,
  minRatio: 2,
  levels: [
    { level: "关注", score: 8 },
    { level: "预警", score: 12 },
    { level: "严重", score: 20 },
  ],
  calmScore: 2,
  calmMinutes: 360,
  mergeOverlap: 0.5,
});

/** The defaults with a deployment's overrides; throws naming every wrong setting. */
export function resolveAlertSettings(overrides: Partial<AlertSettings> = {}): AlertSettings {
  const settings: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, ...overrides };
  const problems: string[] = [];
  const positive = (name: string, value: number) => {
    if (!(Number.isFinite(value) && value > 0)) problems.push(`${name} must be a positive number`);
  };
  positive("bucketMinutes", settings.bucketMinutes);
  if ((7 * 24 * 60) % settings.bucketMinutes !== 0) problems.push("bucketMinutes must divide a week");
  if (!Number.isInteger(settings.baselineWeeks) || settings.baselineWeeks < 1)
    problems.push("baselineWeeks must be ≥ 1");
  if (settings.minBaselineWeeks < 1 || settings.minBaselineWeeks > settings.baselineWeeks)
    problems.push("minBaselineWeeks must be between 1 and baselineWeeks");
  if (settings.windows.length === 0) problems.push("windows must not be empty");
  for (const window of [...settings.windows, settings.newMatter]) {
    if (!Number.isInteger(window.buckets) || window.buckets < 1)
      problems.push(`window ${window.name}: buckets must be ≥ 1`);
    if (!Number.isInteger(window.neighbours) || window.neighbours < 0)
      problems.push(`window ${window.name}: neighbours must be ≥ 0`);
    positive(`window ${window.name}: minCount`, window.minCount);
  }
  if (
    !Number.isInteger(settings.followBuckets) ||
    settings.followBuckets < 1 ||
    settings.followBuckets > settings.newMatter.buckets
  )
    problems.push("followBuckets must be between 1 and newMatter.buckets");
  positive("minRatio", settings.minRatio);
  if (!(settings.overdispersion >= 0)) problems.push("overdispersion must be ≥ 0");
  const levels = settings.levels.map((l) => l.level);
  if (levels.length === 0 || new Set(levels).size !== levels.length)
    problems.push("levels must be distinct and not empty");
  for (const [i, threshold] of settings.levels.entries()) {
    positive(`levels ${threshold.level}: score`, threshold.score);
    if (i > 0 && threshold.score <= settings.levels[i - 1]!.score) problems.push("levels must ascend by score");
  }
  if (settings.calmScore >= (settings.levels[0]?.score ?? 0)) problems.push("calmScore must be below the lowest level");
  positive("calmMinutes", settings.calmMinutes);
  if (!(settings.mergeOverlap > 0 && settings.mergeOverlap <= 1)) problems.push("mergeOverlap must be in (0, 1]");
  if (problems.length > 0) throw new Error(`alert settings: ${problems.join("; ")}`);
  return settings;
}
