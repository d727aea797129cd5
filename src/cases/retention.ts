// The retention policy (个人信息保护法: keep personal information no longer than needed).
// RETENTION_DAYS after a case is finished, what people wrote and who they are is erased;
// what happened stays, so statistics, the transparency page and the audit trail remain.
//   ticket        text, address, coordinates, extracted details, the reply, the rating
//                 comment, an extension request's reason, the citizen's id, its photos' and locations' references; each
//                 event's note and personal data (the chain still verifies: it covers a
//                 hash of that content, src/tickets/event-chain.ts), and a "purged" event
//                 on the record. Kept: number, category, district, roads, department,
//                 status, dates, rating, deadline figures.
//   messages      older than the policy, unless a ticket of the conversation still keeps
//                 its content (the department may need what was said): text, raw, outcome.
//   conversation  quiet for longer than the policy with no ticket left unpurged: the
//                 citizen's id is replaced by a pseudonym and the dialogue context cleared.
//                 A new message from the same citizen revives it, empty.
//   feedback, notices sent, delivered outbox entries: older than the policy.
//   opinion       an analysed message once its message's text is erased; an imported record
//                 once imported longer ago than the policy; a record of an alert sent to a duty
//                 officer once older than the policy (src/opinion/opinion-retention.ts).
// Unanswered questions are kept: their text was masked when stored and they name no one.
// Each step works in batches and is safe to run again or concurrently (it re-checks
// under a row lock), so the scheduled job and `npm run privacy -- purge` can overlap.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { PERSONAL_EVENT_KEYS, PURGED_EVENT } from "../tickets/event-chain.ts";
import { chainedEvent } from "../tickets/ticket-events.ts";
import { FINISHED_STATUSES } from "../tickets/ticket-status.ts";
import { readTicket } from "./ticket-writes.ts";
import { eraseExpiredAlertNotices, eraseExpiredOpinions } from "../opinion/opinion-retention.ts";

export interface RetentionPolicy {
  /** Days after a case is finished (and a message was sent) before personal data is erased. */
  days: number;
}

export interface PurgeReport {
  cutoff: string;
  tickets: number;
  events: number;
  messages: number;
  conversations: number;
  feedback: number;
  deliveries: number;
  outboxEntries: number;
  opinionMessages: number;
  alertNotices: number;
}

const BATCH = 200;
const ACTOR = "system:retention";
const PURGE_NOTE = "个人信息已按保存期限清除";
const PERSONAL_KEYS = Prisma.sql`ARRAY[${Prisma.join([...PERSONAL_EVENT_KEYS])}]::text[]`;

export function retentionCutoff(policy: RetentionPolicy, now: Date): Date {
  return new Date(now.getTime() - policy.days * 86_400_000);
}

/** Erases what the policy says is due; returns what it erased. */
export async function purgeExpired(
  prisma: PrismaClient,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<PurgeReport> {
  const cutoff = retentionCutoff(policy, now);
  const report: PurgeReport = {
    cutoff: cutoff.toISOString(),
    tickets: 0,
    events: 0,
    messages: 0,
    conversations: 0,
    feedback: 0,
    deliveries: 0,
    outboxEntries: 0,
    opinionMessages: 0,
    alertNotices: 0,
  };
  for (;;) {
    const ids = await dueTickets(prisma, cutoff, BATCH);
    let purged = 0;
    for (const id of ids) {
      const events = await prisma.$transaction((tx) => purgeTicket(tx, id, cutoff, policy, now));
      if (events === undefined) continue;
      purged++;
      report.tickets++;
      report.events += events;
    }
    // A batch where nothing was due any more (another run got there first) ends the loop too.
    if (ids.length < BATCH || purged === 0) break;
  }
  report.messages = await repeat(() => purgeMessages(prisma, cutoff));
  report.opinionMessages = await repeat(() => eraseExpiredOpinions(prisma, cutoff, BATCH));
  report.alertNotices = await repeat(() => eraseExpiredAlertNotices(prisma, cutoff, BATCH));
  report.conversations = await repeat(() => purgeConversations(prisma, cutoff, now));
  report.feedback = await repeat(
    () => prisma.$executeRaw`
      UPDATE "Feedback" SET "text" = '', "channelUserId" = ''
      WHERE "id" IN (SELECT "id" FROM "Feedback" WHERE "createdAt" < ${cutoff} AND ("text" <> '' OR "channelUserId" <> '') LIMIT ${BATCH})`,
  );
  report.deliveries = await repeat(
    () => prisma.$executeRaw`
      UPDATE "Delivery" SET "replies" = '[]'::jsonb, "channelUserId" = ''
      WHERE "id" IN (SELECT "id" FROM "Delivery"
        WHERE "createdAt" < ${cutoff} AND "status" <> 'pending' AND "channelUserId" <> '' LIMIT ${BATCH})`,
  );
  report.outboxEntries = await prisma.$executeRaw`
    DELETE FROM "OutboxEntry" WHERE "deliveredAt" IS NOT NULL AND "deliveredAt" < ${cutoff}`;
  return report;
}

/** How many finished tickets are due, without erasing anything (for a dry run). */
export async function countDue(prisma: PrismaClient, policy: RetentionPolicy, now = new Date()) {
  const cutoff = retentionCutoff(policy, now);
  const [row] = await prisma.$queryRaw<{ tickets: bigint; messages: bigint; conversations: bigint }[]>`
    SELECT
      (SELECT count(*) FROM "Ticket" t WHERE ${dueTicket(cutoff)}) AS "tickets",
      (SELECT count(*) FROM "Message" m WHERE ${dueMessage(cutoff)}) AS "messages",
      (SELECT count(*) FROM "Conversation" c WHERE ${dueConversation(cutoff)}) AS "conversations"`;
  return { cutoff: cutoff.toISOString(), ...Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) };
}

