// Filing and routing complaints in tests through the real ticket and routing code.
// openTestTicket bypasses language understanding (another part of the hub, tested on
// its own), so these tests do not depend on how a message is classified.
import { randomUUID } from "node:crypto";
import { conversationIdFor } from "../../src/conversation/conversation-id.ts";
import type { Channel } from "../../src/messages/messages.ts";
import type { Hub } from "../../src/hub.ts";
import { nextTicketNumber, openTicket, type NewTicket } from "../../src/cases/open-ticket.ts";

const NAME_CHARS = [...new Set("安宁康乐福寿长春和平光明团结胜利建设幸福文化新华民主复兴朝阳友谊红旗前进东风振")].join(
  "",
);

let nextRoad = Math.floor(Math.random() * NAME_CHARS.length ** 4);

/**
 * A road name no other test uses ("康乐福路"): complaints naming different roads are
 * never taken for duplicates of each other (并案), so tests stay independent.
 */
export function road(): string {
  // Consecutive numbers written in NAME_CHARS, from a random start: never the same
  // name twice in one test process (random names collided about once in 200 runs).
  let n = nextRoad++;
  let name = "";
  for (let i = 0; i < 4; i++) {
    name += NAME_CHARS[n % NAME_CHARS.length];
    n = Math.floor(n / NAME_CHARS.length);
  }
  return `${name}路`;
}

export function message(
  text: string,
  channelUserId = `citizen-${randomUUID().slice(0, 8)}`,
  channel: Channel = "webchat",
) {
  return { channel, channelUserId, text, channelMessageId: randomUUID(), receivedAt: new Date() };
}

/** Files a complaint through the conversation pipeline; returns the stored ticket. */
export async function fileComplaint(hub: Hub, text: string, channelUserId?: string) {
  const outcome = await hub.pipeline.handle(message(text, channelUserId));
  if (!outcome.ticket) throw new Error(`not filed as a complaint: ${text} (${outcome.understanding.kind})`);
  return hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: outcome.ticket.number } });
}

/** Opens a ticket as the pipeline would (conversation, number, ticket, first event, routing job). */
export async function openTestTicket(
  hub: Hub,
  text: string,
  options: { channelUserId?: string; channel?: Channel; at?: Date } & Partial<
    Pick<NewTicket, "kind" | "domain" | "category" | "district" | "address" | "latitude" | "longitude">
  > = {},
) {
  const {
    channelUserId = `citizen-${randomUUID().slice(0, 8)}`,
    channel = "webchat",
    at = new Date(),
    ...rest
  } = options;
  const conversationId = conversationIdFor(channel, channelUserId);
  const prisma = hub.db.prisma;
  await prisma.conversation.upsert({
    where: { id: conversationId },
    create: { id: conversationId, channel, channelUserId },
    update: {},
  });
  const number = await nextTicketNumber(prisma, hub.config.timeZone, at);
  return prisma.$transaction((tx) =>
    openTicket(
      tx,
      {
        number,
        kind: "complaint",
        text,
        channel,
        channelUserId,
        conversationId,
        sourceMessageId: randomUUID(),
        ...rest,
      },
      at,
    ),
  );
}

/** Opens a ticket and runs its routing job in this process (no queue worker needed). */
export async function fileAndRoute(hub: Hub, text: string, options: Parameters<typeof openTestTicket>[2] = {}) {
  const filed = await openTestTicket(hub, text, options);
  await hub.cases.route(filed.id);
  return hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: filed.id } });
}

export async function eventsOf(hub: Hub, ticketId: string) {
  return hub.db.prisma.ticketEvent.findMany({ where: { ticketId }, orderBy: { seq: "asc" } });
}
