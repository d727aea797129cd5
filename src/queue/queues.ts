// The producer side of every queue, created once per process.
import { type DefaultJobOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { ALL_QUEUES, type QueueName } from "./queue-names.ts";

const DAY_SECONDS = 24 * 3600;

/** Per-queue overrides of the default job options (attempts, backoff …). */
export type QueueJobOptions = Partial<Record<QueueName, DefaultJobOptions>>;

export function createQueues(
  connection: Redis,
  prefix: string,
  log: Logger,
  jobOptions: QueueJobOptions = {},
): Map<QueueName, Queue> {
  return new Map(
    ALL_QUEUES.map((name) => {
      const queue = new Queue(name, {
        connection,
        prefix,
        defaultJobOptions: {
          attempts: 8,
          backoff: { type: "exponential", delay: 1_000 },
          // Keep finished jobs long enough that a late duplicate of the same jobId is still ignored.
          removeOnComplete: { age: 7 * DAY_SECONDS },
          removeOnFail: { age: 30 * DAY_SECONDS },
          ...jobOptions[name],
        },
      });
      // Connection errors are expected while Redis is down; readiness and the relay report them.
      queue.on("error", (error) => log.debug({ err: error, queue: name }, "queue connection error"));
      return [name, queue];
    }),
  );
}

export async function closeQueues(queues: Map<QueueName, Queue>): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
}
