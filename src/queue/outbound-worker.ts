// Consumes the outbound queue: each job delivers one notice (src/outbound/deliver.ts).
import type { Worker } from "bullmq";
import type { Channel } from "../conversation/messages.ts";
import type { ChannelSender } from "../outbound/channel-sender.ts";
import { deliver } from "../outbound/deliver.ts";
import { QueueNames } from "./queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "./queue-worker.ts";

export function createOutboundWorker(deps: WorkerDeps & { senders: ReadonlyMap<Channel, ChannelSender> }): Worker {
  return createQueueWorker<{ deliveryId: string }, unknown>(
    QueueNames.outbound,
    deps,
    (job) => deliver(deps.prisma, deps.senders, job.data.deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
    16,
  );
}
