// Files a complaint as a ticket: the ticket, its first event and the routing job,
// all in the caller's transaction, so either everything exists or nothing does.
import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { outboxInsert } from "../queue/outbox.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { chainedEvent } from "./ticket-events.ts";
import { formatTicketNumber, localDay } from "./ticket-number.ts";

/** The status of a ticket that waits for routing. */
export const TICKET_SUBMITTED = "submitted";

export interface NewTicket {
  /** From nextTicketNumber(). */
  number: string;
  kind: "complaint" | "help";
  text: string;
  domain?: string;
  channel: string;
  channelUserId: string;
  conversationId: string;
  sourceMessageId: string;
  details?: Record<string, unknown>;
  /** Known at intake from structured channels (Open311); otherwise found when routing. */
  category?: string;
  district?: string;
  address?: string;
  latitude?: number;
  longitude?: number;
}

export interface OpenedTicket {
  id: string;
  number: string;
}

/**
 * Writes the ticket, its first event and its routing job in one statement (plain SQL:
 * this runs for every complaint, and one statement costs a fraction of three model calls).
 */
export async function openTicket(tx: Tx, input: NewTicket, now = new Date()): Promise<OpenedTicket> {
  const id = randomUUID();
  // The first event is hashed before the ticket exists, so the ticket is written once, with its chain head.
  const created = chainedEvent(
    id,
    { eventCount: 0, headHash: null },
    {
      type: "created",
      actor: `citizen:${input.channel}`,
      note: "群众提交诉求",
      data: { to: TICKET_SUBMITTED, number: input.number, domain: input.domain ?? null, textSha256: sha256(input.text) },
    },
    now,
  );
  const job = outboxInsert({ queue: QueueNames.routing, jobName: "route-ticket", jobId: id, payload: { ticketId: id } });
  await tx.$executeRaw`
    WITH ticket AS (
      INSERT INTO "Ticket" ("id", "number", "status", "kind", "text", "domain", "category", "district", "address", "latitude", "longitude",
        "channel", "channelUserId", "conversationId", "sourceMessageId", "details", "createdAt", "updatedAt", "eventCount", "headHash")
      VALUES (${id}, ${input.number}, ${TICKET_SUBMITTED}, ${input.kind}, ${input.text}, ${input.domain ?? null}, ${input.category ?? null},
        ${input.district ?? null}, ${input.address ?? null}, ${input.latitude ?? null}, ${input.longitude ?? null}, ${input.channel},
        ${input.channelUserId}, ${input.conversationId}, ${input.sourceMessageId}, ${JSON.stringify(input.details ?? {})}::jsonb,
        ${now}, ${now}, ${created.seq}, ${created.hash})
      RETURNING "id"
    ), event AS (
      INSERT INTO "TicketEvent" ("id", "ticketId", "seq", "type", "actor", "note", "data", "createdAt", "prevHash", "hash")
      SELECT ${randomUUID()}, "id", ${created.seq}, ${created.type}, ${created.actor}, ${created.note}, ${JSON.stringify(created.data)}::jsonb,
        ${now}, ${created.prevHash}, ${created.hash}
      FROM ticket
    ), job AS (${job})
    SELECT 1`;
  return { id, number: input.number };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The next readable number of the day. One atomic upsert: concurrent complaints never
 * share a number. Run it outside the ticket's transaction so the counter row is not
 * locked for the whole transaction; a transaction that then fails leaves a gap, which
 * is harmless (numbers are unique and ordered, not gapless).
 */
export async function nextTicketNumber(db: PrismaClient | Tx, timeZone: string, at: Date): Promise<string> {
  const day = localDay(at, timeZone);
  const rows = await db.$queryRaw<{ value: number }[]>`
    INSERT INTO "TicketCounter" ("day", "value") VALUES (${day}, 1)
    ON CONFLICT ("day") DO UPDATE SET "value" = "TicketCounter"."value" + 1
    RETURNING "value"`;
  return formatTicketNumber(day, Number(rows[0]!.value));
}
