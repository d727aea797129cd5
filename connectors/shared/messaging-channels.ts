// Builds the messaging channels (WeChat, Weibo) that are configured, with what they
// share: one ChannelConversation, one PassiveReplies (so a process counts all its
// pushes in flight together) and its safety net, and the menu.
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Catalog } from "../../src/knowledge/catalog-schema.ts";
import type { Config } from "../../src/config.ts";
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import type { Channel } from "../../src/messages/messages.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import type { Logger } from "../../src/logger.ts";
import type { ChannelSender } from "../../src/outbound/channel-sender.ts";
import type { QueuedInboundHandler } from "./inbound-worker.ts";
import { connectRedis } from "../../src/queue/redis-connection.ts";
import { createWechatConnector, type WechatConnector } from "../wechat/wechat-connector.ts";
import { createWeiboConnector, type WeiboConnector } from "../weibo/weibo-connector.ts";
import { ChannelConversation } from "../../src/conversation/channel-conversation.ts";
import type { SupplementDesk } from "../../src/conversation/evidence.ts";
import type { Menu } from "../../src/knowledge/menu.ts";
import { PassiveReplies } from "../../src/infra/passive-reply.ts";
import { PopularItems } from "../../src/conversation/popular-items.ts";
import { PushResponder } from "./push-responder.ts";
import { PushSafetyNet } from "./push-safety-net.ts";

export interface MessagingChannels {
  wechat: WechatConnector | undefined;
  weibo: WeiboConnector | undefined;
  conversation: ChannelConversation;
  passive: PassiveReplies;
  /** Hands pushes that were shed, or whose process died, to the inbound queue. */
  safetyNet: PushSafetyNet;
  senders: ChannelSender[];
  /** Handlers for pushes queued under load, by channel (the inbound queue's worker uses them). */
  inbound: Map<Channel, QueuedInboundHandler>;
  close(): Promise<void>;
}

export async function createMessagingChannels(deps: {
  config: Config;
  log: Logger;
  prisma: PrismaClient;
  pipeline: ConversationPipeline;
  redisUrl: string;
  /** The hub's producer connection (access tokens, poll locks). */
  redis: Redis;
  inboundQueue: Queue | undefined;
  kickRelay: () => void;
  catalog: () => Catalog;
  /** The current snapshot's menu (a reload changes it with the catalog). */
  menu: () => Menu;
  /** Case management's way of adding what a citizen sends to their ticket. */
  supplements: SupplementDesk;
}): Promise<MessagingChannels> {
  const { config } = deps;
  // Every push costs a few small Redis commands; auto-pipelining lets concurrent pushes share one write.
  // Commands wait while the connection is (re)opening — a push coordinated late beats one
  // processed twice — but never long: past the timeout a push is handled uncoordinated.
  const pushRedis = connectRedis(deps.redisUrl, "producer", { enableAutoPipelining: true, enableOfflineQueue: true, commandTimeout: 2_000 });
  const conversation = new ChannelConversation({
    prisma: deps.prisma,
    pipeline: deps.pipeline,
    catalog: deps.catalog,
    menu: deps.menu,
    popular: new PopularItems(deps.prisma, deps.catalog, () => deps.menu().itemCodes()),
    hotline: config.hotline,
    timeZone: config.timeZone,
    supplements: deps.supplements,
    evidenceWindowMs: config.complaintEvidenceWindowMs,
  });
  const passive = new PassiveReplies({
    redis: pushRedis,
    prefix: config.queuePrefix,
    log: deps.log,
    budgetMs: config.passiveReplyBudgetMs,
    maxInFlight: config.passiveReplyMaxInFlight,
  });
  const responder = new PushResponder({ conversation, passive, prisma: deps.prisma, kickRelay: deps.kickRelay });
  const common = { redis: deps.redis, prefix: config.queuePrefix, log: deps.log };

  const wechat = config.wechat ? createWechatConnector({ ...common, config: config.wechat, responder }) : undefined;
  const weibo = config.weibo
    ? createWeiboConnector({
        ...common,
        config: config.weibo,
        prisma: deps.prisma,
        pipeline: deps.pipeline,
        responder,
        passive,
        kickRelay: deps.kickRelay,
      })
    : undefined;

  const inbound = new Map<Channel, QueuedInboundHandler>();
  if (wechat) inbound.set("wechat", wechat.responder);
  if (weibo) inbound.set("weibo", weibo);
  const safetyNet = new PushSafetyNet(
    passive,
    deps.inboundQueue
      ? PushSafetyNet.toQueue(deps.inboundQueue)
      : async (jobs) => {
          for (const { job } of jobs) await inbound.get(job.name as Channel)?.handleQueued(job.data);
        },
    deps.log,
  );
  if (wechat || weibo) safetyNet.start();
  return {
    wechat,
    weibo,
    conversation,
    passive,
    safetyNet,
    senders: [...(wechat ? [wechat.sender] : []), ...(weibo ? [weibo.sender] : [])],
    inbound,
    async close() {
      await safetyNet.stop();
      pushRedis.disconnect();
    },
  };
}
