// Consumes the routing queue: each job hands one ticket to its department.
import type { Worker } from "bullmq";
import { assignTicket } from "../tickets/assign-ticket.ts";
import type { DepartmentRouter } from "../tickets/department-router.ts";
import { QueueNames } from "./queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "./queue-worker.ts";

export function createRoutingWorker(deps: WorkerDeps & { router: () => DepartmentRouter }): Worker {
  return createQueueWorker<{ ticketId: string }, unknown>(
    QueueNames.routing,
    deps,
    async (job) => {
      const result = await assignTicket(deps.prisma, deps.router(), job.data.ticketId);
      deps.log.info({ ticketId: job.data.ticketId, result }, "routing job done");
      return result;
    },
    8,
  );
}
