// The one answer to 查询工单 without a ticket number, however the citizen asks: typed
// (the citizen desk) or tapped in a channel's menu. Each ticket's state is said in the
// public wording of src/tickets (STATUS_LABELS), the same the ticket API shows.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { Channel } from "../messages/messages.ts";
import type { TicketStatus } from "../tickets/ticket-status.ts";
import { formatLocalTime } from "../cases/notice-text.ts";
import { deskReply } from "./desk-replies.ts";

/** How many of the citizen's tickets the answer lists, newest first. */
const SHOWN = 3;

export async function latestTickets(
  db: PrismaClient | Tx,
  citizen: { channel: Channel; channelUserId: string },
  words: { hotline: string; timeZone: string },
): Promise<{ text: string; ticket?: Ticket }> {
  const tickets = await db.ticket.findMany({
    where: { channel: citizen.channel, channelUserId: citizen.channelUserId },
    orderBy: { createdAt: "desc" },
    take: SHOWN,
  });
  if (tickets.length === 0) return { text: deskReply.noTickets(words.hotline) };
  const lines = tickets.map((t) =>
    deskReply.latestLine(t.number, t.status as TicketStatus, formatLocalTime(t.createdAt, words.timeZone)),
  );
  return { text: deskReply.latest(lines), ticket: tickets[0]! };
}
