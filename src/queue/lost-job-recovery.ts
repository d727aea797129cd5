// Puts back the queue jobs Redis lost with its data. The database says what is still to
// do — a ticket still waiting to be routed, a notice still pending — and each such row
// gets its job again under the same business id. BullMQ ignores an add whose jobId it
// still holds, so jobs that were not lost are left alone. Only rows older than a grace
// period are looked at: younger ones are the outbox relay's to add.
import type { Queue } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import { TICKET_SUBMITTED } from "../tickets/open-ticket.ts";
import { QueueNames, type QueueName } from "./queue-names.ts";

const PAGE = 500;

export interface LostJobs {
  routing: number;
  outbound: number;
}

export async function recoverLostJobs(deps: {
  prisma: PrismaClient;
  queues: ReadonlyMap<QueueName, Queue>;
  /** Rows written less than this long ago are left to the outbox relay. */
  graceMs: number;
  now?: Date;
}): Promise<LostJobs> {
  const before = new Date((deps.now ?? new Date()).getTime() - deps.graceMs);
  const waiting = await deps.prisma.ticket.findMany({
    where: { status: TICKET_SUBMITTED, createdAt: { lt: before } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: PAGE,
  });
  const pending = await deps.prisma.delivery.findMany({
    where: { status: "pending", createdAt: { lt: before } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: PAGE,
  });
  return {
    routing: await requeue(deps.queues, QueueNames.routing, "route-ticket", waiting.map((t) => [t.id, { ticketId: t.id }])),
    outbound: await requeue(deps.queues, QueueNames.outbound, "deliver", pending.map((d) => [d.id, { deliveryId: d.id }])),
  };
}

/** Adds the jobs the queue no longer has; returns how many that was. */
async function requeue(queues: ReadonlyMap<QueueName, Queue>, name: QueueName, jobName: string, jobs: [string, object][]): Promise<number> {
  const queue = queues.get(name);
  if (!queue) return 0;
  let added = 0;
  for (const [jobId, data] of jobs) {
    if (await queue.getJob(jobId)) continue;
    await queue.add(jobName, data, { jobId });
    added++;
  }
  return added;
}
