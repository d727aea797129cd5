// Weibo as a channel of the hub (the ChannelModule port): its config section, its
// push endpoint and status, its sender, its handler of pushes queued under load and
// the pollers of its public streams (run by the worker process).
import { type ChannelInstance, type ChannelModule, httpPlugin } from "../shared/channel-module.ts";
import type { SharedPushServices } from "../shared/push-services.ts";
import { loadWeiboConfig, type WeiboConfig } from "./weibo-config.ts";
import { createWeiboConnector, type WeiboConnector } from "./weibo-connector.ts";
import { QueueNames } from "../../src/queue/queue-names.ts";
import { weiboPlugin } from "./weibo-plugin.ts";
import { createWeiboPollWorker, scheduleWeiboPolls } from "./weibo-poll-worker.ts";

export interface WeiboChannel extends ChannelInstance {
  /** The connector's parts (its pollers …); undefined while Weibo is off. */
  connector: WeiboConnector | undefined;
}

export function weiboChannel(push: SharedPushServices): ChannelModule<WeiboConfig> {
  return {
    name: "weibo",
    loadConfig: loadWeiboConfig,
    async create(deps, settings): Promise<WeiboChannel> {
      const services = settings ? await push.acquire(deps) : undefined;
      const connector =
        settings && services
          ? createWeiboConnector({
              config: settings,
              redis: deps.redis,
              prefix: deps.config.queuePrefix,
              log: deps.log,
              prisma: deps.prisma,
              pipeline: deps.pipeline,
              responder: services.responder,
              guard: services.guard,
              passive: services.passive,
              kickRelay: deps.kickRelay,
            })
          : undefined;
      return {
        name: "weibo",
        connector,
        // Off: the endpoints stay, and say which settings turn them on.
        routes: [httpPlugin(weiboPlugin, { connector })],
        sender: connector?.sender,
        inbound: connector,
        startWorkers(workerDeps) {
          const pollQueue = workerDeps.queues.get(QueueNames.channelPoll);
          // Also when off: the polls an earlier configuration scheduled are stopped.
          if (pollQueue) {
            scheduleWeiboPolls(pollQueue, connector).catch((error: unknown) =>
              workerDeps.log.warn({ err: error }, "cannot schedule the Weibo polls (Redis down?)"),
            );
          }
          return connector ? [createWeiboPollWorker({ ...workerDeps, weibo: connector })] : [];
        },
        close: async () => {
          if (services) await push.release();
        },
      };
    },
  };
}
