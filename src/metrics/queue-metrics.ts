// How many jobs wait, run, wait for their time and have failed, per queue: read from Redis
// at scrape time (one call per queue, all at once). A queue that fills up while its workers
// are busy or gone shows here before citizens notice.
import { Gauge, type Registry } from "prom-client";
import { type SourceReader, sourceReader } from "./source-gauge.ts";

const STATES = ["waiting", "active", "delayed", "failed"] as const;

export interface CountedQueue {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

export function registerQueueDepths(
  registry: Registry,
  queues: ReadonlyMap<string, CountedQueue>,
  timeoutMs: number,
): SourceReader<unknown> {
  const counts = sourceReader(
    "redis",
    () =>
      Promise.all([...queues].map(async ([name, queue]) => ({ name, counts: await queue.getJobCounts(...STATES) }))),
    timeoutMs,
  );
  new Gauge({
    name: "hub_queue_jobs",
    help: "Jobs in each BullMQ queue by state (waiting, active, delayed, failed), read at scrape time",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { name, counts: byState } of (await counts.read()) ?? []) {
        for (const state of STATES) this.set({ queue: name, state }, byState[state] ?? 0);
      }
    },
  });
  return counts;
}
