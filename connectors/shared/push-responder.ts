// Answers a channel's pushes: passively within the budget when possible (see
// PassiveReplies), otherwise later through the platform's API — as a notice on the
// outbound queue — or, when this process is busy or died on the way, through a job
// on the `inbound` queue (see PushSafetyNet), which answers it the same later way.
import type { Reply } from "../../src/messages/messages.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import { notify } from "../../src/outbound/notifier.ts";
import type { QueuedInboundHandler } from "./channel-module.ts";
import type { ChannelConversation } from "../../src/conversation/channel-conversation.ts";
import type { ChannelInput } from "../../src/messages/channel-input.ts";
import type { PassiveDecision, PassiveReplies } from "../../src/infra/passive-reply.ts";

export interface PushResponderDeps {
  conversation: ChannelConversation;
  passive: PassiveReplies;
  prisma: PrismaClient;
  /** Relays the outbox now instead of at its next poll. */
  kickRelay: () => void;
}

interface QueuedPush {
  input: Omit<ChannelInput, "receivedAt"> & { receivedAt: string };
}

export class PushResponder implements QueuedInboundHandler {
  constructor(private readonly deps: PushResponderDeps) {}

  /** `waitedMs`: time the push spent in this process before it got here (counts against the budget). */
  respond(input: ChannelInput, waitedMs = 0): Promise<PassiveDecision<Reply[]>> {
    return this.deps.passive.answer(
      {
        key: `${input.channel}:${input.channelMessageId}`,
        work: () => this.deps.conversation.handle(input),
        sendLater: (replies) => this.sendLater(input, replies),
        queued: {
          name: input.channel,
          data: { input: { ...input, receivedAt: input.receivedAt.toISOString() } } satisfies QueuedPush,
        },
      },
      waitedMs,
    );
  }

  /** The inbound queue's worker: answers a message that was queued instead of answered passively. */
  async handleQueued(payload: unknown): Promise<void> {
    // In a process that also serves pushes, those come first: a backlog must not slow them down.
    await this.deps.passive.whenCalm();
    const { input } = payload as QueuedPush;
    const restored: ChannelInput = { ...input, receivedAt: new Date(input.receivedAt) };
    await this.sendLater(restored, await this.deps.conversation.handle(restored));
  }

  /**
   * Sends replies through the outbound queue (the platform's API). `part` tells apart
   * several later sends for one message; each is sent once however often this runs.
   */
  async sendLater(input: ChannelInput, replies: Reply[], part = "answer"): Promise<void> {
    if (replies.length === 0) return;
    const reason = `${input.channel}:${part}:${input.channelMessageId}`;
    await this.deps.prisma.$transaction((tx) =>
      notify(tx, { channel: input.channel, channelUserId: input.channelUserId, replies, reason }),
    );
    this.deps.kickRelay();
  }
}
