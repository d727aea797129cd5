// What every queue consumer shares: its own Redis connection (closed with it),
// the hub's key prefix, and logging of failures.
import { type Job, Worker } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { QueueName } from "./queue-names.ts";
import { connectRedis } from "./redis-connection.ts";
import { RedisOutage } from "./redis-outage.ts";

export interface WorkerDeps {
  redisUrl: string;
  prefix: string;
  prisma: PrismaClient;
  log: Logger;
  /** How long a job stays locked to its worker; a crashed worker's jobs are taken over after it. */
  lockDurationMs?: number;
  /** The process's Redis outage log (one warning per outage); absent: this worker keeps its own. */
  outage?: RedisOutage;
}

export function createQueueWorker<Data, Result>(
  queue: QueueName,
  deps: WorkerDeps,
  processor: (job: Job<Data>, token?: string) => Promise<Result>,
  concurrency: number,
): Worker<Data, Result> {
  const connection = connectRedis(deps.redisUrl, "worker");
  const outage = deps.outage ?? new RedisOutage(deps.log);
  // Watched before BullMQ's own listeners, so the outage is known before the worker's error event.
  outage.watch(`${queue} worker`, connection);
  const lock = deps.lockDurationMs ? { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs } : {};
  const worker = new Worker<Data, Result>(queue, processor, { connection, prefix: deps.prefix, concurrency, ...lock });
  worker.on("failed", (job, error) =>
    deps.log.warn({ queue, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error }, "job failed"),
  );
  // A lost connection repeats this every reconnect attempt: the outage log says it once.
  worker.on("error", (error) => outage.noted(`${queue} worker`, error, "worker error"));
  // BullMQ does not close a connection it was handed.
  worker.on("closed", () => void connection.quit().catch(() => connection.disconnect()));
  return worker;
}
