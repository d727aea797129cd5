// Puts back the opinion-analysis jobs Redis lost with its data (like src/cases/lost-job-recovery.ts
// for tickets). Jobs that failed every attempt are retried. Then, only when the queue holds no
// work (a backlog most likely holds the messages, and analysing twice is harmless but wasted),
// the last day's citizen messages with words, older than the grace period and not analysed yet,
// are queued again in jobs of up to a batch, jobId = "recover-" + the batch's first message id:
// a round that finds the same messages adds nothing twice. So are the last day's ratings with a
// comment (好差评) that has no analysed row, one job each under the id their rating's
// transaction gave it (ratingJobId), so a job still in the queue is not added twice. Only the
// last day is looked at, so a round stays cheap; older messages and ratings are left as they are.
import type { Queue } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import { OPINION_JOB_NAME, type OpinionJobData, type RatedTicket, ratingJobId, ratingSourceId } from "./opinion-job.ts";
import { hasWords, OpinionSources } from "./opinion-source.ts";

const WINDOW_MS = 86_400_000;
const LIMIT = 1_000;
const JOB_SIZE = 200;

/** Answers how many jobs were retried and messages and ratings queued again. */
export async function recoverOpinionJobs(deps: {
  prisma: PrismaClient;
  queue: Queue | undefined;
  /** Messages recorded less than this long ago are left to the outbox relay. */
  graceMs: number;
  now?: Date;
}): Promise<number> {
  const { prisma, queue } = deps;
  if (!queue) return 0;
  const failed = await queue.getFailedCount();
  if (failed > 0) await queue.retryJobs({ state: "failed" });
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
  if (Object.values(counts).some((n) => n > 0)) return failed;
  const before = new Date((deps.now ?? new Date()).getTime() - deps.graceMs);
  const rows = await prisma.$queryRaw<{ id: string; text: string }[]>`
    SELECT m."id", m."text" FROM "Message" m
    WHERE m."createdAt" >= ${new Date(before.getTime() - WINDOW_MS)} AND m."createdAt" < ${before}
      AND m."direction" = 'in' AND m."text" <> ''
      AND NOT EXISTS (SELECT 1 FROM "OpinionMessage" o WHERE o."sourceKind" = ${OpinionSources.message} AND o."sourceId" = m."id")
    ORDER BY m."createdAt", m."id" LIMIT ${LIMIT}`;
  const ids = rows.filter((r) => hasWords(r.text)).map((r) => r.id);
  for (let i = 0; i < ids.length; i += JOB_SIZE) {
    const messageIds = ids.slice(i, i + JOB_SIZE);
    await queue.add(OPINION_JOB_NAME, { messageIds } satisfies OpinionJobData, { jobId: `recover-${messageIds[0]}` });
  }
  const ratings = await unanalysedRatings(prisma, new Date(before.getTime() - WINDOW_MS), before);
  for (const rating of ratings)
    await queue.add(OPINION_JOB_NAME, { rating } satisfies OpinionJobData, { jobId: ratingJobId(rating) });
  return failed + ids.length + ratings.length;
}

/** Ratings made in [from, before) whose comment has words and no analysed row. */
async function unanalysedRatings(prisma: PrismaClient, from: Date, before: Date): Promise<RatedTicket[]> {
  const rated = await prisma.ticket.findMany({
    where: { ratedAt: { gte: from, lt: before }, ratingComment: { not: null } },
    select: { id: true, ratedAt: true, ratingComment: true },
    orderBy: [{ ratedAt: "asc" }, { id: "asc" }],
    take: LIMIT,
  });
  const ratings = rated
    .filter((t) => hasWords(t.ratingComment ?? ""))
    .map((t) => ({ ticketId: t.id, ratedAt: t.ratedAt!.toISOString() }));
  if (ratings.length === 0) return [];
  const analysed = await prisma.opinionMessage.findMany({
    where: { sourceKind: OpinionSources.rating, sourceId: { in: ratings.map(ratingSourceId) } },
    select: { sourceId: true },
  });
  const done = new Set(analysed.map((r) => r.sourceId));
  return ratings.filter((r) => !done.has(ratingSourceId(r)));
}
