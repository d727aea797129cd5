// Files a complaint as a ticket: number, ticket, first event and the routing job,
// all in the caller's transaction, so either everything exists or nothing does.
import type { Tx } from "../db/transaction.ts";
import { addToOutbox } from "../queue/outbox.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { appendTicketEvent } from "./ticket-events.ts";
import { formatTicketNumber, localDay } from "./ticket-number.ts";

export interface NewTicket {
  kind: "complaint" | "help";
  text: string;
  domain?: string;
  channel: string;
  channelUserId: string;
  conversationId: string;
  sourceMessageId: string;
  details?: Record<string, unknown>;
}

export async function openTicket(tx: Tx, input: NewTicket, timeZone: string, now = new Date()) {
  const number = formatTicketNumber(localDay(now, timeZone), await nextDailySequence(tx, localDay(now, timeZone)));
  const ticket = await tx.ticket.create({
    data: {
      number,
      status: "submitted",
      kind: input.kind,
      text: input.text,
      domain: input.domain ?? null,
      channel: input.channel,
      channelUserId: input.channelUserId,
      conversationId: input.conversationId,
      sourceMessageId: input.sourceMessageId,
      details: (input.details ?? {}) as object,
      createdAt: now,
      updatedAt: now,
    },
  });
  await appendTicketEvent(
    tx,
    ticket.id,
    { type: "created", actor: `citizen:${input.channel}`, note: "群众提交诉求", data: { domain: input.domain ?? null } },
    now,
  );
  await addToOutbox(tx, { queue: QueueNames.routing, jobName: "route-ticket", jobId: ticket.id, payload: { ticketId: ticket.id } });
  return ticket;
}

async function nextDailySequence(tx: Tx, day: string): Promise<number> {
  // One atomic upsert: concurrent complaints on the same day never share a number.
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "TicketCounter" ("day", "value") VALUES (${day}, 1)
    ON CONFLICT ("day") DO UPDATE SET "value" = "TicketCounter"."value" + 1
    RETURNING "value"`;
  return Number(rows[0]!.value);
}
