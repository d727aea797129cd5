// Delivery of alert changes that matter — opened, level raised, closed — as jobs on the
// opinion-alerts queue, written to the outbox with the alert (monitor-store.ts). The job id is
// the alert's id, the change and the level, unique in the outbox, so a replay of the stream (a
// restart, a takeover, an import of history) delivers nothing twice. The job carries ids only;
// the processor reads the alert as stored when it runs and sends it to each recipient: the
// webhook (alert-webhook.ts) and, optionally, each duty officer as a WeChat template message
// (duty-officer-notice.ts). One recipient failing does not hold the others back; the job is
// retried with backoff by the queue's attempts, and recipients already served are skipped
// (alert-recipients.ts). The workbench reads the alerts table itself.
import type { Worker } from "bullmq";
import type { Logger } from "../logger.ts";
import type { Region } from "../knowledge/gazetteer-schema.ts";
import { DeliveryError } from "../outbound/channel-sender.ts";
import type { TemplateMessageSender } from "../outbound/template-message-sender.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";
import type { AlertDelivery } from "./alert-changes.ts";
import { recordRecipient, servedRecipients } from "./alert-recipients.ts";
import { postSigned, type WebhookTarget } from "./alert-webhook.ts";
import { type DutyOfficerTemplate, dutyOfficerNotice } from "./duty-officer-notice.ts";

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

/** Duty officers who get each change as a WeChat template message (OPINION_ALERT_WECHAT_*). */
export interface DutyOfficers extends DutyOfficerTemplate {
  openids: readonly string[];
  sender: TemplateMessageSender;
  timeZone: string;
  /** WORKBENCH_PUBLIC_URL: the message's link; undefined: none. */
  workbenchUrl: string | undefined;
  /** The current knowledge snapshot's gazetteer, for place names. */
  regions: () => readonly Region[];
}

/** Where alert changes go; at least one of them. */
export interface AlertRecipients {
  webhook?: WebhookTarget;
  dutyOfficers?: DutyOfficers;
}

const WEBHOOK = "webhook";
const wechatRecipient = (openid: string) => `wechat:${openid}`;

export function createAlertDeliveryWorker(deps: WorkerDeps & AlertRecipients): Worker {
  const { prisma, webhook, dutyOfficers } = deps;
  return createQueueWorker<AlertJobData, "sent" | "gone">(
    QueueNames.opinionAlerts,
    deps,
    async (job) => {
      const alert = await prisma.opinionAlert.findUnique({
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
      const { change, level } = job.data;
      const deliveryId = alertJobId(job.data);
      const sends = new Map<string, () => Promise<string | undefined>>();
      if (webhook)
        sends.set(WEBHOOK, async () => {
          const body: AlertMessageBody = { change, level, alert };
          await postSigned(webhook, JSON.stringify(body));
          return undefined;
        });
      if (dutyOfficers) {
        const context = {
          timeZone: dutyOfficers.timeZone,
          workbenchUrl: dutyOfficers.workbenchUrl,
          regions: dutyOfficers.regions(),
        };
        for (const openid of dutyOfficers.openids)
          sends.set(wechatRecipient(openid), async () => {
            const message = dutyOfficerNotice(openid, change, level, alert, dutyOfficers, context);
            return (await dutyOfficers.sender.sendTemplate(message)).messageId;
          });
      }
      const served = await servedRecipients(prisma, deliveryId);
      const failed: string[] = [];
      for (const [recipient, send] of sends) {
        if (served.has(recipient)) continue;
        try {
          const detail = await send();
          await recordRecipient(prisma, deliveryId, recipient, "sent", detail);
        } catch (error) {
          if (error instanceof DeliveryError && error.kind === "undeliverable") {
            // No retry can help (not following, no such template): recorded, said once, not retried.
            await recordRecipient(prisma, deliveryId, recipient, "refused", error.message);
            logRefusal(deps.log, deliveryId, recipient, error);
          } else failed.push(`${maskRecipient(recipient)}: ${(error as Error)?.message ?? String(error)}`);
        }
      }
      if (failed.length > 0)
        throw new Error(
          `alert delivery ${deliveryId} failed for ${failed.length} of ${sends.size}: ${failed.join("; ")}`,
        );
      return "sent";
    },
    4,
  );
}

function logRefusal(log: Logger, deliveryId: string, recipient: string, error: DeliveryError): void {
  log.warn({ deliveryId, recipient: maskRecipient(recipient), reason: error.message }, "opinion alert refused");
}

/** A recipient as logs show it: an openid names a person, so only its last four characters. */
export function maskRecipient(recipient: string): string {
  return recipient.startsWith("wechat:") ? `wechat:…${recipient.slice(-4)}` : recipient;
}
