// Photos, videos and locations a citizen sends on a messaging channel. The material
// itself is kept as a TicketAttachment (the platform's media id, URL, coordinates).
// It reaches a ticket the one way everything a citizen adds does, whichever channel
// it came from: case management's `supplement` action (CitizenDesk.supplementIn), an
// event on the ticket's hash-chained history. It goes to the citizen's ticket that
// takes supplements (CitizenDesk.supplementTarget); or, when they have started a
// complaint (menu 我要投诉) but not described it yet, it is held and added to the
// ticket the complaint becomes.
import type { CitizenDesk } from "./citizen-desk.ts";
import { COMPLAINT_FILED, changeContext, type ConversationContext } from "./conversation-context.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { Supplement } from "../tickets/lifecycle.ts";
import type { Applied } from "../cases/ticket-actions.ts";
import type { ChannelInput } from "../messages/channel-input.ts";

export type EvidenceAction = Extract<ChannelInput["action"], { type: "media" | "location" }>;

/** What of case management the channels use to add material to tickets. */
export type SupplementDesk = Pick<CitizenDesk, "supplementTarget" | "supplementIn" | "afterCommit">;

interface Citizen {
  channel: ChannelInput["channel"];
  channelUserId: string;
}

interface StoredAttachment {
  id: string;
  kind: string;
  mediaId: string | null;
  url: string | null;
  data: unknown;
}

export class EvidenceDesk {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly supplements: SupplementDesk,
    /** How long after 我要投诉 material is held for the complaint being described. */
    private readonly holdWindowMs: number,
  ) {}

  /** The ticket this citizen's material goes to now, if any. */
  target(citizen: Citizen, now: Date): Promise<Ticket | undefined> {
    return this.supplements.supplementTarget(citizen, now);
  }

  /** When the citizen asked to complain (menu), if within the window and not filed yet. */
  complaintStarted(context: ConversationContext, now: Date): Date | undefined {
    const started = context.complaintStartedAt;
    return started && started.getTime() >= this.since(now).getTime() ? started : undefined;
  }

  /**
   * Keeps the material and, with a ticket, adds it to that ticket — in the caller's
   * transaction (the caller runs afterCommit() with the result). No ticket: held for
   * the complaint being described.
   */
  async attach(
    tx: Tx,
    input: ChannelInput & { action: EvidenceAction },
    ids: { conversationId: string; sourceMessageId: string },
    ticket: { id: string } | undefined,
  ): Promise<Applied[]> {
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
            ? {
                latitude: action.latitude,
                longitude: action.longitude,
                label: action.label ?? null,
                scale: action.scale ?? null,
              }
            : {},
        createdAt: input.receivedAt,
      },
    });
    if (!ticket) return [];
    return this.supplements.supplementIn(tx, ticket.id, supplementOf(attachment), input, input.receivedAt);
  }

  /**
   * Holds the material of a message the conversation pipeline recorded (a location that
   * answered the intake's "where"), for the ticket the complaint becomes. Idempotent: a
   * retry after a crash holds it once.
   */
  async holdRecorded(input: ChannelInput & { action: EvidenceAction }, conversationId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const [recorded] = await tx.$queryRaw<{ id: string; held: boolean }[]>`
        SELECT m."id", EXISTS (SELECT 1 FROM "TicketAttachment" a WHERE a."sourceMessageId" = m."id") AS "held"
        FROM "Message" m WHERE m."channel" = ${input.channel} AND m."channelMessageId" = ${input.channelMessageId}`;
      if (!recorded || recorded.held) return;
      await this.attach(tx, input, { conversationId, sourceMessageId: recorded.id }, undefined);
    });
  }

  afterCommit(applied: Applied[]): Promise<void> {
    return applied.length > 0 ? this.supplements.afterCommit(applied) : Promise.resolve();
  }

  /**
   * After a message of this citizen's filed a ticket: adds to it what they sent for
   * the complaint beforehand. Idempotent (held material is added once), so it also
   * runs when the message is handled again after a crash.
   */
  async attachHeld(
    citizen: Citizen,
    conversationId: string,
    filed: { ticketNumber: string; channelMessageId: string },
    now: Date,
  ): Promise<number> {
    let applied: Applied[] = [];
    const count = await this.prisma.$transaction(async (tx) => {
      // Only the ticket this very message filed (not one it merely asked about).
      const [ticket] = await tx.$queryRaw<{ id: string }[]>`
        SELECT t."id" FROM "Ticket" t JOIN "Message" m ON m."id" = t."sourceMessageId"
        WHERE t."number" = ${filed.ticketNumber} AND m."channel" = ${citizen.channel} AND m."channelMessageId" = ${filed.channelMessageId}`;
      if (!ticket) return 0;
      await changeContext(tx, conversationId, COMPLAINT_FILED);
      const held = await tx.ticketAttachment.findMany({
        where: { conversationId, ticketId: null, createdAt: { gte: this.since(now) } },
        orderBy: { createdAt: "asc" },
      });
      if (held.length === 0) return 0;
      await tx.ticketAttachment.updateMany({
        where: { id: { in: held.map((a) => a.id) } },
        data: { ticketId: ticket.id },
      });
      for (const attachment of held) {
        applied = applied.concat(
          await this.supplements.supplementIn(tx, ticket.id, supplementOf(attachment), citizen, now),
        );
      }
      return held.length;
    });
    await this.afterCommit(applied);
    return count;
  }

  private since(now: Date): Date {
    return new Date(now.getTime() - this.holdWindowMs);
  }
}

/** The supplement recorded on the ticket for a kept attachment. */
function supplementOf(attachment: StoredAttachment): Supplement {
  if (attachment.kind === "location") {
    const place = attachment.data as {
      latitude: number;
      longitude: number;
      label: string | null;
      scale: number | null;
    };
    return {
      kind: "location",
      latitude: place.latitude,
      longitude: place.longitude,
      ...(place.label && { label: place.label }),
      ...(place.scale !== null && { scale: place.scale }),
      attachmentId: attachment.id,
    };
  }
  return {
    kind: attachment.kind === "video" ? "video" : "image",
    ...(attachment.mediaId && { mediaId: attachment.mediaId }),
    ...(attachment.url && { url: attachment.url }),
    attachmentId: attachment.id,
  };
}
