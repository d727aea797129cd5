// The write side of the transactional outbox: queue work is recorded in the same
// transaction as the business change, and OutboxRelay hands it to BullMQ later.
import { randomUUID } from "node:crypto";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { QueueName } from "./queue-names.ts";

export interface OutboxJob {
  queue: QueueName;
  jobName: string;
  /** The business id (e.g. the ticket id): BullMQ ignores a second job with the same id. */
  jobId: string;
  payload: Record<string, unknown>;
}

export async function addToOutbox(tx: Tx, job: OutboxJob): Promise<void> {
  await tx.$executeRaw(outboxInsert(job));
}

/** The INSERT recording a job, also usable inside a larger statement (a WITH clause). */
export function outboxInsert(job: OutboxJob): Prisma.Sql {
  return Prisma.sql`INSERT INTO "OutboxEntry" ("id", "queue", "jobName", "jobId", "payload")
    VALUES (${randomUUID()}, ${job.queue}, ${job.jobName}, ${job.jobId}, ${JSON.stringify(job.payload)}::jsonb)`;
}
