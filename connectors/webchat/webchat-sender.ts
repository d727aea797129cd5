// Web chat's outbound half. A browser cannot be called back, so a notice is put in
// the citizen's conversation (where the page finds it) and announced on Redis
// pub/sub, so whichever web process holds the citizen's live socket can push it.
import type { Redis } from "ioredis";
import { type ChannelSender, DeliveryError, type OutboundMessage } from "../../src/outbound/channel-sender.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import { conversationIdFor } from "../../src/conversation/conversation-id.ts";
import { type NoticePayload, webchatNoticeTopic } from "./notice.ts";

export class WebchatSender implements ChannelSender {
  readonly channel = "webchat" as const;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const conversationId = conversationIdFor(message.channel, message.channelUserId);
    const conversation = await this.prisma.conversation.findUnique({
      where: { id: conversationId },
      select: { id: true },
    });
    if (!conversation) throw new DeliveryError(`no web chat session ${message.channelUserId}`, "undeliverable");
    // Idempotent per delivery: the delivery id is the message id, so a retried send writes nothing new.
    // Quick replies (the rating buttons) are kept with the text, for a page that fetches it later.
    const at = new Date();
    await this.prisma.message.createMany({
      data: message.replies.map((reply, i) => ({
        id: `${message.deliveryId}:${i}`,
        conversationId,
        direction: "out",
        channel: message.channel,
        text: reply.text,
        ...(reply.quickReplies && { raw: { quickReplies: reply.quickReplies } as object }),
        createdAt: at,
      })),
      skipDuplicates: true,
    });
    const notice: NoticePayload = {
      id: message.deliveryId,
      at: at.toISOString(),
      replies: message.replies.map((reply) => ({
        type: "text",
        text: reply.text,
        ...(reply.quickReplies && { quickReplies: reply.quickReplies }),
      })),
    };
    await this.redis.publish(webchatNoticeTopic(this.prefix, message.channelUserId), JSON.stringify(notice));
  }
}
