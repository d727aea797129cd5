// Files a complaint as a ticket: the ticket, its first event and the routing job, all
// in one statement (or the caller's transaction), so either everything exists or
// nothing does. The same SQL opens one ticket (Open311, tests) or every ticket of a
// batch of chat messages (src/conversation/message-log.ts).
import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { chainedEvent } from "../tickets/ticket-events.ts";
import { formatTicketNumber, localDay } from "../tickets/ticket-number.ts";
import type { TicketKind } from "../tickets/ticket-kind.ts";
import type { TicketStatus } from "../tickets/ticket-status.ts";

/** The status of a ticket that waits for routing. */
export const TICKET_SUBMITTED = "submitted" satisfies TicketStatus;

export interface NewTicket {
  /** From nextTicketNumber() or reserveTicketNumbers(). */
  number: string;
  kind: TicketKind;
  text: string;
  domain?: string;
  channel: string;
  channelUserId: string;
  conversationId: string;
  sourceMessageId: string;
  details?: Record<string, unknown>;
  /** Who filed it for the citizen (an agent after 人工), on the first event; default the citizen. */
  filedBy?: { actor: string; note: string };
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

/** A ticket ready to be written: its row, its first event (hashed) and its routing job, as plain JSON. */
export type PlannedTicket = ReturnType<typeof planTicket>;

/**
 * The rows that open a ticket. The first event is hashed before the ticket exists, so
 * the ticket is written once, with its chain head.
 */
export function planTicket(input: NewTicket, now: Date) {
  const id = randomUUID();
  const created = chainedEvent(
    id,
    { eventCount: 0, headHash: null },
    {
      type: "created",
      actor: input.filedBy?.actor ?? `citizen:${input.channel}`,
      note: input.filedBy?.note ?? "群众提交诉求",
      data: {
        to: TICKET_SUBMITTED,
        number: input.number,
        domain: input.domain ?? null,
        textSha256: sha256(input.text),
      },
    },
    now,
  );
  return {
    id,
    number: input.number,
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
    details: input.details ?? {},
    at: now.toISOString(),
    eventId: randomUUID(),
    eventSeq: created.seq,
    eventType: created.type,
    eventActor: created.actor,
    eventNote: created.note,
    eventData: created.data,
    contentHash: created.contentHash,
    prevHash: created.prevHash,
    hash: created.hash,
    jobRowId: randomUUID(),
  };
}

/** The columns of a PlannedTicket in SQL (for jsonb_to_recordset / jsonb_to_record). */
export const PLANNED_TICKET_COLUMNS = Prisma.sql`"id" text, "number" text, "kind" text, "text" text, "domain" text, "category" text,
  "district" text, "address" text, "latitude" double precision, "longitude" double precision, "channel" text, "channelUserId" text,
  "conversationId" text, "sourceMessageId" text, "details" jsonb, "at" timestamp(3), "eventId" text, "eventSeq" integer,
  "eventType" text, "eventActor" text, "eventNote" text, "eventData" jsonb, "contentHash" text, "prevHash" text, "hash" text, "jobRowId" text`;

/**
 * WITH-clause entries that write the tickets in a CTE named "ticket_rows" (columns as
 * PLANNED_TICKET_COLUMNS), their first events and their routing jobs. The caller defines
 * ticket_rows before these, e.g. from a JSON parameter.
 */
export const INSERT_TICKET_ROWS = Prisma.sql`new_ticket AS (
    INSERT INTO "Ticket" ("id", "number", "status", "kind", "text", "domain", "category", "district", "address", "latitude", "longitude",
      "channel", "channelUserId", "conversationId", "sourceMessageId", "details", "createdAt", "updatedAt", "eventCount", "headHash")
    SELECT r."id", r."number", ${TICKET_SUBMITTED}, r."kind", r."text", r."domain", r."category", r."district", r."address", r."latitude",
      r."longitude", r."channel", r."channelUserId", r."conversationId", r."sourceMessageId", r."details", r."at", r."at", r."eventSeq", r."hash"
    FROM ticket_rows r
    RETURNING "id"
  ), new_ticket_event AS (
    INSERT INTO "TicketEvent" ("id", "ticketId", "seq", "type", "actor", "note", "data", "createdAt", "contentHash", "prevHash", "hash")
    SELECT r."eventId", r."id", r."eventSeq", r."eventType", r."eventActor", r."eventNote", r."eventData", r."at", r."contentHash", r."prevHash", r."hash"
    FROM ticket_rows r JOIN new_ticket t ON t."id" = r."id"
  ), new_ticket_job AS (
    INSERT INTO "OutboxEntry" ("id", "queue", "jobName", "jobId", "payload")
    SELECT r."jobRowId", ${QueueNames.routing}, 'route-ticket', r."id", jsonb_build_object('ticketId', r."id")
    FROM ticket_rows r JOIN new_ticket t ON t."id" = r."id"
  )`;

/** Writes one ticket, its first event and its routing job in one statement (in the caller's transaction). */
export async function openTicket(tx: Tx, input: NewTicket, now = new Date()): Promise<OpenedTicket> {
  const planned = planTicket(input, now);
  await tx.$executeRaw`
    WITH ticket_rows AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify([planned])}::jsonb) AS x(${PLANNED_TICKET_COLUMNS})
    ), ${INSERT_TICKET_ROWS}
    SELECT 1`;
  return { id: planned.id, number: planned.number };
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
  return (await reserveTicketNumbers(db, timeZone, [at]))[0]!;
}

/** Numbers for tickets received at these times, in the same order: one upsert per call, whatever the count. */
export async function reserveTicketNumbers(db: PrismaClient | Tx, timeZone: string, times: Date[]): Promise<string[]> {
  const days = times.map((at) => localDay(at, timeZone));
  const counts = new Map<string, number>();
  for (const day of days) counts.set(day, (counts.get(day) ?? 0) + 1);
  const rows = await db.$queryRaw<{ day: string; value: number }[]>`
    INSERT INTO "TicketCounter" ("day", "value")
    SELECT * FROM jsonb_to_recordset(${JSON.stringify([...counts].map(([day, n]) => ({ day, n })))}::jsonb) AS x("day" text, "n" integer)
    ON CONFLICT ("day") DO UPDATE SET "value" = "TicketCounter"."value" + EXCLUDED."value"
    RETURNING "day", "value"`;
  // Each day's block ends at the value returned; hand it out in order.
  const next = new Map(rows.map((r) => [r.day, Number(r.value) - counts.get(r.day)! + 1]));
  return days.map((day) => {
    const sequence = next.get(day)!;
    next.set(day, sequence + 1);
    return formatTicketNumber(day, sequence);
  });
}
