// The SQL that records transitions: each ticket's new values and its next event, in
// one statement for any number of tickets (an event is inserted only where its ticket
// row was updated). With an expected version the statement is also the concurrency
// check: a ticket someone else changed first is left alone (and not returned). Plain
// SQL through Prisma's tagged templates (parameterized): this runs for every routed
// complaint, and a Prisma model call costs several times more CPU than the statement.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { StoredEvent } from "../tickets/event-chain.ts";

/** Ticket columns a transition may set, with their SQL types (names are never taken from input). */
const COLUMN_TYPES = {
  status: "text",
  departmentCode: "text",
  category: "text",
  district: "text",
  places: "text[]",
  parentId: "text",
  assignedAt: "timestamp(3)",
  acceptedAt: "timestamp(3)",
  resolvedAt: "timestamp(3)",
  closedAt: "timestamp(3)",
  resolution: "text",
  verdict: "text",
  resolvedOnTime: "boolean",
  rating: "integer",
  ratingComment: "text",
  ratedAt: "timestamp(3)",
  ratingRequestedAt: "timestamp(3)",
  remindersSent: "integer",
  overdue: "boolean",
  overdueAt: "timestamp(3)",
  deadlineAt: "timestamp(3)",
  dueBasis: "text",
  dueBudgetSeconds: "integer",
  dueUsedSeconds: "integer",
  dueRunningSince: "timestamp(3)",
  extensionRequestedUntil: "timestamp(3)",
  extensionReason: "text",
  updatedAt: "timestamp(3)",
  eventCount: "integer",
  headHash: "text",
} as const;
export type WritableColumn = keyof typeof COLUMN_TYPES;

/** A chained event as written (its data is a JSON object). */
export interface EventRow extends StoredEvent {
  data: object;
}

export interface TransitionWrite {
  ticketId: string;
  set: Partial<Record<WritableColumn, unknown>>;
  incrementReopenCount: boolean;
  event: EventRow & { id: string };
  /** Only if the ticket is still at this version (optimistic concurrency). */
  expectedVersion?: number;
}

/** Writes one transition; returns the updated ticket, or undefined if the version check failed. */
export async function writeTransition(db: PrismaClient | Tx, write: TransitionWrite): Promise<Ticket | undefined> {
  return (await writeTransitions(db, [write]))[0];
}

/** Writes transitions (one statement per set of columns); returns the tickets updated. */
export async function writeTransitions(db: PrismaClient | Tx, writes: TransitionWrite[]): Promise<Ticket[]> {
  const groups = new Map<string, TransitionWrite[]>();
  for (const w of writes) {
    const key = columnsOf(w).join(",");
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const updated: Ticket[] = [];
  for (const group of groups.values()) updated.push(...(await writeGroup(db, group)));
  return updated;
}

function columnsOf(write: TransitionWrite): WritableColumn[] {
  return (Object.keys(write.set) as WritableColumn[]).filter((c) => c in COLUMN_TYPES).sort();
}

function writeGroup(db: PrismaClient | Tx, writes: TransitionWrite[]): Promise<Ticket[]> {
  return db.$queryRaw<Ticket[]>(transitionStatement(writes));
}

/** The statement writeGroup runs: transitions that set the same columns, and their events. */
export function transitionStatement(writes: TransitionWrite[]): Prisma.Sql {
  const columns = columnsOf(writes[0]!);
  const input = JSON.stringify(
    writes.map((w) => ({
      ...Object.fromEntries(columns.map((c) => [c, w.set[c] ?? null])),
      _ticketId: w.ticketId,
      _expectedVersion: w.expectedVersion ?? null,
      _incrementReopenCount: w.incrementReopenCount,
      _eventId: w.event.id,
      _seq: w.event.seq,
      _type: w.event.type,
      _actor: w.event.actor,
      _note: w.event.note,
      _data: w.event.data,
      _createdAt: w.event.createdAt,
      _contentHash: w.event.contentHash,
      _prevHash: w.event.prevHash,
      _hash: w.event.hash,
    })),
  );
  const quoted = (c: string) => Prisma.raw(`"${c}"`);
  const recordColumns = Prisma.raw(
    [
      ...columns.map((c) => `"${c}" ${COLUMN_TYPES[c]}`),
      `"_ticketId" text, "_expectedVersion" integer, "_incrementReopenCount" boolean, "_eventId" text, "_seq" integer, "_type" text`,
      `"_actor" text, "_note" text, "_data" jsonb, "_createdAt" timestamp(3), "_contentHash" text, "_prevHash" text, "_hash" text`,
    ].join(", "),
  );
  const assignments = [
    ...columns.map((c) => Prisma.sql`${quoted(c)} = i.${quoted(c)}`),
    Prisma.sql`"version" = t."version" + 1`,
    Prisma.sql`"reopenCount" = t."reopenCount" + CASE WHEN i."_incrementReopenCount" THEN 1 ELSE 0 END`,
  ];
  // LIMIT (the number of rows there are): the planner takes a recordset for 100 rows, and for
  // 100 lookups it would rather scan a table of 10,000 tickets whole and hash it; with the real
  // count it looks each ticket up by id (tests/ticket-backlog.test.ts).
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS x(${recordColumns}) LIMIT ${writes.length}
    ), updated AS (
      UPDATE "Ticket" t SET ${Prisma.join(assignments, ", ")}
      FROM input i
      WHERE t."id" = i."_ticketId" AND (i."_expectedVersion" IS NULL OR t."version" = i."_expectedVersion")
      RETURNING t.*
    ), event AS (
      INSERT INTO "TicketEvent" ("id", "ticketId", "seq", "type", "actor", "note", "data", "createdAt", "contentHash", "prevHash", "hash")
      SELECT i."_eventId", i."_ticketId", i."_seq", i."_type", i."_actor", i."_note", i."_data", i."_createdAt", i."_contentHash", i."_prevHash", i."_hash"
      FROM input i JOIN updated u ON u."id" = i."_ticketId"
    )
    SELECT * FROM updated`;
}

/** Reads a ticket (one row, typed like the model); with lock, holds its row lock for the transaction. */
export async function readTicket(
  db: PrismaClient | Tx,
  ref: { id: string } | { number: string },
  lock = false,
): Promise<Ticket | undefined> {
  const where = "id" in ref ? Prisma.sql`"id" = ${ref.id}` : Prisma.sql`"number" = ${ref.number}`;
  const rows = await db.$queryRaw<
    Ticket[]
  >`SELECT * FROM "Ticket" WHERE ${where}${lock ? Prisma.sql` FOR UPDATE` : Prisma.empty}`;
  return rows[0];
}

/** Reads tickets by id in one query. */
export async function readTickets(db: PrismaClient | Tx, ids: string[]): Promise<Ticket[]> {
  if (ids.length === 0) return [];
  return db.$queryRaw<Ticket[]>`SELECT * FROM "Ticket" WHERE "id" IN (${Prisma.join(ids)})`;
}
