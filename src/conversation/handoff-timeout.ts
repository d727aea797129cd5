// The pick-up timeout of a citizen waiting for an agent (人工): when the wait starts, a
// delayed job is added to the handoff-timeouts queue (jobId = the hand-off's id, so one
// per wait); when it runs, the wait becomes a 留言 only if nobody picked it up meanwhile
// (HandoffDesk.expire: idempotent, the notice has a dedupe key). Best effort: with Redis
// down no timeout is scheduled, and the wait stays in the workbench until picked up.
import type { Queue, Worker } from "bullmq";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";
import type { HandoffDesk, HandoffTimeoutJob } from "./handoff-desk.ts";

/** Schedules the timeout of a wait that just started; never waits on the worker. */
export async function scheduleHandoffTimeout(queue: Queue, job: HandoffTimeoutJob, delayMs: number): Promise<void> {
  // The queue's default attempts (8, backing off to minutes): an expiry that fails under load
  // (a transaction that cannot start in time) is retried, not left failed while the citizen waits.
  await queue.add("expire", job, { jobId: job.handoffId, delay: delayMs });
}

export function createHandoffTimeoutWorker(deps: WorkerDeps & { desk: Pick<HandoffDesk, "expire"> }): Worker {
  return createQueueWorker<HandoffTimeoutJob, boolean>(
    QueueNames.handoffTimeouts,
    deps,
    (job) => deps.desk.expire(job.data),
    2,
  );
}
