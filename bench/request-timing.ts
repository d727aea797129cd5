// Times one request at a time in this process: warm-up runs, then the median and p95 of the
// timed runs, in milliseconds. Shared by the benchmarks that time routes through app.inject.

export interface Timing {
  median: number;
  p95: number;
}

function stats(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

export async function timeRuns(run: () => Promise<unknown>, runs: number, warmUp: number): Promise<Timing> {
  for (let i = 0; i < warmUp; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return stats(samples);
}

/**
 * Prints the rows' median and p95, and the slowest p95 of the rows after the first two (the
 * floor's: a health check and a bare query) against the target.
 */
export function printTimings(
  rows: readonly (readonly [string, Timing])[],
  figures: { runs: number; warmUp: number; what: string; targetMs: number },
): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`Server time per request (app.inject), ${figures.runs} runs after ${figures.warmUp} warm-up:\n`);
  console.log(`${"".padEnd(width)}   median      p95`);
  for (const [label, s] of rows)
    console.log(`${label.padEnd(width)} ${s.median.toFixed(1).padStart(8)} ms ${s.p95.toFixed(1).padStart(6)} ms`);
  const worst = Math.max(...rows.slice(2).map(([, s]) => s.p95));
  const met = worst < figures.targetMs ? "met" : "NOT MET";
  console.log(`\nslowest ${figures.what} p95: ${worst.toFixed(1)} ms   (target < ${figures.targetMs} ms: ${met})`);
}
