// The record of what was said, on the hot path of every channel. One SQL statement
// records whole exchanges — the conversation (with its dialogue context) and each
// inbound message with its outcome (the replies sent and what was understood), and
// the questions the hub could not answer — for one message or a batch (see
// ExchangeBatcher). Plain SQL through Prisma's tagged templates: parameterized, and
// the same on both backends. Measured: storing the replies as separate rows cost
// ~40% of the chat API's database time, and the outcome already holds them.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { maskText } from "../privacy/mask.ts";
import { conversationIdFor } from "./conversation-id.ts";
import type { DialogueContext } from "./dialogue-context.ts";
import type { ConversationOutcome, InboundMessage } from "./messages.ts";

type Sql = PrismaClient | Tx;

export interface Exchange {
  /** Id for the inbound message row (the ticket's sourceMessageId). */
  inboundId: string;
  message: InboundMessage;
  outcome: ConversationOutcome;
  /** The conversation's context after this message; absent leaves it as it is. */
  context?: DialogueContext;
  /** Set when the hub could not answer: the question is logged for catalog editors. */
  unanswered?: { id: string; candidates: { code: string; name: string; probability: number }[] };
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
    exchanges.map(({ inboundId, message, outcome, context, unanswered }) => ({
      inboundId,
      conversationId: conversationIdFor(message.channel, message.channelUserId),
      channel: message.channel,
      channelUserId: message.channelUserId,
      channelMessageId: message.channelMessageId,
      text: message.text.replace(NUL, ""),
      raw: message.raw ?? null,
      outcome,
      context: context ?? null,
      unanswered: unanswered ? { ...unanswered, text: maskText(message.text.replace(NUL, "")) } : null,
      at: message.receivedAt.toISOString(),
    })),
  ).replace(NUL_ESCAPE, "");
  // A retry (its message already recorded) must not change the context: only new
  // messages ("fresh") set it, and the latest one per conversation wins. Context and
  // activity are set by the one upsert, since a statement may update a row only once.
  return db.$queryRaw<RecordedExchange[]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS x(
        "inboundId" text, "conversationId" text, "channel" text, "channelUserId" text, "channelMessageId" text,
        "text" text, "raw" jsonb, "outcome" jsonb, "context" jsonb, "unanswered" jsonb, "at" timestamp(3))
    ), new_context AS (
      SELECT DISTINCT ON (i."conversationId") i."conversationId", i."context"
      FROM input i
      WHERE i."context" IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "Message" m WHERE m."channel" = i."channel" AND m."channelMessageId" = i."channelMessageId")
      ORDER BY i."conversationId", i."at" DESC
    ), conversation AS (
      INSERT INTO "Conversation" ("id", "channel", "channelUserId", "context", "createdAt", "lastActiveAt")
      SELECT DISTINCT ON (i."channel", i."channelUserId") i."conversationId", i."channel", i."channelUserId",
        COALESCE(c."context", '{}'::jsonb), i."at", i."at"
      FROM input i LEFT JOIN new_context c ON c."conversationId" = i."conversationId"
      ORDER BY i."channel", i."channelUserId", i."at" DESC
      ON CONFLICT ("channel", "channelUserId") DO UPDATE SET
        "lastActiveAt" = GREATEST("Conversation"."lastActiveAt", EXCLUDED."lastActiveAt"),
        "context" = COALESCE((SELECT c."context" FROM new_context c WHERE c."conversationId" = "Conversation"."id"), "Conversation"."context")
        -- Activity to the minute: an update (a new row version) per message is not worth it.
        WHERE "Conversation"."lastActiveAt" < EXCLUDED."lastActiveAt" - interval '1 minute'
          OR EXISTS (SELECT 1 FROM new_context c WHERE c."conversationId" = "Conversation"."id" AND c."context" IS DISTINCT FROM "Conversation"."context")
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
