// The opinion-analysis job: one per citizen message with words, jobId = the Message id, so a
// message is queued once however often its outbox row is relayed. Written through the
// transactional outbox by the statement that records the message (src/conversation/message-log.ts).
import { Prisma } from "../generated/prisma/client.ts";
import { QueueNames } from "../queue/queue-names.ts";

export const OPINION_JOB_NAME = "analyse-message";

export interface OpinionJobData {
  messageId: string;
}

/**
 * A WITH-clause entry that writes an opinion-analysis job for each message of a CTE named
 * "opinion_messages" with the columns "jobRowId" (the outbox row's id) and "messageId".
 * The caller defines opinion_messages before it, holding only messages just inserted and worth analysing (hasWords).
 */
export const INSERT_OPINION_JOBS = Prisma.sql`opinion_jobs AS (
    INSERT INTO "OutboxEntry" ("id", "queue", "jobName", "jobId", "payload")
    SELECT o."jobRowId", ${QueueNames.opinionAnalysis}, ${OPINION_JOB_NAME}, o."messageId", jsonb_build_object('messageId', o."messageId")
    FROM opinion_messages o
  )`;
