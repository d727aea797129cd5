// Runs the retention policy on a schedule: a BullMQ job scheduler adds one job per
// RETENTION_CRON tick (however many worker processes there are), and a run is safe to
// repeat or overlap (src/cases/retention.ts re-checks each row under a lock).
import type { Queue, Worker } from "bullmq";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";
import { purgeExpired, type RetentionPolicy } from "./retention.ts";

const SCHEDULER_ID = "retention";

export interface RetentionSchedule extends RetentionPolicy {
  /** Cron pattern; undefined: only `npm run privacy -- purge` runs the policy. */
  cron: string | undefined;
  timeZone: string;
}

export async function scheduleRetention(queue: Queue, schedule: RetentionSchedule): Promise<void> {
  if (schedule.cron === undefined) {
    await queue.removeJobScheduler(SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { pattern: schedule.cron, tz: schedule.timeZone },
    { name: "purge", opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 } } },
  );
}

export function createRetentionWorker(deps: WorkerDeps & { policy: RetentionPolicy }): Worker {
  return createQueueWorker(
    QueueNames.retention,
    deps,
    async () => {
      const report = await purgeExpired(deps.prisma, deps.policy);
      deps.log.info({ report }, "retention: personal data past the policy erased");
      return report;
    },
    1,
  );
}
