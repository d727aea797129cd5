// The record of what was said, on the hot path of every channel. One SQL statement
// records whole exchanges — the conversation (with what it remembers) and each
// inbound message with its outcome (the replies sent and what was understood), the
// questions the hub could not answer, and what a message filed: a ticket — complaint,
// suggestion or praise — with its first event and routing job, for one message or a batch
// (see ExchangeBatcher), and the opinion-analysis job of each message with words (through
// the outbox; the worker analyses it, never the request). What a message filed is written
// only if the message itself is new, so a retry never files twice. Plain SQL through Prisma's tagged templates:
// parameterized, and the same on both backends. Measured: storing the replies as
// separate rows cost ~40% of the chat API's database time, and the outcome already
// holds them.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { INSERT_TICKET_ROWS, PLANNED_TICKET_COLUMNS, type PlannedTicket } from "../cases/open-ticket.ts";
import { maskText } from "../privacy/mask.ts";
import { INSERT_OPINION_JOBS } from "../opinion/opinion-job.ts";
import { hasWords } from "../opinion/opinion-source.ts";
import { conversationIdFor } from "./conversation-id.ts";
import { changedContextSql, type ContextChange } from "./conversation-context.ts";
import type { ConversationOutcome, InboundMessage } from "../messages/messages.ts";
import { storableJson } from "../messages/clean-text.ts";

type Sql = PrismaClient | Tx;

export interface Exchange {
  /** Id for the inbound message row (the ticket's sourceMessageId). */
  inboundId: string;
  message: InboundMessage;
  outcome: ConversationOutcome;
  /** What this message changes in the conversation's context; absent leaves it as it is. */
  context?: ContextChange;
  /** Set when the hub could not answer: the question is logged for catalog editors. */
  unanswered?: { id: string; candidates: { code: string; name: string; probability: number }[] };
  /** A complaint, suggestion or praise: the ticket it opens (sourceMessageId = inboundId), from planTicket(). */
  ticket?: PlannedTicket;
}

export interface RecordedExchange {
  inboundId: string;
  conversationId: string;
}

/**
 * Records exchanges in one statement and returns those written. A message recorded
 * before (same channel and channel message id) is skipped: its caller is a retry.
 */
