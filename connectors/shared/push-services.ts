// What the push channels (platforms that push messages and wait ~5 s for the answer:
// WeChat, Weibo) share in one process: one ChannelConversation, one PassiveReplies — so
// the process counts all its pushes in flight together — with its safety net, and one
// PushResponder. Built when the first push channel that is on asks for them, closed
// when the last one closes; a hub with no push channel on builds none of it.
import type { ChannelDeps } from "./channel-module.ts";
import type { ChannelConversation } from "../../src/conversation/channel-conversation.ts";
import { PassiveReplies } from "../../src/infra/passive-reply.ts";
import { QueueNames } from "../../src/queue/queue-names.ts";
import { connectRedis } from "../../src/queue/redis-connection.ts";
import { messagingConversation } from "./messaging-conversation.ts";
import { PushGuard } from "./push-guard.ts";
import { PushResponder } from "./push-responder.ts";
import { PushSafetyNet } from "./push-safety-net.ts";

export interface PushServices {
  conversation: ChannelConversation;
  passive: PassiveReplies;
  responder: PushResponder;
  /** Refuses stale and replayed pushes (timestamp window, nonces seen in Redis). */
  guard: PushGuard;
}

/** One hub's push services: shared by the push channels that are on, built on first use. */
export class SharedPushServices {
  private built: Promise<PushServices & { close(): Promise<void> }> | undefined;
  private users = 0;

  /** The services, built on the first call; each call needs one release(). */
  acquire(deps: ChannelDeps): Promise<PushServices> {
    this.users++;
    this.built ??= createPushServices(deps);
    return this.built;
  }

  async release(): Promise<void> {
    if (--this.users > 0 || !this.built) return;
    const built = this.built;
    this.built = undefined;
    await (await built).close();
  }
}

async function createPushServices(deps: ChannelDeps): Promise<PushServices & { close(): Promise<void> }> {
  const { config } = deps;
  // Every push costs a few small Redis commands; auto-pipelining lets concurrent pushes share one write.
  // Commands wait while the connection is (re)opening — a push coordinated late beats one
  // processed twice — but never long: past the timeout a push is handled uncoordinated.
  const pushRedis = connectRedis(deps.redisUrl, "producer", {
    enableAutoPipelining: true,
    enableOfflineQueue: true,
    commandTimeout: 2_000,
  });
  const conversation = messagingConversation(deps);
  const passive = new PassiveReplies({
    redis: pushRedis,
    prefix: config.queuePrefix,
    log: deps.log,
    budgetMs: config.passiveReplyBudgetMs,
    maxInFlight: config.passiveReplyMaxInFlight,
  });
  const guard = new PushGuard({
    redis: pushRedis,
    prefix: config.queuePrefix,
    maxSkewSeconds: config.pushMaxSkewSeconds,
  });
  const responder = new PushResponder({ conversation, passive, prisma: deps.prisma, kickRelay: deps.kickRelay });
  const inboundQueue = deps.queues.get(QueueNames.inbound);
  const safetyNet = new PushSafetyNet(
    passive,
    inboundQueue
      ? PushSafetyNet.toQueue(inboundQueue)
      : async (jobs) => {
          for (const { job } of jobs) await deps.inbound.get(job.name)?.handleQueued(job.data);
        },
    deps.log,
  );
  safetyNet.start();
  return {
    conversation,
    passive,
    responder,
    guard,
    async close() {
      await safetyNet.stop();
      pushRedis.disconnect();
    },
  };
}
