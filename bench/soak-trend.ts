// Whether a figure sampled over a soak trends upward: the first fifth is warm-up (pools,
// JIT, caches filling) and is left out; the rest is compared early against late and fitted
// with a least-squares line, so one slow sample neither hides nor fakes a trend.
/** One sampling interval of a soak. */
export interface Sample {
  minute: number;
  webRssMb: number;
  workerRssMb: number;
  webLoopP99Ms: number;
  workerLoopP99Ms: number;
  /** V8 heap in use when scraped (not after a collection): RSS that grows while this does not is the allocator's, not a leak. */
  webHeapMb: number;
  workerHeapMb: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests the generator could not start because IN_FLIGHT_CAP were still unanswered. */
  behind: number;
  /** The machine's 1-minute load average: other work on the same cores shows here. */
  load: number;
}

export interface Trend {
  /** Median of the second fifth of the samples. */
  early: number;
  /** Median of the last fifth. */
  late: number;
  /** Least-squares slope over all but the first fifth, per 10 minutes. */
  slopePerTenMinutes: number;
  /** Late exceeds early by more than 10%, and the fitted line rises. */
  upward: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** points: [minute, value]. */
export function trendOf(points: [number, number][]): Trend {
  const fifth = Math.max(1, Math.floor(points.length / 5));
  const steady = points.slice(fifth);
  const early = median(points.slice(fifth, 2 * fifth).map(([, y]) => y));
  const late = median(points.slice(-fifth).map(([, y]) => y));
  const meanX = steady.reduce((s, [x]) => s + x, 0) / steady.length;
  const meanY = steady.reduce((s, [, y]) => s + y, 0) / steady.length;
  const sxx = steady.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  const slope = sxx ? steady.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0) / sxx : 0;
  return { early, late, slopePerTenMinutes: slope * 10, upward: late > early * 1.1 && slope > 0 };
}

export function summarize(samples: Sample[]): { requests: number; errors: number; behind: number; p99Ms: number } {
  const p99s = samples.map((s) => s.p99Ms).sort((a, b) => a - b);
  return {
    requests: samples.reduce((n, s) => n + s.requests, 0),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    behind: samples.reduce((n, s) => n + s.behind, 0),
    p99Ms: p99s[Math.min(p99s.length - 1, Math.floor(p99s.length * 0.99))] ?? 0,
  };
}
