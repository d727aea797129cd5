// Appends to a ticket's hash-chained history. Callers hold the ticket's row lock
// (they change the ticket in the same transaction), so events of one ticket never race.
import type { Tx } from "../db/transaction.ts";
import { eventHash, GENESIS_HASH } from "./event-chain.ts";

export interface NewTicketEvent {
  type: string;
  /** "citizen:<channel>", "system:router", "staff:<id>" … */
  actor: string;
  note?: string;
  data?: Record<string, unknown>;
}

export async function appendTicketEvent(tx: Tx, ticketId: string, event: NewTicketEvent, at = new Date()): Promise<void> {
  const last = await tx.ticketEvent.findFirst({
    where: { ticketId },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true },
  });
  const fields = {
    ticketId,
    seq: (last?.seq ?? 0) + 1,
    type: event.type,
    actor: event.actor,
    note: event.note ?? null,
    data: event.data ?? {},
    createdAt: at,
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await tx.ticketEvent.create({
    data: { ...fields, data: fields.data as object, prevHash, hash: eventHash(prevHash, fields) },
  });
}
