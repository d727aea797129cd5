// One pipeline for every channel: record the message, understand it, answer or
// escalate, record the reply. Idempotent on (channel, channelMessageId): a retried
// message gets the stored answer and never a second ticket.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import { isUniqueViolation, type Tx } from "../db/transaction.ts";
import { openTicket } from "../tickets/open-ticket.ts";
import type { Understander, Understanding } from "../understanding/understander.ts";
import type { ConversationOutcome, InboundMessage } from "./messages.ts";
import * as say from "./reply-text.ts";

export interface PipelineOptions {
  timeZone: string;
  hotline: string;
  /** Called after a committed transaction wrote queue work, so it is relayed without waiting for the next poll. */
  onOutboxWritten?: () => void;
}

export class ConversationPipeline {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly understander: () => Understander,
    private readonly options: PipelineOptions,
  ) {}

  async handle(message: InboundMessage): Promise<ConversationOutcome> {
    const earlier = await this.storedOutcome(message);
    if (earlier) return earlier;

    const understanding = this.understander().understand(message.text);
    try {
      const outcome = await this.prisma.$transaction((tx) => this.record(tx, message, understanding));
      // A ticket wrote routing work to the outbox: relay it now rather than at the next poll.
      if (outcome.ticket) this.options.onOutboxWritten?.();
      return outcome;
    } catch (error) {
      // A concurrent retry of the same message committed first: answer as it did.
      if (isUniqueViolation(error)) {
        const outcome = await this.storedOutcome(message);
        if (outcome) return outcome;
      }
      throw error;
    }
  }

  private async storedOutcome(message: InboundMessage): Promise<ConversationOutcome | undefined> {
    const stored = await this.prisma.message.findUnique({
      where: { channel_channelMessageId: { channel: message.channel, channelMessageId: message.channelMessageId } },
      select: { outcome: true },
    });
    return stored?.outcome ? { ...(stored.outcome as unknown as ConversationOutcome), duplicate: true } : undefined;
  }

  private async record(tx: Tx, message: InboundMessage, understanding: Understanding): Promise<ConversationOutcome> {
    const now = message.receivedAt;
    const conversation = await tx.conversation.upsert({
      where: { channel_channelUserId: { channel: message.channel, channelUserId: message.channelUserId } },
      create: { channel: message.channel, channelUserId: message.channelUserId, createdAt: now, lastActiveAt: now },
      update: { lastActiveAt: now },
      select: { id: true },
    });
    const inboundId = randomUUID();
    // Insert the inbound message first: its unique key is what makes retries safe.
    await tx.message.create({
      data: {
        id: inboundId,
        conversationId: conversation.id,
        direction: "in",
        channel: message.channel,
        channelMessageId: message.channelMessageId,
        text: message.text,
        raw: message.raw === undefined ? undefined : (message.raw as object),
        createdAt: now,
      },
    });

    const outcome = await this.respond(tx, message, understanding, { conversationId: conversation.id, inboundId });
    await tx.message.update({ where: { id: inboundId }, data: { outcome: outcome as object } });
    await tx.message.createMany({
      data: outcome.replies.map((reply) => ({
        conversationId: conversation.id,
        direction: "out",
        channel: message.channel,
        text: reply.text,
        inReplyToId: inboundId,
      })),
    });
    return outcome;
  }

  private async respond(
    tx: Tx,
    message: InboundMessage,
    understanding: Understanding,
    ids: { conversationId: string; inboundId: string },
  ): Promise<ConversationOutcome> {
    const summary: ConversationOutcome["understanding"] = {
      kind: understanding.kind,
      confidence: understanding.confidence,
      ...(understanding.serviceItem && {
        serviceItem: { code: understanding.serviceItem.code, name: understanding.serviceItem.name },
      }),
    };
    const text = (t: string) => [{ type: "text" as const, text: t }];
    const { hotline } = this.options;

    switch (understanding.kind) {
      case "service":
        return { replies: text(say.serviceAnswer(understanding.serviceItem!)), understanding: summary };
      case "complaint": {
        const ticket = await openTicket(
          tx,
          {
            kind: "complaint",
            text: message.text,
            domain: understanding.domain,
            channel: message.channel,
            channelUserId: message.channelUserId,
            conversationId: ids.conversationId,
            sourceMessageId: ids.inboundId,
          },
          this.options.timeZone,
          message.receivedAt,
        );
        return {
          replies: text(say.complaintReceived(ticket.number, hotline)),
          understanding: summary,
          ticket: { number: ticket.number, status: ticket.status },
        };
      }
      case "suggestion":
        await tx.feedback.create({
          data: {
            kind: "suggestion",
            channel: message.channel,
            channelUserId: message.channelUserId,
            text: message.text,
            domain: understanding.domain ?? null,
            sourceMessageId: ids.inboundId,
          },
        });
        return { replies: text(say.suggestionReceived()), understanding: summary };
      case "greeting":
        return { replies: text(say.greeting()), understanding: summary };
      case "handoff":
        return { replies: text(say.handoff(hotline)), understanding: summary };
      case "unknown":
        return { replies: text(say.notUnderstood(hotline)), understanding: summary };
    }
  }
}
