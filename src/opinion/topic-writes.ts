// The opinion monitor's topic writes: each message's topic, the hourly "topic" rollup moved
// along, and the stored topics' counts kept by delta. A poll's cost follows the messages it
// assigns, not the size of their topics (issue 16: recounting a busy topic's ~17,000 messages
// every poll read all of OpinionMessage). Only the messages whose topic changes count, so
// writing the same assignments twice (a replay) changes nothing. A topic that loses messages
// (a merge, or a replay that clusters differently) is recounted from its messages: deltas
// cannot take a channel or a first time back.
import type { SqlRunner } from "../db/sql-runner.ts";
import type { TopicSummary } from "./hub-monitor.ts";
import { ADD_TO_ROLLUP, TOPIC_DIMENSION } from "./opinion-rollup.ts";

type Tx = Pick<SqlRunner, "query">;

/** A topic lists its latest tickets (the 并案 parent is found among them); ticketCount counts them all. */
export const TOPIC_TICKETS = 50;

/**
 * Sets each message's topic, moves its rollup count and adds it to its topic's counts,
 * channels, first and last time and tickets; answers the topics that lost messages.
 */
async function assign(tx: Tx, assignments: ReadonlyMap<string, string>, topics: string): Promise<string[]> {
  const input = JSON.stringify([...assignments].map(([id, topicId]) => ({ id, topicId })));
  const rows = await tx.query<{ id: string }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "topicId" text)
     ), topics AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x("id" text, "label" text, "keywords" text[], "places" text[])
     ), moved AS (
       SELECT m."id", m."topicId" AS "old", i."topicId" AS "new", m."at", m."sentiment", m."channel", m."ticketNumber"
       FROM input i JOIN "OpinionMessage" m ON m."id" = i."id"
       WHERE m."topicId" IS DISTINCT FROM i."topicId"
     ), updated AS (
       UPDATE "OpinionMessage" m SET "topicId" = v."new" FROM moved v WHERE m."id" = v."id"
     ), deltas AS (
       SELECT "hour", "value", sum("d")::int AS "total",
         sum("d") FILTER (WHERE "sentiment" = 'negative')::int AS "negative",
         sum("d") FILTER (WHERE "sentiment" = 'neutral')::int AS "neutral",
         sum("d") FILTER (WHERE "sentiment" = 'positive')::int AS "positive"
       FROM (
         SELECT date_trunc('hour', "at") AS "hour", "new" AS "value", 1 AS "d", "sentiment" FROM moved
         UNION ALL SELECT date_trunc('hour', "at"), "old", -1, "sentiment" FROM moved WHERE "old" IS NOT NULL
       ) d GROUP BY "hour", "value"
     ), rolled AS (
       INSERT INTO "OpinionRollup" ("dimension", "hour", "value", "total", "negative", "neutral", "positive")
       SELECT $3::text, "hour", "value", "total", coalesce("negative", 0), coalesce("neutral", 0), coalesce("positive", 0)
       FROM deltas ORDER BY "hour", "value"
       ${ADD_TO_ROLLUP}
     ), losers AS (
       SELECT DISTINCT "old" AS "id" FROM moved WHERE "old" IS NOT NULL
     ), gains AS (
       SELECT "new" AS "id", count(*)::int AS "messages",
         count(*) FILTER (WHERE "sentiment" = 'negative')::int AS "negative",
         array_agg(DISTINCT "channel") AS "channels", min("at") AS "firstAt", max("at") AS "lastAt"
       FROM moved WHERE "new" NOT IN (SELECT "id" FROM losers) GROUP BY "new"
     ), tickets AS (
       -- Tickets new to their topic: none of its messages had them before this statement.
       SELECT "id", count(*)::int AS "count", array_agg("ticketNumber" ORDER BY "at" DESC, "ticketNumber" DESC) AS "numbers"
       FROM (
         SELECT v."new" AS "id", v."ticketNumber", max(v."at") AS "at" FROM moved v
         WHERE v."ticketNumber" IS NOT NULL AND v."new" NOT IN (SELECT "id" FROM losers)
           AND NOT EXISTS (SELECT 1 FROM "OpinionMessage" o WHERE o."ticketNumber" = v."ticketNumber" AND o."topicId" = v."new")
         GROUP BY 1, 2
       ) n GROUP BY "id"
     ), saved AS (
       INSERT INTO "OpinionTopic" AS t ("id", "label", "keywords", "places", "messageCount", "negativeCount", "channels",
         "firstAt", "lastAt", "ticketNumbers", "ticketCount", "updatedAt")
       SELECT g."id", coalesce(s."label", ''), coalesce(s."keywords", '{}'), coalesce(s."places", '{}'), g."messages",
         g."negative", g."channels", g."firstAt", g."lastAt", coalesce(k."numbers"[1:$4], '{}'), coalesce(k."count", 0), now()
       FROM gains g LEFT JOIN topics s ON s."id" = g."id" LEFT JOIN tickets k ON k."id" = g."id"
       ORDER BY g."id"
       ON CONFLICT ("id") DO UPDATE SET
         "messageCount" = t."messageCount" + EXCLUDED."messageCount",
         "negativeCount" = t."negativeCount" + EXCLUDED."negativeCount",
         "channels" = ARRAY(SELECT DISTINCT c FROM unnest(t."channels" || EXCLUDED."channels") c ORDER BY c),
         "firstAt" = least(t."firstAt", EXCLUDED."firstAt"), "lastAt" = greatest(t."lastAt", EXCLUDED."lastAt"),
         "ticketNumbers" = (EXCLUDED."ticketNumbers" || ARRAY(
           SELECT n FROM unnest(t."ticketNumbers") WITH ORDINALITY u(n, i)
           WHERE n <> ALL(EXCLUDED."ticketNumbers") ORDER BY i))[1:$4],
         "ticketCount" = t."ticketCount" + EXCLUDED."ticketCount", "updatedAt" = now()
     )
     SELECT "id" FROM losers ORDER BY "id"`,
    [input, topics, TOPIC_DIMENSION, TOPIC_TICKETS],
  );
  return rows.map((row) => row.id);
}

/** Recounts topics from their messages (one that lost all of them is left to the deletes). */
export async function recountTopics(tx: Tx, ids: readonly string[]): Promise<void> {
  await tx.query(
    `WITH stats AS (
       SELECT m."topicId" AS "id", count(*)::int AS "messageCount",
         count(*) FILTER (WHERE m."sentiment" = 'negative')::int AS "negativeCount",
         array_agg(DISTINCT m."channel") AS "channels", min(m."at") AS "firstAt", max(m."at") AS "lastAt",
         count(DISTINCT m."ticketNumber")::int AS "ticketCount"
       FROM "OpinionMessage" m WHERE m."topicId" = ANY($1::text[]) GROUP BY m."topicId"
     ), latest AS (
       SELECT "id", (array_agg("ticketNumber" ORDER BY "at" DESC, "ticketNumber" DESC))[1:$2] AS "numbers"
       FROM (
         SELECT m."topicId" AS "id", m."ticketNumber", max(m."at") AS "at" FROM "OpinionMessage" m
         WHERE m."topicId" = ANY($1::text[]) AND m."ticketNumber" IS NOT NULL GROUP BY 1, 2
       ) n GROUP BY "id"
     )
     UPDATE "OpinionTopic" t SET "messageCount" = s."messageCount", "negativeCount" = s."negativeCount",
       "channels" = s."channels", "firstAt" = s."firstAt", "lastAt" = s."lastAt",
       "ticketNumbers" = coalesce(l."numbers", '{}'), "ticketCount" = s."ticketCount", "updatedAt" = now()
     FROM stats s LEFT JOIN latest l ON l."id" = s."id" WHERE t."id" = s."id"`,
    [ids, TOPIC_TICKETS],
  );
}

/** Label, keywords and places from the monitor; the 并案 parent most of the listed tickets were merged under. */
async function describe(tx: Tx, ids: readonly string[], topics: string): Promise<void> {
  await tx.query(
    `WITH topics AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x("id" text, "label" text, "keywords" text[], "places" text[])
     )
     UPDATE "OpinionTopic" t SET "label" = coalesce(s."label", t."label"), "keywords" = coalesce(s."keywords", t."keywords"),
       "places" = coalesce(s."places", t."places"), "updatedAt" = now(),
       "parentTicketNumber" = (
         SELECT p."number" FROM "Ticket" c JOIN "Ticket" p ON p."id" = c."parentId"
         WHERE c."number" = ANY(t."ticketNumbers") GROUP BY p."number" ORDER BY count(*) DESC, p."number" LIMIT 1)
     FROM unnest($1::text[]) AS i("id") LEFT JOIN topics s ON s."id" = i."id"
     WHERE t."id" = i."id"`,
    [ids, topics],
  );
}

/** Writes a poll's topic changes: assignments, counts by delta (recounts where a topic lost messages), descriptions. */
export async function saveTopicChanges(
  tx: Tx,
  assignments: ReadonlyMap<string, string>,
  topics: readonly TopicSummary[],
): Promise<void> {
  if (assignments.size === 0 && topics.length === 0) return;
  const described = JSON.stringify(topics);
  const losers = assignments.size === 0 ? [] : await assign(tx, assignments, described);
  if (losers.length > 0) await recountTopics(tx, losers);
  const ids = [...new Set([...topics.map((t) => t.id), ...losers])].sort();
  await describe(tx, ids, described);
}
