// The one reminder to a citizen who went quiet while a complaint was being taken down.
// When an intake starts, a delayed job is added (jobId = the intake: conversation and
// start time, so it is added once); when it runs, it reminds only if that same intake is
// still waiting, and the notice's dedupe key makes a rerun send nothing new. After the
// drop time the intake is ignored (complaint-intake.ts): nothing half-filed reaches a
// department. Best effort: with Redis down no reminder is scheduled, the drop still holds.
import type { Queue, Worker } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import type { Channel } from "../messages/messages.ts";
import { notify, speaksFirstOn } from "../outbound/notifier.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";
import { isIntakeExpired, reminderText } from "./complaint-intake.ts";
import { conversationIdFor } from "./conversation-id.ts";
import { readContext } from "./conversation-context.ts";

export interface IntakeReminderJob {
  channel: string;
  channelUserId: string;
  /** The intake's startedAt: a later intake of the same citizen is another one. */
  startedAt: string;
}

export interface IntakeTimes {
  remindAfterMs: number;
  dropAfterMs: number;
}

export function intakeReminderJobId(job: IntakeReminderJob): string {
  return `intake-${conversationIdFor(job.channel, job.channelUserId)}-${Date.parse(job.startedAt)}`;
}

/** Schedules the reminder of an intake that just started; never waits on the worker. */
export async function scheduleIntakeReminder(queue: Queue, job: IntakeReminderJob, times: IntakeTimes): Promise<void> {
  await queue.add("remind", job, { jobId: intakeReminderJobId(job), delay: times.remindAfterMs, attempts: 3 });
}

/** Sends the reminder if the intake is still waiting; returns whether it did. */
export async function remindIfWaiting(
  prisma: PrismaClient,
  job: IntakeReminderJob,
  times: IntakeTimes,
  now = new Date(),
): Promise<boolean> {
  if (!speaksFirstOn(job.channel)) return false;
  const citizen = { channel: job.channel as Channel, channelUserId: job.channelUserId };
  const intake = (await readContext(prisma, citizen, now)).intake;
  if (!intake || intake.startedAt !== job.startedAt || isIntakeExpired(intake, now, times)) return false;
  const minutesLeft = Math.max(
    1,
    Math.round((Date.parse(intake.updatedAt) + times.dropAfterMs - now.getTime()) / 60_000),
  );
  await prisma.$transaction((tx) =>
    notify(tx, {
      ...citizen,
      replies: [{ type: "text", text: reminderText(intake, minutesLeft) }],
      reason: `intake:${intakeReminderJobId(job)}:reminder`,
    }),
  );
  return true;
}

export function createIntakeReminderWorker(
  deps: WorkerDeps & { times: IntakeTimes; onOutboxWritten?: () => void },
): Worker {
  return createQueueWorker<IntakeReminderJob, boolean>(
    QueueNames.intakeReminders,
    deps,
    async (job) => {
      const sent = await remindIfWaiting(deps.prisma, job.data, deps.times);
      if (sent) deps.onOutboxWritten?.();
      return sent;
    },
    2,
  );
}
