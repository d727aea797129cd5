// Files a complaint as a ticket: the ticket, its first event and the routing job,
// all in the caller's transaction, so either everything exists or nothing does.
import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { addToOutbox } from "../queue/outbox.ts";
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

export async function openTicket(tx: Tx, input: NewTicket, now = new Date()) {
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
  const ticket = await tx.ticket.create({
    data: {
      id,
      number: input.number,
      status: TICKET_SUBMITTED,
      kind: input.kind,
      text: input.text,
      domain: input.domain ?? null,
      category: input.category ?? null,
      district: input.district ?? null,
      address: input.address ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      channel: input.channel,
      channelUserId: input.channelUserId,
      conversationId: input.conversationId,
      sourceMessageId: input.sourceMessageId,
      details: (input.details ?? {}) as object,
      createdAt: now,
      updatedAt: now,
      eventCount: created.seq,
      headHash: created.hash,
    },
  });
  await tx.ticketEvent.create({ data: created });
  await addToOutbox(tx, { queue: QueueNames.routing, jobName: "route-ticket", jobId: ticket.id, payload: { ticketId: ticket.id } });
  return ticket;
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
