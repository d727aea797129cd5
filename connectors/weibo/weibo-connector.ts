// The Weibo connector's parts, built once per process from the configuration.
import type { Redis } from "ioredis";
import type { WeiboConfig } from "./weibo-config.ts";
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import type { Logger } from "../../src/logger.ts";
import type { QueuedInboundHandler } from "../shared/channel-module.ts";
import type { PassiveDecision, PassiveReplies } from "../../src/infra/passive-reply.ts";
import type { Reply } from "../../src/messages/messages.ts";
import type { PushGuard } from "../shared/push-guard.ts";
import type { PushResponder } from "../shared/push-responder.ts";
import { WeiboApi } from "./weibo-api.ts";
import { WeiboPoller } from "./weibo-poller.ts";
import { type PublicPost, publicPostMessageId } from "./weibo-public-post.ts";
import { WeiboPublicFeedback } from "./weibo-public-feedback.ts";
import { WeiboSender } from "./weibo-sender.ts";

export interface WeiboConnector extends QueuedInboundHandler {
  config: WeiboConfig;
  api: WeiboApi;
  sender: WeiboSender;
  responder: PushResponder;
  /** Refuses stale and replayed pushes. */
  guard: PushGuard;
  feedback: WeiboPublicFeedback;
  poller: WeiboPoller;
  /** A mention push: its private answer passively when ready in time, else later. */
  respondToMention(post: PublicPost, waitedMs: number): Promise<PassiveDecision<Reply[]>>;
}

interface QueuedPost {
  post: Omit<PublicPost, "createdAt"> & { createdAt: string };
  /** A mention push shed under load: its private answer is still owed. */
  fromPush: boolean;
}

export function createWeiboConnector(deps: {
  config: WeiboConfig;
  redis: Redis;
  prefix: string;
  log: Logger;
  prisma: PrismaClient;
  pipeline: ConversationPipeline;
  responder: PushResponder;
  guard: PushGuard;
  passive: PassiveReplies;
  kickRelay: () => void;
}): WeiboConnector {
  const { config } = deps;
  const api = new WeiboApi(config);
  const feedback = new WeiboPublicFeedback({
    prisma: deps.prisma,
    pipeline: deps.pipeline,
    publicReply: config.publicReply,
    kickRelay: deps.kickRelay,
  });
  const poller = new WeiboPoller({
    api,
    prisma: deps.prisma,
    feedback,
    redis: deps.redis,
    prefix: deps.prefix,
    log: deps.log,
    intervalMs: config.pollIntervalMs,
  });
  return {
    config,
    api,
    sender: new WeiboSender(api),
    responder: deps.responder,
    guard: deps.guard,
    feedback,
    poller,
    respondToMention(post, waitedMs) {
      const queued: QueuedPost = { post: { ...post, createdAt: post.createdAt.toISOString() }, fromPush: true };
      return deps.passive.answer(
        {
          key: `weibo:${publicPostMessageId(post)}`,
          work: () => feedback.answerPush(post),
          sendLater: (replies) => feedback.sendPrivately(post, replies),
          queued: { name: "weibo", data: queued },
        },
        waitedMs,
      );
    },
    async handleQueued(payload) {
      if (!(payload && typeof payload === "object" && "post" in payload)) return deps.responder.handleQueued(payload);
      await deps.passive.whenCalm();
      const queued = payload as QueuedPost;
      const post: PublicPost = { ...queued.post, createdAt: new Date(queued.post.createdAt) };
      await feedback.sendPrivately(post, await feedback.answerPush(post));
    },
  };
}