export async function recordExchanges(db: Sql, exchanges: Exchange[]): Promise<RecordedExchange[]> {
  // Cleaned value by value (see storableJson): the entries clean the text already
  // (cleanMessage), so what a ticket's first event hashed is what is stored.
  const rows = exchanges.map(({ inboundId, message, outcome, context, unanswered, ticket }) => ({
    inboundId,
    conversationId: conversationIdFor(message.channel, message.channelUserId),
    channel: message.channel,
    channelUserId: message.channelUserId,
    channelMessageId: message.channelMessageId,
    text: message.text,
    raw: message.raw ?? null,
    outcome,
    context: context ?? null,
    unanswered: unanswered ? { ...unanswered, text: maskText(message.text) } : null,
    ticket: ticket ?? null,
    // The outbox row of its opinion-analysis job; none for a menu tap or a photo.
    opinionJob: hasWords(message.text) ? randomUUID() : null,
    at: message.receivedAt.toISOString(),
  }));
  const input = storableJson(rows);
  // Only what the batch needs is in the statement, so a plain answer's write stays small.
  const filed = [
    exchanges.some((e) => e.ticket) &&
      Prisma.sql`, ticket_rows AS (
        SELECT r.* FROM input i JOIN inbound n ON n."id" = i."inboundId", jsonb_to_record(i."ticket") AS r(${PLANNED_TICKET_COLUMNS})
        WHERE i."ticket" IS NOT NULL
      ), ${INSERT_TICKET_ROWS}`,
    rows.some((row) => row.opinionJob) &&
      Prisma.sql`, opinion_messages AS (
        SELECT i."opinionJob" AS "jobRowId", i."inboundId" AS "messageId"
        FROM input i JOIN inbound n ON n."id" = i."inboundId"
        WHERE i."opinionJob" IS NOT NULL
      ), ${INSERT_OPINION_JOBS}`,
  ].filter((part): part is Prisma.Sql => part !== false);
  // A retry (its message already recorded) must not change the context: only new
  // messages ("fresh") change it, and the latest one per conversation wins (a batch
  // holds dialogue turns, whose change names every key they own). Context and activity
  // are set by the one upsert, since a statement may update a row only once.
  const changed = changedContextSql(Prisma.sql`"Conversation"."context"`, Prisma.sql`c."context"`);
  return db.$queryRaw<RecordedExchange[]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS x(
        "inboundId" text, "conversationId" text, "channel" text, "channelUserId" text, "channelMessageId" text,
        "text" text, "raw" jsonb, "outcome" jsonb, "context" jsonb, "unanswered" jsonb, "ticket" jsonb, "opinionJob" text,
        "at" timestamp(3))
    ), new_context AS (
      SELECT DISTINCT ON (i."conversationId") i."conversationId", i."context"
      FROM input i
      WHERE i."context" IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "Message" m WHERE m."channel" = i."channel" AND m."channelMessageId" = i."channelMessageId")
      ORDER BY i."conversationId", i."at" DESC
    ), conversation AS (
      INSERT INTO "Conversation" ("id", "channel", "channelUserId", "context", "createdAt", "lastActiveAt")
      SELECT DISTINCT ON (i."channel", i."channelUserId") i."conversationId", i."channel", i."channelUserId",
        ${changedContextSql(Prisma.sql`'{}'::jsonb`, Prisma.sql`COALESCE(c."context", '{}'::jsonb)`)}, i."at", i."at"
      FROM input i LEFT JOIN new_context c ON c."conversationId" = i."conversationId"
      ORDER BY i."channel", i."channelUserId", i."at" DESC
      -- The id is derived from (channel, channelUserId), so it conflicts exactly when they do,
      -- and also for a conversation the retention policy pseudonymized: a new message revives it.
      ON CONFLICT ("id") DO UPDATE SET
        "channelUserId" = EXCLUDED."channelUserId",
        "purgedAt" = NULL,
        "lastActiveAt" = GREATEST("Conversation"."lastActiveAt", EXCLUDED."lastActiveAt"),
        "context" = COALESCE((SELECT ${changed} FROM new_context c WHERE c."conversationId" = "Conversation"."id"), "Conversation"."context")
        -- Activity to the minute: an update (a new row version) per message is not worth it.
        WHERE "Conversation"."lastActiveAt" < EXCLUDED."lastActiveAt" - interval '1 minute'
          OR "Conversation"."purgedAt" IS NOT NULL
          OR EXISTS (SELECT 1 FROM new_context c WHERE c."conversationId" = "Conversation"."id" AND ${changed} IS DISTINCT FROM "Conversation"."context")
    ), inbound AS (
      INSERT INTO "Message" ("id", "conversationId", "direction", "channel", "channelMessageId", "text", "raw", "outcome", "createdAt")
      SELECT i."inboundId", i."conversationId", 'in', i."channel", i."channelMessageId", i."text", i."raw", i."outcome", i."at"
      FROM input i
      ON CONFLICT ("channel", "channelMessageId") DO NOTHING
      RETURNING "id", "conversationId"
    ), unanswered AS (
      INSERT INTO "UnansweredQuestion" ("id", "messageId", "channel", "text", "candidates", "createdAt")
      SELECT i."unanswered"->>'id', i."inboundId", i."channel", i."unanswered"->>'text', i."unanswered"->'candidates', i."at"
      FROM input i JOIN inbound n ON n."id" = i."inboundId"
      WHERE i."unanswered" IS NOT NULL
    )${filed.length > 0 ? Prisma.join(filed, "") : Prisma.empty}
    SELECT "id" AS "inboundId", "conversationId" FROM inbound`;
}

/** The answer already given to this message, if it was handled before. */
export async function storedOutcome(db: Sql, message: InboundMessage): Promise<ConversationOutcome | undefined> {
  return (await storedOutcomes(db, [message])).get(messageKey(message));
}

/** The answers already given to any of these messages, by messageKey(); one query. */
export async function storedOutcomes(db: Sql, messages: InboundMessage[]): Promise<Map<string, ConversationOutcome>> {
  if (messages.length === 0) return new Map();
  const rows = await db.$queryRaw<{ channel: string; channelMessageId: string; outcome: ConversationOutcome | null }[]>`
    SELECT "channel", "channelMessageId", "outcome" FROM "Message"
    WHERE ("channel", "channelMessageId") IN (${Prisma.join(messages.map((m) => Prisma.sql`(${m.channel}, ${m.channelMessageId})`))})`;
  const found = new Map<string, ConversationOutcome>();
  for (const row of rows) if (row.outcome) found.set(messageKey(row), { ...row.outcome, duplicate: true });
  return found;
}

/** Identifies a message across retries. */
export function messageKey(message: { channel: string; channelMessageId: string }): string {
  return `${message.channel}\n${message.channelMessageId}`;
}
