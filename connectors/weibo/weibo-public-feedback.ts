// Public posts about the account (mentions and comments) go through the same
// conversation pipeline as private messages, as public feedback. A complaint gets a
// ticket and its author a private message with the ticket number; a public reply
// under the post only when WEIBO_PUBLIC_REPLY is on. Both are notices on the
// outbound queue, keyed on the post, so a post seen twice (push and poll, or a
// repeated poll) is answered once.
//
// A mention can also arrive as a push, which is answered in the push's own reply (a
// private message, and Weibo allows one reply per mention). Then that reply is the
// private answer, whatever the post asked, and the poller's copy adds nothing.
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import type { ConversationOutcome, Reply } from "../../src/messages/messages.ts";
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

  /** A post the poller found: taken in; a complaint's author is told the ticket number in private. */
  async ingest(post: PublicPost): Promise<ConversationOutcome> {
    const outcome = await this.takeIn(post);
    // Also for a repeat (outcome.duplicate): a crash may have come between the ticket and its notices.
    if (outcome.ticket) {
      const answeredInPush = outcome.duplicate && (await this.cameAsPush(post));
      const notices = [
        ...(answeredInPush ? [] : [{ kind: "private" as const, replies: outcome.replies }]),
        ...this.publicNotice(post, outcome),
      ];
      if (notices.length > 0) await this.notices(post, notices);
    }
    return outcome;
  }

  /** A mention push: taken in; returns the private answer the push's reply carries. */
  async answerPush(post: PublicPost): Promise<Reply[]> {
    const outcome = await this.takeIn(post);
    // The poller saw it first and has told a complainant already.
    if (outcome.duplicate && outcome.ticket && !(await this.cameAsPush(post))) return [];
    const publicNotice = this.publicNotice(post, outcome);
    if (publicNotice.length > 0) await this.notices(post, publicNotice);
    return outcome.replies;
  }

  /** The private answer to a mention, sent later (it missed the push's time limit). */
  sendPrivately(post: PublicPost, replies: Reply[]): Promise<void> {
    return replies.length > 0 ? this.notices(post, [{ kind: "private", replies }]) : Promise.resolve();
  }

  private takeIn(post: PublicPost): Promise<ConversationOutcome> {
    return this.deps.pipeline.handle({
      channel: "weibo",
      channelUserId: post.uid,
      text: withoutMentions(post.text),
      channelMessageId: publicPostMessageId(post),
      receivedAt: post.createdAt,
      raw: post.raw,
    });
  }

  /** True when the post was first recorded from a mention push (its record keeps the push). */
  private async cameAsPush(post: PublicPost): Promise<boolean> {
    const rows = await this.deps.prisma.$queryRaw<{ push: boolean }[]>`
      SELECT ("raw"->>'type') = 'mention' AS "push" FROM "Message"
      WHERE "channel" = 'weibo' AND "channelMessageId" = ${publicPostMessageId(post)}`;
    return rows[0]?.push === true;
  }

  private publicNotice(
    post: PublicPost,
    outcome: ConversationOutcome,
  ): { kind: "public"; replies: Reply[]; to: WeiboAddress }[] {
    if (!this.deps.publicReply || !outcome.ticket) return [];
    const to: WeiboAddress | undefined =
      post.kind === "comment" && post.statusId && post.commentId
        ? { comment: { statusId: post.statusId, commentId: post.commentId } }
        : post.statusId
          ? { post: post.statusId }
          : undefined;
    return to
      ? [
          {
            kind: "public",
            to,
            replies: [{ type: "text", text: publicComplaintReply(outcome.ticket.number, outcome.understanding.kind) }],
          },
        ]
      : [];
  }

  private async notices(
    post: PublicPost,
    notices: ({ kind: "private"; replies: Reply[] } | { kind: "public"; replies: Reply[]; to: WeiboAddress })[],
  ) {
    const id = publicPostMessageId(post);
    await this.deps.prisma.$transaction(async (tx) => {
      for (const notice of notices) {
        await notify(tx, {
          channel: "weibo",
          channelUserId: notice.kind === "private" ? post.uid : formatWeiboAddress(notice.to),
          replies: notice.replies,
          reason: `weibo:public:${id}:${notice.kind}`,
        });
      }
    });
    this.deps.kickRelay();
  }
}
