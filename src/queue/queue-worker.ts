// What every queue consumer shares: its own Redis connection (closed with it),
// the hub's key prefix, and logging of failures.
import { type Job, Worker } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { QueueName } from "./queue-names.ts";
import { connectRedis } from "./redis-connection.ts";

export interface WorkerDeps {
  redisUrl: string;
  prefix: string;
  prisma: PrismaClient;
  log: Logger;
  /** How long a job stays locked to its worker; a crashed worker's jobs are taken over after it. */
  lockDurationMs?: number;
}

export function createQueueWorker<Data, Result>(
  queue: QueueName,
  deps: WorkerDeps,
  processor: (job: Job<Data>, token?: string) => Promise<Result>,
  concurrency: number,
): Worker<Data, Result> {
  const connection = connectRedis(deps.redisUrl, "worker");
  const lock = deps.lockDurationMs ? { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs } : {};
  const worker = new Worker<Data, Result>(queue, processor, { connection, prefix: deps.prefix, concurrency, ...lock });
  worker.on("failed", (job, error) =>
    deps.log.warn({ queue, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error }, "job failed"),
  );
  worker.on("error", (error) => deps.log.warn({ queue, err: error }, "worker error"));
  // BullMQ does not close a connection it was handed.
  worker.on("closed", () => void connection.quit().catch(() => connection.disconnect()));
  return worker;
}
