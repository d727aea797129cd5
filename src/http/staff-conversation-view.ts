// Which messages of a citizen's conversation belong to one ticket, for the staff view.
// A conversation may hold several tickets for different departments; each department
// sees only its own ticket's part.
//
// A message names a ticket when it filed it (its source message), when its outcome names
// it (a supplement, a rating, a dispute, a query about it) or, for a notice pushed to the
// citizen, when its text quotes the ticket's number. A message naming no ticket (a
// greeting, a question, the details asked for before filing) belongs to the ticket
// named next: it led up to it. Those after the last named ticket belong to that ticket.
// So every message belongs to at most one ticket, and another ticket's part is never shown.
import type { Reply } from "../messages/messages.ts";

export interface ConversationRow {
  id: string;
  direction: string;
  text: string;
  outcome: unknown;
  createdAt: Date;
}

export interface ConversationTicket {
  number: string;
  sourceMessageId: string;
  createdAt: Date;
}

export interface ConversationMessage {
  direction: "in" | "out";
  text: string;
  at: string;
}

const TICKET_NUMBER = /GD\d{8}-\d{6,}/g;

/** The messages of `ticket` among `rows` (oldest first), with the replies each inbound message got. */
export function messagesOfTicket(
  rows: readonly ConversationRow[],
  tickets: readonly ConversationTicket[],
  ticket: string,
): ConversationMessage[] {
  const numbers = new Set(tickets.map((t) => t.number));
  const bySource = new Map(tickets.map((t) => [t.sourceMessageId, t.number]));
  const rowIds = new Set(rows.map((r) => r.id));

  function named(row: ConversationRow): string | undefined {
    const outcome = row.outcome as { ticket?: { number?: unknown } } | null;
    const fromOutcome = outcome?.ticket?.number;
    if (typeof fromOutcome === "string") return fromOutcome;
    const filed = bySource.get(row.id);
    if (filed) return filed;
    if (row.direction === "out")
      return [...row.text.matchAll(TICKET_NUMBER)].map((m) => m[0]).find((n) => numbers.has(n));
    return undefined;
  }

  // A ticket whose source message is not stored here (filed by another path) is named at its filing time.
  type Item = { row?: ConversationRow; at: Date; names?: string };
  const items: Item[] = rows.map((row) => ({ row, at: row.createdAt, names: named(row) }));
  for (const t of tickets) if (!rowIds.has(t.sourceMessageId)) items.push({ at: t.createdAt, names: t.number });
  // Stable: a filing without a message comes after the messages of the same instant.
  items.sort((a, b) => a.at.getTime() - b.at.getTime());

  const mine: ConversationRow[] = [];
  let pending: ConversationRow[] = [];
  let lastNamed: string | undefined;
  for (const item of items) {
    if (item.names === undefined) {
      if (item.row) pending.push(item.row);
      continue;
    }
    if (item.names === ticket) mine.push(...pending, ...(item.row ? [item.row] : []));
    pending = [];
    lastNamed = item.names;
  }
  if (lastNamed === ticket) mine.push(...pending);

  const messages: ConversationMessage[] = [];
  for (const row of mine) {
    const at = row.createdAt.toISOString();
    messages.push({ direction: row.direction === "in" ? "in" : "out", text: row.text, at });
    // An inbound message keeps the replies it got in its outcome.
    const replies = (row.outcome as { replies?: Reply[] } | null)?.replies ?? [];
    for (const reply of replies) messages.push({ direction: "out", text: reply.text, at });
  }
  return messages;
}
