// Consumes the routing queue: each job hands one ticket to its department. Many jobs run
// at once so that the assigner can route them together (see src/cases/assign-ticket.ts):
// as many as one batch holds. A ticket whose routing fails on every attempt goes to the
// dispatch centre on the last one, on the record, instead of staying submitted unseen.
import type { Worker } from "bullmq";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";

const ROUTING_CONCURRENCY = 100;

/** The note on the record when the dispatch centre gets a ticket routing could not place. */
export const ROUTING_FAILED_NOTE = "自动分派多次失败，转派单中心人工分派";

export function createRoutingWorker(
  deps: WorkerDeps & {
    route(ticketId: string): Promise<unknown>;
    routeToDispatchCentre(ticketId: string, note: string): Promise<unknown>;
  },
): Worker {
  return createQueueWorker<{ ticketId: string }, unknown>(
    QueueNames.routing,
    deps,
    async (job) => {
      const { ticketId } = job.data;
      try {
        const result = await deps.route(ticketId);
        deps.log.debug({ ticketId, result }, "routing job done");
        return result;
      } catch (error) {
        if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
        deps.log.error({ ticketId, err: error, attempts: job.attemptsMade + 1 }, "routing failed on every attempt");
        // If this fails too (the database is down), the job fails; lost-job recovery retries it.
        return deps.routeToDispatchCentre(ticketId, ROUTING_FAILED_NOTE);
      }
    },
    ROUTING_CONCURRENCY,
  );
}