async function repeat(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step();
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Finished and unchanged since the cutoff; a merged case only when its parent is too
 * (the parent's department may still read the child's words).
 */
function dueTicket(cutoff: Date): Prisma.Sql {
  const finished = Prisma.join([...FINISHED_STATUSES]);
  return Prisma.sql`t."purgedAt" IS NULL AND t."status" IN (${finished}) AND t."updatedAt" < ${cutoff}
    AND (t."parentId" IS NULL OR EXISTS (SELECT 1 FROM "Ticket" p
      WHERE p."id" = t."parentId" AND p."status" IN (${finished}) AND p."updatedAt" < ${cutoff}))`;
}

async function dueTickets(prisma: PrismaClient, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT t."id" FROM "Ticket" t WHERE ${dueTicket(cutoff)} ORDER BY t."updatedAt" LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** Erases one ticket's personal data, on the record; undefined when it is no longer due. */
async function purgeTicket(
  tx: Tx,
  id: string,
  cutoff: Date,
  policy: RetentionPolicy,
  now: Date,
): Promise<number | undefined> {
  const ticket = await readTicket(tx, { id }, true);
  if (!ticket) return undefined;
  const still = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Ticket" t WHERE t."id" = ${id} AND ${dueTicket(cutoff)}`;
  if (still.length === 0) return undefined;
  const erased = await tx.$executeRaw`
    UPDATE "TicketEvent" SET "note" = NULL, "data" = "data" - ${PERSONAL_KEYS}, "purgedAt" = ${now}
    WHERE "ticketId" = ${id} AND "purgedAt" IS NULL`;
  const event = chainedEvent(
    id,
    ticket,
    { type: PURGED_EVENT, actor: ACTOR, note: PURGE_NOTE, data: { retentionDays: policy.days, erasedEvents: erased } },
    now,
  );
  await tx.$executeRaw`
    INSERT INTO "TicketEvent" ("id", "ticketId", "seq", "type", "actor", "note", "data", "createdAt", "contentHash", "prevHash", "hash")
    VALUES (gen_random_uuid()::text, ${id}, ${event.seq}, ${event.type}, ${event.actor}, ${event.note},
      ${JSON.stringify(event.data)}::jsonb, ${now}, ${event.contentHash}, ${event.prevHash}, ${event.hash})`;
  await tx.$executeRaw`
    UPDATE "Ticket" SET "text" = '', "address" = NULL, "latitude" = NULL, "longitude" = NULL, "details" = '{}'::jsonb,
      "resolution" = NULL, "ratingComment" = NULL, "extensionReason" = NULL, "channelUserId" = '', "purgedAt" = ${now},
      "eventCount" = ${event.seq}, "headHash" = ${event.hash}, "version" = "version" + 1, "updatedAt" = ${now}
    WHERE "id" = ${id}`;
  await tx.$executeRaw`
    UPDATE "TicketAttachment" SET "mediaId" = NULL, "url" = NULL, "data" = '{}'::jsonb WHERE "ticketId" = ${id}`;
  return erased;
}

function dueMessage(cutoff: Date): Prisma.Sql {
  return Prisma.sql`m."createdAt" < ${cutoff} AND (m."text" <> '' OR m."raw" IS NOT NULL OR m."outcome" IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM "Ticket" t WHERE t."conversationId" = m."conversationId" AND t."purgedAt" IS NULL)`;
}

async function purgeMessages(prisma: PrismaClient, cutoff: Date): Promise<number> {
  return prisma.$executeRaw`
    UPDATE "Message" SET "text" = '', "raw" = NULL, "outcome" = NULL
    WHERE "id" IN (SELECT m."id" FROM "Message" m WHERE ${dueMessage(cutoff)} LIMIT ${BATCH})`;
}

function dueConversation(cutoff: Date): Prisma.Sql {
  return Prisma.sql`c."purgedAt" IS NULL AND c."lastActiveAt" < ${cutoff}
    AND NOT EXISTS (SELECT 1 FROM "Ticket" t WHERE t."conversationId" = c."id" AND t."purgedAt" IS NULL)`;
}

/** Pseudonymizes quiet conversations, and drops the evidence they gathered for no ticket. */
async function purgeConversations(prisma: PrismaClient, cutoff: Date, now: Date): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT c."id" FROM "Conversation" c WHERE ${dueConversation(cutoff)} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return 0;
    const ids = Prisma.join(rows.map((r) => r.id));
    await tx.$executeRaw`DELETE FROM "TicketAttachment" WHERE "conversationId" IN (${ids}) AND "ticketId" IS NULL`;
    return tx.$executeRaw`
      UPDATE "Conversation" SET "channelUserId" = 'purged:' || "id", "context" = '{}'::jsonb, "purgedAt" = ${now}
      WHERE "id" IN (${ids})`;
  });
}
