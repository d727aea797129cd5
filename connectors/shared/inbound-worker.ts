// Consumes the inbound queue: platform pushes a busy web process accepted without
// answering (it replied "later"); each channel's handler answers them through the
// platform's API.
import type { Worker } from "bullmq";
import type { QueuedInboundHandler } from "./channel-module.ts";
import { QueueNames } from "../../src/queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../../src/queue/queue-worker.ts";

export function createInboundWorker(
  deps: WorkerDeps & { handlers: ReadonlyMap<string, QueuedInboundHandler> },
): Worker {
  return createQueueWorker<unknown, void>(
    QueueNames.inbound,
    deps,
    async (job) => {
      const handler = deps.handlers.get(job.name);
      if (!handler) throw new Error(`no inbound handler for channel "${job.name}"`);
      await handler.handleQueued(job.data);
    },
    8,
  );
}
