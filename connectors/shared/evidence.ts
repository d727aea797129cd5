// Photos, videos and locations a citizen sends while complaining become evidence
// (TicketAttachment): attached to their latest open ticket from the last window, or,
// when they have started a complaint but not described it yet, held and attached to
// the ticket it becomes. Each attachment is also an event in the ticket's history.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../src/db/database.ts";
import type { Tx } from "../../src/db/transaction.ts";
import { chainedEvent } from "../../src/tickets/ticket-events.ts";
import { readTicket, writeTransition } from "../../src/tickets/ticket-writes.ts";
import type { ChannelInput } from "./channel-input.ts";

/** Statuses after which a ticket takes no more evidence. */
const FINISHED = ["resolved", "closed", "rejected", "withdrawn"];
const CONTEXT_FLAG = "complaintStartedAt";

export type EvidenceAction = Extract<ChannelInput["action"], { type: "media" | "location" }>;

export interface OpenTicket {
  id: string;
  number: string;
}

export class EvidenceDesk {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly windowMs: number,
  ) {}

  /** The citizen's latest ticket that is still open and was filed within the window. */
  async openTicket(conversationId: string, now: Date): Promise<OpenTicket | undefined> {
    const ticket = await this.prisma.ticket.findFirst({
      where: { conversationId, status: { notIn: FINISHED }, createdAt: { gte: this.since(now) } },
      orderBy: { createdAt: "desc" },
      select: { id: true, number: true },
    });
    return ticket ?? undefined;
  }

  /** True when the citizen asked to complain (menu) within the window and has not filed it yet. */
  async complaintStarted(conversationId: string, now: Date): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ started: Date | null }[]>`
      SELECT ("context"->>${CONTEXT_FLAG})::timestamptz AS "started" FROM "Conversation" WHERE "id" = ${conversationId}`;
    const started = rows[0]?.started;
    return !!started && started.getTime() >= this.since(now).getTime();
  }

  async startComplaint(tx: Tx, conversationId: string, at: Date): Promise<void> {
    await tx.$executeRaw`
      UPDATE "Conversation" SET "context" = "context" || jsonb_build_object(${CONTEXT_FLAG}::text, ${at.toISOString()}::text)
      WHERE "id" = ${conversationId}`;
  }

  /** Records the evidence in the caller's transaction; `ticket` undefined holds it for the complaint being filed. */
  async attach(tx: Tx, input: ChannelInput & { action: EvidenceAction }, ids: { conversationId: string; sourceMessageId: string }, ticket?: OpenTicket) {
    const { action } = input;
    const attachment = await tx.ticketAttachment.create({
      data: {
        conversationId: ids.conversationId,
        ticketId: ticket?.id ?? null,
        sourceMessageId: ids.sourceMessageId,
        channel: input.channel,
        kind: action.type === "media" ? action.media : "location",
        mediaId: action.type === "media" ? (action.mediaId ?? null) : null,
        url: action.type === "media" ? (action.url ?? null) : null,
        data:
          action.type === "location"
            ? { latitude: action.latitude, longitude: action.longitude, label: action.label ?? null, scale: action.scale ?? null }
            : {},
        createdAt: input.receivedAt,
      },
    });
    if (ticket) await this.recordOnTicket(tx, ticket.id, input.channel, [attachment], input.receivedAt);
  }

  /** After a complaint is filed: attaches what the citizen sent for it beforehand. */
  async attachHeld(conversationId: string, ticketNumber: string, channel: string, now: Date): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUnique({ where: { number: ticketNumber }, select: { id: true } });
      if (!ticket) return 0;
      await tx.$executeRaw`
        UPDATE "Conversation" SET "context" = "context" - ${CONTEXT_FLAG}::text WHERE "id" = ${conversationId}`;
      const held = await tx.ticketAttachment.findMany({
        where: { conversationId, ticketId: null, createdAt: { gte: this.since(now) } },
        orderBy: { createdAt: "asc" },
      });
      if (held.length === 0) return 0;
      await tx.ticketAttachment.updateMany({ where: { id: { in: held.map((a) => a.id) } }, data: { ticketId: ticket.id } });
      await this.recordOnTicket(tx, ticket.id, channel, held, now);
      return held.length;
    });
  }

  private async recordOnTicket(tx: Tx, ticketId: string, channel: string, attachments: { id: string; kind: string }[], at: Date) {
    // The history is a hash chain whose head lives on the ticket: read it under the row
    // lock, so two additions cannot both take the next link, and write event and head together.
    const ticket = await readTicket(tx, { id: ticketId }, true);
    if (!ticket) return;
    const event = chainedEvent(
      ticketId,
      ticket,
      {
        type: "evidence_added",
        actor: `citizen:${channel}`,
        note: `群众补充材料：${attachments.map((a) => KIND_NAMES[a.kind] ?? a.kind).join("、")}`,
        data: { attachmentIds: attachments.map((a) => a.id) },
      },
      at,
    );
    await writeTransition(tx, {
      ticketId,
      set: { eventCount: event.seq, headHash: event.hash, updatedAt: at },
      incrementReopenCount: false,
      event: { ...event, id: randomUUID() },
    });
  }

  private since(now: Date): Date {
    return new Date(now.getTime() - this.windowMs);
  }
}

export const KIND_NAMES: Record<string, string> = { image: "图片", video: "视频", location: "位置" };
