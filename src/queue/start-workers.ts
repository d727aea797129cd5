// Every queue consumer the hub has, started together and closed together.
import type { Worker } from "bullmq";
import type { Hub } from "../hub.ts";
import { createOutboundWorker } from "./outbound-worker.ts";
import { createRoutingWorker } from "./routing-worker.ts";

export interface Workers {
  close(): Promise<void>;
}

export function startWorkers(hub: Hub): Workers {
  const deps = { redisUrl: hub.redisUrl, prefix: hub.config.queuePrefix, prisma: hub.db.prisma, log: hub.log };
  const workers: Worker[] = [
    createRoutingWorker({ ...deps, route: (ticketId) => hub.cases.route(ticketId) }),
    createOutboundWorker({ ...deps, senders: hub.senders }),
  ];
  return {
    // close() waits for jobs in progress to finish.
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
