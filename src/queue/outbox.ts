// The write side of the transactional outbox: queue work is recorded in the same
// transaction as the business change, and OutboxRelay hands it to BullMQ later.
import type { Tx } from "../db/transaction.ts";
import type { QueueName } from "./queue-names.ts";

export interface OutboxJob {
  queue: QueueName;
  jobName: string;
  /** The business id (e.g. the ticket id): BullMQ ignores a second job with the same id. */
  jobId: string;
  payload: Record<string, unknown>;
}

export async function addToOutbox(tx: Tx, job: OutboxJob): Promise<void> {
  await tx.outboxEntry.create({
    data: { queue: job.queue, jobName: job.jobName, jobId: job.jobId, payload: job.payload as object },
  });
}
