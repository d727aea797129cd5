// The retention policy's part for analysed messages (src/cases/retention.ts): an analysed
// citizen message is deleted once its message's text has been erased, and an imported record
// once it was imported longer ago than the policy. The hourly rollups stay: counts of words,
// places and sentiments per hour name no one. A record of which duty officer was sent an
// alert (their WeChat openid) is deleted once older than the policy: it only keeps a retried
// delivery job from sending twice, and no job is retried for that long.
import type { PrismaClient } from "../db/database.ts";
import { OpinionSources } from "./opinion-source.ts";

/** Deletes up to `limit` analysed messages the policy says are due; returns how many. */
export async function eraseExpiredOpinions(prisma: PrismaClient, cutoff: Date, limit: number): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM "OpinionMessage" WHERE "id" IN (
      (SELECT o."id" FROM "OpinionMessage" o JOIN "Message" m ON m."id" = o."sourceId"
        WHERE o."sourceKind" = ${OpinionSources.message} AND o."at" < ${cutoff} AND m."text" = '' LIMIT ${limit})
      UNION ALL
      (SELECT o."id" FROM "OpinionMessage" o
        WHERE o."sourceKind" = ${OpinionSources.import} AND o."createdAt" < ${cutoff} LIMIT ${limit}))`;
}

/** Deletes up to `limit` alert-delivery records older than the cutoff; returns how many. */
export async function eraseExpiredAlertNotices(prisma: PrismaClient, cutoff: Date, limit: number): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM "OpinionAlertNotice" WHERE ("deliveryId", "recipient") IN (
      SELECT "deliveryId", "recipient" FROM "OpinionAlertNotice" WHERE "at" < ${cutoff} LIMIT ${limit})`;
}
