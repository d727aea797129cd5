// Runs the Weibo pollers in the worker process: a BullMQ job scheduler adds one poll
// job per interval (however many worker processes there are), and WeiboPoller's
// Redis lock keeps two polls from overlapping when one runs long.
import type { Queue, Worker } from "bullmq";
import { QueueNames } from "../../src/queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../../src/queue/queue-worker.ts";
import type { WeiboConnector } from "./weibo-connector.ts";

const SCHEDULER_ID = "weibo-poll";

export async function scheduleWeiboPolls(queue: Queue, weibo: WeiboConnector | undefined): Promise<void> {
  if (!weibo) {
    // Turned off: stop the polls an earlier configuration scheduled.
    await queue.removeJobScheduler(SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { every: weibo.config.pollIntervalMs },
    { name: "weibo", opts: { attempts: 1 } },
  );
}

export function createWeiboPollWorker(deps: WorkerDeps & { weibo: WeiboConnector }): Worker {
  return createQueueWorker(
    QueueNames.channelPoll,
    deps,
    async () => {
      const reports = await deps.weibo.poller.pollAll();
      const ingested = reports.reduce((sum, r) => sum + r.ingested, 0);
      if (ingested > 0) deps.log.info({ reports }, "Weibo posts taken in");
      return reports;
    },
    1,
  );
}
