// Consumes the opinion-analysis queue: each job names the citizen messages one statement
// recorded (opinion-job.ts). Messages of jobs running at once are analysed together (GroupCommit): one read of their messages —
// with the ticket each became, if any — the analysis in this process, and one statement
// writing the rows and their rollups (storeOpinionRows). Idempotent: a message already
// analysed is not read again, and the write adds nothing for it. A message erased by the
// retention policy meanwhile, or without words, is skipped.
import type { Worker } from "bullmq";
import type { Database } from "../db/database.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import { GroupCommit } from "../queue/group-commit.ts";
import { QueueNames } from "../queue/queue-names.ts";
import { createQueueWorker, type WorkerDeps } from "../queue/queue-worker.ts";
import { type OpinionJobData, type RatedTicket, ratingSourceId } from "./opinion-job.ts";
import type { OpinionRecorder } from "./opinion-recorder.ts";
import { hasWords, OpinionSources } from "./opinion-source.ts";
import { storeOpinionRows } from "./opinion-store.ts";

/** Jobs taken at once (each names one or more messages). */
const OPINION_CONCURRENCY = 50;
/** Messages analysed and written in one statement. */
const OPINION_BATCH = 200;

export type OpinionJobResult = "analysed" | "skipped";

interface MessageToAnalyse {
  id: string;
  channel: string;
  text: string;
  at: Date;
  ticketNumber: string | null;
  domain: string | null;
}

/** Analyses and stores these messages (ids); answers per id whether it was analysed now. */
export async function analyseMessages(
  { prisma, sql }: Pick<Database, "prisma" | "sql">,
  recorder: OpinionRecorder,
  ids: string[],
): Promise<OpinionJobResult[]> {
  const messages = await prisma.$queryRaw<MessageToAnalyse[]>`
    SELECT m."id", m."channel", m."text", m."createdAt" AS "at", t."number" AS "ticketNumber", t."domain"
    FROM "Message" m LEFT JOIN "Ticket" t ON t."sourceMessageId" = m."id"
    WHERE m."id" = ANY(${ids}::text[]) AND m."direction" = 'in'
      AND NOT EXISTS (SELECT 1 FROM "OpinionMessage" o WHERE o."sourceKind" = ${OpinionSources.message} AND o."sourceId" = m."id")`;
  const rows = messages
    .filter((m) => hasWords(m.text))
    .map((m) =>
      recorder.row({
        sourceKind: OpinionSources.message,
        sourceId: m.id,
        channel: m.channel,
        at: m.at,
        text: m.text,
        domain: m.domain,
        ticketNumber: m.ticketNumber,
      }),
    );
  await storeOpinionRows(sql, rows);
  const analysed = new Set(rows.map((r) => r.sourceId));
  return ids.map((id) => (analysed.has(id) ? "analysed" : "skipped"));
}

/**
 * Analyses and stores a rating's comment (sourceKind "rating", sourceId "<ticket>@<ratedAt>");
 * answers "skipped" when the ticket was rated again since, erased, or the comment has no words.
 */
export async function analyseRating(
  { prisma, sql }: Pick<Database, "prisma" | "sql">,
  recorder: OpinionRecorder,
  rated: RatedTicket,
): Promise<OpinionJobResult> {
  const ratedAt = new Date(rated.ratedAt);
  const sourceId = ratingSourceId(rated);
  const ticket = await prisma.ticket.findUnique({
    where: { id: rated.ticketId },
    select: { number: true, channel: true, domain: true, ratingComment: true, ratedAt: true },
  });
  const comment = ticket?.ratingComment;
  if (!ticket || !comment || ticket.ratedAt?.getTime() !== ratedAt.getTime() || !hasWords(comment)) return "skipped";
  const row = recorder.row({
    sourceKind: OpinionSources.rating,
    sourceId,
    channel: ticket.channel,
    at: ratedAt,
    text: comment,
    domain: ticket.domain,
    ticketNumber: ticket.number,
  });
  const stored = await storeOpinionRows(sql, [row]);
  return stored > 0 ? "analysed" : "skipped";
}

export function createOpinionWorker(
  deps: WorkerDeps & {
    /** The driver, for the bulk write (see opinion-store.ts). */
    sql: SqlRunner;
    /** The recorder of the current knowledge snapshot (built on the first job: about a second). */
    recorder: () => Promise<OpinionRecorder>;
  },
): Worker {
  const batches = new GroupCommit<string, OpinionJobResult>(
    async (ids) => analyseMessages(deps, await deps.recorder(), ids),
    OPINION_BATCH,
  );
  return createQueueWorker<OpinionJobData, OpinionJobResult>(
    QueueNames.opinionAnalysis,
    deps,
    async (job) => {
      const results = await Promise.all((job.data.messageIds ?? []).map((id) => batches.add(id)));
      if (job.data.rating) results.push(await analyseRating(deps, await deps.recorder(), job.data.rating));
      return results.includes("analysed") ? "analysed" : "skipped";
    },
    OPINION_CONCURRENCY,
  );
}
