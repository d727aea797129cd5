// Consumes the deadlines queue: each job is one ticket's timer (reminder, breach,
// auto-close). A job that comes too early (the deadline moved) waits again for the
// new time; one that is no longer needed ends quietly.
import { DelayedError, type Worker } from "bullmq";
import type { DeadlineTimers, TimerJob } from "./deadline-timers.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";

export function createDeadlineWorker(deps: WorkerDeps & { timers: DeadlineTimers }): Worker {
  return createQueueWorker<TimerJob, unknown>(
    QueueNames.deadlines,
    deps,
    async (job, token) => {
      const result = await deps.timers.fire(job.data);
      if (result.outcome === "not-due") {
        await job.updateData({ ...job.data, dueAt: result.dueAt.getTime() });
        await job.moveToDelayed(result.dueAt.getTime(), token);
        throw new DelayedError();
      }
      deps.log.debug({ jobId: job.id, result }, "deadline timer done");
      return result;
    },
    4,
  );
}
