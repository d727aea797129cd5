// The opinion-analysis job: one per statement that records citizen messages with words (a
// batch under load, one message when quiet), naming them all; jobId = the smallest of their
// Message ids, so a batch is queued once however often its outbox row is relayed. One job per
// message cost the chat API a third of its throughput (BullMQ's per-job round trips in Redis).
// Written through the transactional outbox by the statement that records the messages
// (src/conversation/message-log.ts).
import { randomUUID } from "node:crypto";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { QueueNames } from "../queue/queue-names.ts";

export const OPINION_JOB_NAME = "analyse-message";

export interface OpinionJobData {
  /** Citizen messages (Message ids). */
  messageIds?: string[];
  /** A rating's comment (好差评): the ticket and when it was rated (a reopened case is rated again). */
  rating?: RatedTicket;
}

export interface RatedTicket {
  ticketId: string;
  /** ISO 8601. */
  ratedAt: string;
}

/**
 * A WITH-clause entry that writes one opinion-analysis job for the messages of a CTE named
 * "opinion_messages" with the columns "jobRowId" (a fresh id per message) and "messageId".
 * The caller defines opinion_messages before it, holding only messages just inserted and worth analysing (hasWords).
 */
export const INSERT_OPINION_JOBS = Prisma.sql`opinion_jobs AS (
    INSERT INTO "OutboxEntry" ("id", "queue", "jobName", "jobId", "payload")
    SELECT min(o."jobRowId"), ${QueueNames.opinionAnalysis}, ${OPINION_JOB_NAME}, min(o."messageId"),
      jsonb_build_object('messageIds', jsonb_agg(o."messageId" ORDER BY o."messageId"))
    FROM opinion_messages o HAVING count(*) > 0
  )`;

/** A rating's opinion-analysis job: "rating:<ticket>:<time in ms>", once per rating. */
export function ratingJobId(rated: RatedTicket): string {
  return `rating:${rated.ticketId}:${Date.parse(rated.ratedAt)}`;
}

/** A rating's analysed row: "<ticket>@<ratedAt, ISO 8601 UTC>" (sourceKind "rating"). */
export function ratingSourceId(rated: RatedTicket): string {
  return `${rated.ticketId}@${new Date(rated.ratedAt).toISOString()}`;
}

/**
 * In the transaction that records a rating with a comment: its opinion-analysis job, once
 * per rating (ratingJobId; the outbox's (queue, jobId) is unique).
 */
export async function queueRatingAnalysis(tx: Tx, rated: RatedTicket): Promise<void> {
  const jobId = ratingJobId(rated);
  await tx.$executeRaw`
    INSERT INTO "OutboxEntry" ("id", "queue", "jobName", "jobId", "payload")
    VALUES (${randomUUID()}, ${QueueNames.opinionAnalysis}, ${OPINION_JOB_NAME}, ${jobId},
      ${JSON.stringify({ rating: rated } satisfies OpinionJobData)}::jsonb)
    ON CONFLICT ("queue", "jobId") DO NOTHING`;
}

/** In the transaction that records messages outside the chat path (Open311): their opinion-analysis job. */
export async function queueMessageAnalysis(tx: Tx, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const ids = [...messageIds].sort();
  await tx.$executeRaw`
    INSERT INTO "OutboxEntry" ("id", "queue", "jobName", "jobId", "payload")
    VALUES (${randomUUID()}, ${QueueNames.opinionAnalysis}, ${OPINION_JOB_NAME}, ${ids[0]},
      ${JSON.stringify({ messageIds: ids } satisfies OpinionJobData)}::jsonb)
    ON CONFLICT ("queue", "jobId") DO NOTHING`;
}
