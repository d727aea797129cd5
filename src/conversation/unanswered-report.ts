// What citizens asked that the hub could not answer, most asked first and grouped by
// similarity, for the editors who extend the catalog (问需于民). Phone and ID numbers
// are masked when a question is logged, and again here in case of older rows.
import type { PrismaClient } from "../db/database.ts";
import { maskText } from "../privacy/mask.ts";
import { clusterQuestions } from "./question-clusters.ts";

/** Distinct wordings read per report: the most asked ones, enough for any real week. */
const MAX_WORDINGS = 5000;

export interface UnansweredGroup {
  /** How many times questions of this group were asked. */
  count: number;
  /** The most asked wording. */
  text: string;
  /** Every wording in the group with its count, most asked first. */
  questions: { text: string; count: number }[];
  lastAskedAt: Date;
  /** The item the hub most often thought closest (but not close enough to answer). */
  closestItem?: string;
}

export interface UnansweredReport {
  since: Date;
  /** Unanswered questions asked since then, all groups together. */
  total: number;
  groups: UnansweredGroup[];
}

interface Row {
  text: string;
  count: bigint | number;
  lastAskedAt: Date;
  closestItem: string | null;
}

export async function unansweredReport(
  db: PrismaClient,
  options: { since: Date; limit: number },
): Promise<UnansweredReport> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT "text", count(*) AS "count", max("createdAt") AS "lastAskedAt",
      mode() WITHIN GROUP (ORDER BY "candidates"->0->>'code') AS "closestItem"
    FROM "UnansweredQuestion"
    WHERE "createdAt" >= ${options.since}
    GROUP BY "text"
    ORDER BY count(*) DESC, max("createdAt") DESC
    LIMIT ${MAX_WORDINGS}`;
  const questions = rows.map((r) => ({
    text: maskText(r.text),
    count: Number(r.count),
    lastAskedAt: r.lastAskedAt,
    closestItem: r.closestItem,
  }));
  const groups = clusterQuestions(questions)
    .slice(0, options.limit)
    .map((cluster) => {
      const closest = new Map<string, number>();
      for (const m of cluster.members)
        if (m.closestItem) closest.set(m.closestItem, (closest.get(m.closestItem) ?? 0) + m.count);
      const closestItem = [...closest].sort((a, b) => b[1] - a[1])[0]?.[0];
      return {
        count: cluster.count,
        text: cluster.representative.text,
        questions: cluster.members.map(({ text, count }) => ({ text, count })),
        lastAskedAt: new Date(Math.max(...cluster.members.map((m) => m.lastAskedAt.getTime()))),
        ...(closestItem && { closestItem }),
      };
    });
  return { since: options.since, total: questions.reduce((sum, q) => sum + q.count, 0), groups };
}
