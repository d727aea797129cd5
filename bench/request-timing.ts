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
