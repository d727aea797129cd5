// Puts back the opinion-analysis jobs Redis lost with its data (like src/cases/lost-job-recovery.ts
// for tickets): a citizen message with words, of the last day, older than the grace period and
// not analysed yet, gets its job again under its id. BullMQ ignores an add whose jobId it still
// holds, so a job waiting or running is left alone; one that failed every attempt is retried.
// Only the last day is looked at, so a round stays cheap; older messages are left as they are.
import type { Queue } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import { OPINION_JOB_NAME, type OpinionJobData } from "./opinion-job.ts";
import { hasWords, OpinionSources } from "./opinion-source.ts";

const WINDOW_MS = 86_400_000;
const LIMIT = 1_000;

export async function recoverOpinionJobs(deps: {
  prisma: PrismaClient;
  queue: Queue | undefined;
  /** Messages recorded less than this long ago are left to the outbox relay. */
  graceMs: number;
  now?: Date;
}): Promise<number> {
  const { prisma, queue } = deps;
  if (!queue) return 0;
  const before = new Date((deps.now ?? new Date()).getTime() - deps.graceMs);
  const rows = await prisma.$queryRaw<{ id: string; text: string }[]>`
    SELECT m."id", m."text" FROM "Message" m
    WHERE m."createdAt" >= ${new Date(before.getTime() - WINDOW_MS)} AND m."createdAt" < ${before}
      AND m."direction" = 'in' AND m."text" <> ''
      AND NOT EXISTS (SELECT 1 FROM "OpinionMessage" o WHERE o."sourceKind" = ${OpinionSources.message} AND o."sourceId" = m."id")
    ORDER BY m."createdAt" LIMIT ${LIMIT}`;
  let added = 0;
  for (const { id, text } of rows) {
    if (!hasWords(text)) continue;
    const job = await queue.getJob(id);
    if (job) {
      if (await job.isFailed()) {
        await job.retry("failed");
        added++;
      }
      continue;
    }
    await queue.add(OPINION_JOB_NAME, { messageId: id } satisfies OpinionJobData, { jobId: id });
    added++;
  }
  return added;
}
