// Consumes the routing queue: each job hands one ticket to its department. Many jobs run
// at once so that the assigner can route them together (see src/cases/assign-ticket.ts):
// as many as one batch holds.
import type { Worker } from "bullmq";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";

const ROUTING_CONCURRENCY = 100;

export function createRoutingWorker(deps: WorkerDeps & { route(ticketId: string): Promise<unknown> }): Worker {
  return createQueueWorker<{ ticketId: string }, unknown>(
    QueueNames.routing,
    deps,
    async (job) => {
      const result = await deps.route(job.data.ticketId);
      deps.log.debug({ ticketId: job.data.ticketId, result }, "routing job done");
      return result;
    },
    ROUTING_CONCURRENCY,
  );
}
