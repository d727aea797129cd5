// Every queue consumer the hub has, started together and closed together.
import type { Worker } from "bullmq";
import { createWeiboPollWorker, scheduleWeiboPolls } from "../../connectors/weibo/weibo-poll-worker.ts";
import type { Hub } from "../hub.ts";
import { createInboundWorker } from "./inbound-worker.ts";
import { createOutboundWorker } from "./outbound-worker.ts";
import { QueueNames } from "./queue-names.ts";
import { createRoutingWorker } from "./routing-worker.ts";

export interface Workers {
  close(): Promise<void>;
}

export function startWorkers(hub: Hub): Workers {
  const deps = { redisUrl: hub.redisUrl, prefix: hub.config.queuePrefix, prisma: hub.db.prisma, log: hub.log };
  const workers: Worker[] = [
    createRoutingWorker({ ...deps, router: hub.router }),
    createOutboundWorker({ ...deps, senders: hub.senders }),
    createInboundWorker({ ...deps, handlers: hub.channels.inbound }),
  ];
  const { weibo } = hub.channels;
  if (weibo) workers.push(createWeiboPollWorker({ ...deps, weibo }));
  const pollQueue = hub.queues.get(QueueNames.channelPoll);
  if (pollQueue) {
    scheduleWeiboPolls(pollQueue, weibo).catch((error: unknown) => hub.log.warn({ err: error }, "cannot schedule the Weibo polls (Redis down?)"));
  }
  return {
    // close() waits for jobs in progress to finish.
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
