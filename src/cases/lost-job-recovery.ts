// Puts back the queue jobs Redis lost with its data. The database says what is still to
// do — a ticket still waiting to be routed, a notice still pending — and each such row
// gets its job again under the same business id. BullMQ ignores an add whose jobId it
// still holds, so jobs that were not lost are left alone. Only rows older than a grace
// period are looked at: younger ones are the outbox relay's to add. A job that failed
// every attempt while its row is still to do is retried.
import type { Queue } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import { TICKET_SUBMITTED } from "./open-ticket.ts";
import { QueueNames, type QueueName } from "../queue/queue-names.ts";

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
  /** Rows read per query. */
  pageSize?: number;
}): Promise<LostJobs> {
  const { prisma, queues } = deps;
  const take = deps.pageSize ?? PAGE;
  const before = new Date((deps.now ?? new Date()).getTime() - deps.graceMs);
  // Page by id through every such row: a backlog of notices being retried must not hide
  // a lost one behind the first page.
  const routing = await requeueAll(queues.get(QueueNames.routing), "route-ticket", take, (after) =>
    prisma.ticket
      .findMany({
        where: { status: TICKET_SUBMITTED, createdAt: { lt: before }, id: { gt: after } },
        select: { id: true },
        orderBy: { id: "asc" },
        take,
      })
      .then((rows) => rows.map((t) => [t.id, { ticketId: t.id }] as const)),
  );
  const outbound = await requeueAll(queues.get(QueueNames.outbound), "deliver", take, (after) =>
    prisma.delivery
      .findMany({
        where: { status: "pending", createdAt: { lt: before }, id: { gt: after } },
        select: { id: true },
        orderBy: { id: "asc" },
        take,
      })
      .then((rows) => rows.map((d) => [d.id, { deliveryId: d.id }] as const)),
  );
  return { routing, outbound };
}

/** Adds the jobs the queue no longer has, page after page; returns how many that was. */
async function requeueAll(
  queue: Queue | undefined,
  jobName: string,
  pageSize: number,
  page: (afterId: string) => Promise<(readonly [string, object])[]>,
): Promise<number> {
  if (!queue) return 0;
  let added = 0;
  for (let after = ""; ; ) {
    const jobs = await page(after);
    for (const [jobId, data] of jobs) {
      const job = await queue.getJob(jobId);
      if (job) {
        // Failed on every attempt (e.g. the database was down throughout), yet the row is
        // still to do: try again. A waiting, delayed or active job is left alone.
        if (await job.isFailed()) {
          await job.retry("failed");
          added++;
        }
        continue;
      }
      await queue.add(jobName, data, { jobId });
      added++;
    }
    if (jobs.length < pageSize) return added;
    after = jobs[jobs.length - 1]![0];
  }
}
