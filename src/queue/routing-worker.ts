// Consumes the routing queue: each job hands one ticket to its department.
import { Worker } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { assignTicket } from "../tickets/assign-ticket.ts";
import type { DepartmentRouter } from "../tickets/department-router.ts";
import { QueueNames } from "./queue-names.ts";
import { connectRedis } from "./redis-connection.ts";

export interface WorkerDeps {
  redisUrl: string;
  prefix: string;
  prisma: PrismaClient;
  log: Logger;
}

export function createRoutingWorker(deps: WorkerDeps & { router: () => DepartmentRouter }): Worker {
  const connection = connectRedis(deps.redisUrl, "worker");
  const worker = new Worker<{ ticketId: string }>(
    QueueNames.routing,
    async (job) => {
      const result = await assignTicket(deps.prisma, deps.router(), job.data.ticketId);
      deps.log.info({ ticketId: job.data.ticketId, result }, "routing job done");
      return result;
    },
    { connection, prefix: deps.prefix, concurrency: 8 },
  );
  worker.on("failed", (job, error) => deps.log.error({ jobId: job?.id, err: error }, "routing job failed"));
  worker.on("error", (error) => deps.log.warn({ err: error }, "routing worker error"));
  // BullMQ does not close a connection it was handed.
  worker.on("closed", () => void connection.quit().catch(() => connection.disconnect()));
  return worker;
}
