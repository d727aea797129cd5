// Public posts about the account (mentions and comments) go through the same
// conversation pipeline as private messages, as public feedback. A complaint gets a
// ticket and its author a private message with the ticket number; a public reply
// under the post only when WEIBO_PUBLIC_REPLY is on. Both are notices on the
// outbound queue, keyed on the post, so a post seen twice (push and poll, or a
// repeated poll) is answered once.
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import type { ConversationOutcome } from "../../src/conversation/messages.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import { notify } from "../../src/outbound/notifier.ts";
import { formatWeiboAddress, type WeiboAddress } from "./weibo-address.ts";
import { type PublicPost, publicPostMessageId, withoutMentions } from "./weibo-public-post.ts";
import { publicComplaintReply } from "./weibo-text.ts";

export interface PublicFeedbackDeps {
  prisma: PrismaClient;
  pipeline: ConversationPipeline;
  publicReply: boolean;
  kickRelay: () => void;
}

export class WeiboPublicFeedback {
  constructor(private readonly deps: PublicFeedbackDeps) {}

  async ingest(post: PublicPost): Promise<ConversationOutcome> {
    const channelMessageId = publicPostMessageId(post);
    const outcome = await this.deps.pipeline.handle({
      channel: "weibo",
      channelUserId: post.uid,
      text: withoutMentions(post.text),
      channelMessageId,
      receivedAt: post.createdAt,
      raw: post.raw,
    });
    // Also for a repeat (outcome.duplicate): a crash may have come between the ticket and its notices.
    if (outcome.ticket) await this.acknowledge(post, channelMessageId, outcome, outcome.ticket.number);
    return outcome;
  }

  private async acknowledge(post: PublicPost, channelMessageId: string, outcome: ConversationOutcome, ticketNumber: string) {
    const publicTarget: WeiboAddress | undefined =
      post.kind === "comment" && post.statusId && post.commentId
        ? { comment: { statusId: post.statusId, commentId: post.commentId } }
        : post.statusId
          ? { post: post.statusId }
          : undefined;
    await this.deps.prisma.$transaction(async (tx) => {
      await notify(tx, {
        channel: "weibo",
        channelUserId: post.uid,
        replies: outcome.replies,
        reason: `weibo:public:${channelMessageId}:private`,
      });
      if (this.deps.publicReply && publicTarget) {
        await notify(tx, {
          channel: "weibo",
          channelUserId: formatWeiboAddress(publicTarget),
          replies: [{ type: "text", text: publicComplaintReply(ticketNumber) }],
          reason: `weibo:public:${channelMessageId}:public`,
        });
      }
    });
    this.deps.kickRelay();
  }
}
