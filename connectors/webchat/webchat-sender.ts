// Web chat's outbound half. A browser cannot be called back, so a notice is put in
// the citizen's conversation (where the page finds it) and announced on Redis
// pub/sub, so whichever web process holds the citizen's live socket can push it.
import type { Redis } from "ioredis";
import { type ChannelSender, DeliveryError, type OutboundMessage } from "../../src/outbound/channel-sender.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import { conversationIdFor } from "../../src/conversation/conversation-id.ts";

export function webchatNoticeTopic(prefix: string, sessionId: string): string {
  return `${prefix}:webchat:notice:${sessionId}`;
}

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
    await this.prisma.message.createMany({
      data: message.replies.map((reply, i) => ({
        id: `${message.deliveryId}:${i}`,
        conversationId,
        direction: "out",
        channel: message.channel,
        text: reply.text,
      })),
      skipDuplicates: true,
    });
    await this.redis.publish(
      webchatNoticeTopic(this.prefix, message.channelUserId),
      JSON.stringify({ replies: message.replies }),
    );
  }
}
