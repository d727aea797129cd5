// Rebuilds the daily rollups from the hourly ones in another time zone: what a hub runs after
// changing TIME_ZONE (`npm run opinion -- rollup-days`). Until then the readers see that the
// days are stored in another zone and read hours instead (rollup-span.ts): right, only slower.
// The hourly rollups are kept for ever (retention erases messages, not counts), so the days can
// always be rebuilt from them.
import type { SqlRunner } from "../db/sql-runner.ts";
import { TOPIC_DIMENSION } from "./opinion-rollup.ts";
import { DAY_ZONE_ID } from "./read/rollup-span.ts";

/** Replaces every daily row with the hourly rows summed per local day in `timeZone`; returns the rows written. */
export async function rebuildDailyRollups(sql: Pick<SqlRunner, "transaction">, timeZone: string): Promise<number> {
  return sql.transaction(async (tx) => {
    // Writers insert into the daily table in the statement that writes the hourly rows: this lock
    // waits for those under way and holds new ones until the zone and the days change together.
    await tx.query(`LOCK TABLE "OpinionRollupDay" IN EXCLUSIVE MODE`);
    await tx.query(`DELETE FROM "OpinionRollupDay"`);
    await tx.query(
      `INSERT INTO "OpinionRollupZone" ("id", "zone") VALUES ($1, $2)
       ON CONFLICT ("id") DO UPDATE SET "zone" = EXCLUDED."zone"`,
      [DAY_ZONE_ID, timeZone],
    );
    const [row] = await tx.query<{ rows: number }>(
      `WITH written AS (
         INSERT INTO "OpinionRollupDay" ("dimension", "day", "value", "total", "negative", "neutral", "positive")
         SELECT "dimension", (("hour" AT TIME ZONE 'UTC') AT TIME ZONE $1::text)::date, "value",
                sum("total"), sum("negative"), sum("neutral"), sum("positive")
         FROM "OpinionRollup" WHERE "dimension" <> $2::text
         GROUP BY 1, 2, 3
         RETURNING 1
       ) SELECT count(*)::int AS "rows" FROM written`,
      [timeZone, TOPIC_DIMENSION],
    );
    return Number(row?.rows ?? 0);
  });
}
