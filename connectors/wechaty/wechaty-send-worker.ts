// In the bot process: says the notices the hub handed over (wechaty-sender.ts) — to the
// member in their group with an @, or privately (WECHATY_NOTICES). While the bot is logged
// out a job fails and the queue tries again later, with backoff.
import type { Worker } from "bullmq";
import { QueueNames } from "../../src/queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../../src/queue/queue-worker.ts";
import { parseCitizenId } from "./wechaty-citizen.ts";
import type { WechatySendJob } from "./wechaty-sender.ts";
import type { WechatySpeaker } from "./wechaty-speaker.ts";

export function createWechatySendWorker(
  deps: WorkerDeps & { speaker: WechatySpeaker; loggedIn: () => boolean; notices: "group" | "private" },
): Worker {
  return createQueueWorker<WechatySendJob, void>(
    QueueNames.wechatySend,
    deps,
    async (job) => {
      const citizen = parseCitizenId(job.data.channelUserId);
      if (!citizen) {
        deps.log.warn({ jobId: job.id }, "community-group notice for an id that is not ours: dropped");
        return;
      }
      if (!deps.loggedIn()) throw new Error("the community-group bot is logged out: the notice waits");
      const to =
        citizen.kind === "group" && deps.notices === "private"
          ? { kind: "private" as const, contactId: citizen.contactId }
          : citizen;
      await deps.speaker.say(to, job.data.text);
    },
    4,
  );
}
