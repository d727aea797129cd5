// Consumes the outbound queue: each job delivers one notice (src/outbound/deliver.ts).
import { DelayedError, type Worker } from "bullmq";
import type { Channel } from "../messages/messages.ts";
import type { ChannelSender } from "./channel-sender.ts";
import { deliver } from "./deliver.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";

const ORDER_RECHECK_MS = 200;

export function createOutboundWorker(deps: WorkerDeps & { senders: ReadonlyMap<Channel, ChannelSender> }): Worker {
  return createQueueWorker<{ deliveryId: string }, unknown>(
    QueueNames.outbound,
    deps,
    async (job, token) => {
      const outcome = await deliver(
        deps.prisma,
        deps.senders,
        job.data.deliveryId,
        job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      );
      if (outcome === "waiting") {
        // An earlier notice to the same citizen is still on its way: look again shortly.
        await job.moveToDelayed(Date.now() + ORDER_RECHECK_MS, token);
        throw new DelayedError();
      }
      return outcome;
    },
    16,
  );
}
