// The Weibo connector's parts, built once per process from the configuration.
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { WeiboConfig } from "../../src/config.ts";
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import type { Logger } from "../../src/logger.ts";
import type { QueuedInboundHandler } from "../../src/queue/inbound-worker.ts";
import type { PushResponder } from "../shared/push-responder.ts";
import { WeiboApi } from "./weibo-api.ts";
import { WeiboPoller } from "./weibo-poller.ts";
import type { PublicPost } from "./weibo-public-post.ts";
import { WeiboPublicFeedback } from "./weibo-public-feedback.ts";
import { WeiboSender } from "./weibo-sender.ts";

export interface WeiboConnector extends QueuedInboundHandler {
  config: WeiboConfig;
  api: WeiboApi;
  sender: WeiboSender;
  responder: PushResponder;
  feedback: WeiboPublicFeedback;
  poller: WeiboPoller;
  /** Takes in a public post from a push without keeping the push waiting. */
  acceptPost(post: PublicPost): Promise<void>;
}

interface QueuedPost {
  post: Omit<PublicPost, "createdAt"> & { createdAt: string };
}

export function createWeiboConnector(deps: {
  config: WeiboConfig;
  redis: Redis;
  prefix: string;
  log: Logger;
  prisma: PrismaClient;
  pipeline: ConversationPipeline;
  responder: PushResponder;
  inboundQueue: Queue | undefined;
  kickRelay: () => void;
}): WeiboConnector {
  const { config } = deps;
  const api = new WeiboApi(config);
  const feedback = new WeiboPublicFeedback({ prisma: deps.prisma, pipeline: deps.pipeline, publicReply: config.publicReply, kickRelay: deps.kickRelay });
  const poller = new WeiboPoller({ api, prisma: deps.prisma, feedback, redis: deps.redis, prefix: deps.prefix, log: deps.log, intervalMs: config.pollIntervalMs });
  return {
    config,
    api,
    sender: new WeiboSender(api),
    responder: deps.responder,
    feedback,
    poller,
    async acceptPost(post) {
      try {
        if (!deps.inboundQueue) throw new Error("no inbound queue");
        const payload: QueuedPost = { post: { ...post, createdAt: post.createdAt.toISOString() } };
        await deps.inboundQueue.add("weibo", payload);
      } catch (error) {
        deps.log.warn({ err: error }, "cannot queue a Weibo mention; taking it in now");
        await feedback.ingest(post);
      }
    },
    async handleQueued(payload) {
      if (payload && typeof payload === "object" && "post" in payload) {
        const { post } = payload as QueuedPost;
        await feedback.ingest({ ...post, createdAt: new Date(post.createdAt) });
      } else {
        await deps.responder.handleQueued(payload);
      }
    },
  };
}
