// Delivery of alert changes that matter — opened, level raised, closed — as jobs on the
// opinion-alerts queue, written to the outbox with the alert (monitor-store.ts). The job id is
// the alert's id, the change and the level, unique in the outbox, so a replay of the stream (a
// restart, a takeover, an import of history) delivers nothing twice. The job
// carries ids only; the processor reads the alert as stored when it runs and POSTs it to the
// webhook (alert-webhook.ts), retried with backoff by the queue's attempts. The workbench
// reads the alerts table itself.
import type { Worker } from "bullmq";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";
import type { AlertDelivery } from "./alert-changes.ts";
import { postSigned, type WebhookTarget } from "./alert-webhook.ts";

export const ALERT_JOB_NAME = "alert-change";

export type AlertJobData = AlertDelivery;

/** One job per (alert, change, level): BullMQ ignores a job whose id it holds already. */
export function alertJobId({ alertId, change, level }: AlertDelivery): string {
  return `${alertId}.${change}.${level}`;
}

/** What the webhook receives. */
export interface AlertMessageBody {
  change: AlertDelivery["change"];
  /** The level at this change. */
  level: string;
  alert: Record<string, unknown>;
}

export function createAlertDeliveryWorker(deps: WorkerDeps & { webhook: WebhookTarget }): Worker {
  return createQueueWorker<AlertJobData, "sent" | "gone">(
    QueueNames.opinionAlerts,
    deps,
    async (job) => {
      const alert = await deps.prisma.opinionAlert.findUnique({
        where: { id: job.data.alertId },
        select: {
          id: true,
          status: true,
          level: true,
          label: true,
          keywords: true,
          places: true,
          channels: true,
          series: true,
          messageCount: true,
          expected: true,
          score: true,
          firstAt: true,
          detectedAt: true,
          updatedAt: true,
          closedAt: true,
          topicId: true,
          samples: true,
          ticketNumbers: true,
        },
      });
      if (!alert) return "gone";
      const body: AlertMessageBody = { change: job.data.change, level: job.data.level, alert };
      await postSigned(deps.webhook, JSON.stringify(body));
      return "sent";
    },
    4,
  );
}
