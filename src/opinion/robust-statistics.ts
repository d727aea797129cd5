// Median and MAD: the baseline statistics of spike detection. Robust on purpose — one past
// week that held an event of its own moves neither, where a mean and a standard deviation
// would both be dragged up and hide the next event.

/** The median of the values (0 for none); the input is not reordered. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Scales a MAD to a standard deviation's size for normally distributed data. */
export const MAD_TO_SD = 1.4826;

/** The median absolute deviation from the median (unscaled). */
export function medianAbsoluteDeviation(values: readonly number[], centre = median(values)): number {
  return median(values.map((value) => Math.abs(value - centre)));
}

/**
 * A count against its baseline samples: the median is what the window usually holds, and the
 * score is a robust z-score whose spread never falls below Poisson noise plus ordinary
 * day-to-day variation — √(max(expected, 1) + (overdispersion · expected)²) — so a series that
 * was always 0 or always 3 (MAD 0) does not score infinity for one message more.
 */
export function robustScore(
  count: number,
  samples: readonly number[],
  overdispersion: number,
): { expected: number; score: number } {
  const expected = median(samples);
  const floor = Math.sqrt(Math.max(expected, 1) + (overdispersion * expected) ** 2);
  const spread = Math.max(MAD_TO_SD * medianAbsoluteDeviation(samples, expected), floor);
  return { expected, score: (count - expected) / spread };
}
