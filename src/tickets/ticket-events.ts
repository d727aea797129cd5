// The next event of a ticket's hash-chained history. The chain's head (event count and
// last hash) lives on the ticket row, so appending needs no lookup, and the ticket row
// and its history vouch for each other (a removed last event no longer matches the head).
// The caller writes the event and the new head together (src/cases/ticket-writes.ts).
import { contentHash, eventHash, GENESIS_HASH } from "./event-chain.ts";

export interface NewTicketEvent {
  type: string;
  /** "citizen:<channel>", "system:router", "staff:<username>" … */
  actor: string;
  note?: string | null;
  data?: Record<string, unknown>;
}

export interface ChainHead {
  eventCount: number;
  headHash: string | null;
}

/** The event's row (with its hashes) after `head`; nothing is written. */
export function chainedEvent(ticketId: string, head: ChainHead, event: NewTicketEvent, at: Date) {
  const fields = {
    ticketId,
    seq: head.eventCount + 1,
    type: event.type,
    actor: event.actor,
    note: event.note ?? null,
    data: event.data ?? {},
    createdAt: at,
  };
  const prevHash = head.headHash ?? GENESIS_HASH;
  const content = contentHash(fields);
  return {
    ...fields,
    data: fields.data as object,
    contentHash: content,
    purgedAt: null,
    prevHash,
    hash: eventHash(prevHash, { ...fields, contentHash: content }),
  };
}
