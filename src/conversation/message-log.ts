// The record of what was said, on the hot path of every channel. One SQL statement
// records whole exchanges — the conversation and each inbound message with its
// outcome (the replies sent and what was understood) — for one message or a batch
// (see ExchangeBatcher). Plain SQL through Prisma's tagged templates: parameterized,
// and the same on both backends. Measured: storing the replies as separate rows
// cost ~40% of the chat API's database time, and the outcome already holds them.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { conversationIdFor } from "./conversation-id.ts";
import type { ConversationOutcome, InboundMessage } from "./messages.ts";

type Sql = PrismaClient | Tx;

export interface Exchange {
  /** Id for the inbound message row (the ticket's sourceMessageId). */
  inboundId: string;
  message: InboundMessage;
  outcome: ConversationOutcome;
}

export interface RecordedExchange {
  inboundId: string;
  conversationId: string;
}

// PostgreSQL text and jsonb cannot hold U+0000; a citizen's message must not fail on it.
const NUL = /\u0000/g;
const NUL_ESCAPE = /\\u0000/g;

/**
 * Records exchanges in one statement and returns those written. A message recorded
 * before (same channel and channel message id) is skipped: its caller is a retry.
 */
export async function recordExchanges(db: Sql, exchanges: Exchange[]): Promise<RecordedExchange[]> {
  const input = JSON.stringify(
    exchanges.map(({ inboundId, message, outcome }) => ({
      inboundId,
      conversationId: conversationIdFor(message.channel, message.channelUserId),
      channel: message.channel,
      channelUserId: message.channelUserId,
      channelMessageId: message.channelMessageId,
      text: message.text.replace(NUL, ""),
      raw: message.raw ?? null,
      outcome,
      at: message.receivedAt.toISOString(),
    })),
  ).replace(NUL_ESCAPE, "");
  return db.$queryRaw<RecordedExchange[]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS x(
        "inboundId" text, "conversationId" text, "channel" text, "channelUserId" text, "channelMessageId" text,
        "text" text, "raw" jsonb, "outcome" jsonb, "at" timestamp(3))
    ), conversation AS (
      INSERT INTO "Conversation" ("id", "channel", "channelUserId", "createdAt", "lastActiveAt")
      SELECT DISTINCT ON ("channel", "channelUserId") "conversationId", "channel", "channelUserId", "at", "at"
      FROM input ORDER BY "channel", "channelUserId", "at" DESC
      ON CONFLICT ("channel", "channelUserId")
        -- Activity to the minute: an update (a new row version) per message is not worth it.
        DO UPDATE SET "lastActiveAt" = EXCLUDED."lastActiveAt"
        WHERE "Conversation"."lastActiveAt" < EXCLUDED."lastActiveAt" - interval '1 minute'
    ), inbound AS (
      INSERT INTO "Message" ("id", "conversationId", "direction", "channel", "channelMessageId", "text", "raw", "outcome", "createdAt")
      SELECT i."inboundId", i."conversationId", 'in', i."channel", i."channelMessageId", i."text", i."raw", i."outcome", i."at"
      FROM input i
      ON CONFLICT ("channel", "channelMessageId") DO NOTHING
      RETURNING "id", "conversationId"
    )
    SELECT "id" AS "inboundId", "conversationId" FROM inbound`;
}

/** The answer already given to this message, if it was handled before. */
export async function storedOutcome(db: Sql, message: InboundMessage): Promise<ConversationOutcome | undefined> {
  const rows = await db.$queryRaw<{ outcome: ConversationOutcome | null }[]>`
    SELECT "outcome" FROM "Message"
    WHERE "channel" = ${message.channel} AND "channelMessageId" = ${message.channelMessageId}`;
  const outcome = rows[0]?.outcome;
  return outcome ? { ...outcome, duplicate: true } : undefined;
}
