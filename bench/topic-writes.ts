// What the opinion monitor's topic writes cost per poll as its topics grow (issue 16): one
// poll's 20 new messages assigned to the soak's topics, on topics of ~200 messages and again
// of ~17,000 (the soak's eight questions by its end; two complaint topics with a ticket per
// message), in the same process. Each poll runs in a transaction rolled back, so every run
// sees the same data; "recount" is the statements before the fix (every touched topic
// recounted from all its messages), "delta" those of src/opinion/topic-writes.ts. Pages are
// the blocks the transaction asked for (pg_stat_get_xact_blocks_fetched, hits and reads),
// CPU the PostgreSQL backend's own (/proc).
// Run alone: `npx tsx bench/topic-writes.ts` (about 20 s).
import { pathToFileURL } from "node:url";
import { openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import type { SqlRunner } from "../src/db/sql-runner.ts";
import type { TopicSummary } from "../src/opinion/hub-monitor.ts";
import { TOPIC_DIMENSION } from "../src/opinion/opinion-rollup.ts";
import { recountTopics, saveTopicChanges } from "../src/opinion/topic-writes.ts";
import { processCpuMs } from "./intake.ts";
import { withBenchDatabase } from "./processes.ts";

type Tx = Pick<SqlRunner, "query">;

const QUESTION_TOPICS = 8;
const COMPLAINT_TOPICS = 2;
const TOPICS = QUESTION_TOPICS + COMPLAINT_TOPICS;
const POLL = 20;
const RUNS = 7;

const topicId = (k: number) => `topic-${k}`;
const summaries: TopicSummary[] = Array.from({ length: TOPICS }, (_, k) => ({
  id: topicId(k),
  label: `话题 ${k}`,
  keywords: ["停水"],
  places: [],
}));

/** `perTopic` more messages in each topic, the complaint topics' each a ticket of its own. */
async function seed(sql: SqlRunner, from: number, perTopic: number): Promise<void> {
  await sql.query(
    `INSERT INTO "OpinionMessage" ("id", "sourceKind", "sourceId", "channel", "at", "text", "sentiment", "score",
       "emotion", "keywords", "places", "ticketNumber", "topicId")
     SELECT 'seed-' || i, 'message', 'seed-' || i, (ARRAY['webchat','wechat','web'])[1 + i % 3],
       now() - interval '30 minutes' + (i % 1800) * interval '1 second', '问题' || (i % ${TOPICS}),
       (ARRAY['negative','neutral','positive'])[1 + i % 3], 0, '中性', ARRAY['停水'], '{}',
       CASE WHEN i % ${TOPICS} >= ${QUESTION_TOPICS} THEN 'GD20261101-' || lpad(i::text, 7, '0') END,
       'topic-' || (i % ${TOPICS})
     FROM generate_series($1::int, $2::int - 1) AS i`,
    [from * TOPICS, (from + perTopic) * TOPICS],
  );
  await sql.query(
    `INSERT INTO "OpinionTopic" ("id", "label", "firstAt", "lastAt", "updatedAt")
     SELECT 'topic-' || k, '话题', now(), now(), now() FROM generate_series(0, ${TOPICS - 1}) k ON CONFLICT DO NOTHING`,
  );
  await sql.transaction((tx) =>
    recountTopics(
      tx,
      summaries.map((t) => t.id),
    ),
  );
  await sql.exec(`ANALYZE "OpinionMessage"; ANALYZE "OpinionTopic"`);
}

/** The statements before the fix: assign, then recount every touched topic from its messages. */
async function recountAll(tx: Tx, assignments: ReadonlyMap<string, string>, topics: readonly TopicSummary[]) {
  await tx.query(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "topicId" text)),
     moved AS (
       SELECT m."id", m."topicId" AS "old", i."topicId" AS "new", date_trunc('hour', m."at") AS "hour", m."sentiment"
       FROM input i JOIN "OpinionMessage" m ON m."id" = i."id" WHERE m."topicId" IS DISTINCT FROM i."topicId"
     ), updated AS (UPDATE "OpinionMessage" m SET "topicId" = v."new" FROM moved v WHERE m."id" = v."id")
     INSERT INTO "OpinionRollup" ("dimension", "hour", "value", "total", "negative", "neutral", "positive")
     SELECT $2::text, "hour", "new", count(*)::int, 0, 0, 0 FROM moved GROUP BY 2, 3
     ON CONFLICT ("dimension", "hour", "value") DO UPDATE SET "total" = "OpinionRollup"."total" + EXCLUDED."total"`,
    [JSON.stringify([...assignments].map(([id, topicId]) => ({ id, topicId }))), TOPIC_DIMENSION],
  );
  await tx.query(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "label" text, "keywords" text[], "places" text[])),
     stats AS (
       SELECT m."topicId" AS "id", count(*)::int AS "messageCount",
         count(*) FILTER (WHERE m."sentiment" = 'negative')::int AS "negativeCount",
         array_agg(DISTINCT m."channel") AS "channels", min(m."at") AS "firstAt", max(m."at") AS "lastAt",
         coalesce(array_agg(DISTINCT m."ticketNumber") FILTER (WHERE m."ticketNumber" IS NOT NULL), '{}') AS "ticketNumbers"
       FROM "OpinionMessage" m WHERE m."topicId" IN (SELECT "id" FROM input) GROUP BY m."topicId"
     ), parents AS (
       SELECT DISTINCT ON (s."id") s."id", p."number"
       FROM stats s JOIN "Ticket" t ON t."number" = ANY(s."ticketNumbers") JOIN "Ticket" p ON p."id" = t."parentId"
       GROUP BY s."id", p."number" ORDER BY s."id", count(*) DESC, p."number"
     )
     UPDATE "OpinionTopic" t SET "label" = i."label", "messageCount" = s."messageCount", "negativeCount" = s."negativeCount",
       "channels" = s."channels", "firstAt" = s."firstAt", "lastAt" = s."lastAt", "ticketNumbers" = s."ticketNumbers",
       "parentTicketNumber" = p."number", "updatedAt" = now()
     FROM input i JOIN stats s ON s."id" = i."id" LEFT JOIN parents p ON p."id" = i."id" WHERE t."id" = i."id"`,
    [JSON.stringify(topics)],
  );
}

type Variant = (tx: Tx, assignments: ReadonlyMap<string, string>, topics: readonly TopicSummary[]) => Promise<unknown>;

interface Figures {
  pages: number;
  ms: number;
  cpuMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One poll: POLL new messages spread over the topics, assigned in a transaction that is rolled back. */
async function poll(sql: SqlRunner, variant: Variant, run: number): Promise<Figures> {
  const rollback = new Error("rollback");
  let figures: Figures | undefined;
  await sql
    .transaction(async (tx) => {
      const ids = Array.from({ length: POLL }, (_, i) => `poll-${run}-${i}`);
      await tx.query(
        `INSERT INTO "OpinionMessage" ("id", "sourceKind", "sourceId", "channel", "at", "text", "sentiment", "score", "emotion", "ticketNumber")
         SELECT id, 'message', id, 'webchat', now(), '问题', 'negative', 0, '中性', 'GD-' || id FROM unnest($1::text[]) id`,
        [ids],
      );
      const [{ pid }] = (await tx.query<{ pid: number }>(`SELECT pg_backend_pid() AS "pid"`)) as [{ pid: number }];
      const pages = async () =>
        (
          await tx.query<{ n: number }>(`SELECT sum(pg_stat_get_xact_blocks_fetched(oid))::int AS "n" FROM pg_class`)
        )[0]!.n;
      // Counting reads pg_class itself: its own pages are measured and taken off.
      const base = await pages();
      const overhead = (await pages()) - base;
      const cpuBefore = processCpuMs(pid) ?? 0;
      const started = performance.now();
      const before = await pages();
      await variant(tx, new Map(ids.map((id, i) => [id, topicId(i % TOPICS)])), summaries);
      const after = await pages();
      figures = {
        ms: performance.now() - started,
        pages: after - before - overhead,
        cpuMs: (processCpuMs(pid) ?? 0) - cpuBefore,
      };
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return figures!;
}

async function measure(sql: SqlRunner, variant: Variant): Promise<Figures> {
  const runs: Figures[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await poll(sql, variant, run));
  return {
    pages: median(runs.map((r) => r.pages)),
    ms: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
  };
}

export interface TopicWritesRow {
  messages: number;
  recount: Figures;
  delta: Figures;
}

export async function runTopicWritesBench(url: string): Promise<TopicWritesRow[]> {
  const db = await openDatabase({ backend: "postgresql", url, poolSize: 2 });
  try {
    await migrate(db.sql);
    const rows: TopicWritesRow[] = [];
    let perTopic = 0;
    for (const size of [200, 17_000]) {
      await seed(db.sql, perTopic, size - perTopic);
      perTopic = size;
      rows.push({
        messages: size * TOPICS,
        recount: await measure(db.sql, recountAll),
        delta: await measure(db.sql, saveTopicChanges),
      });
    }
    return rows;
  } finally {
    await db.close();
  }
}

export function topicWritesRow({ messages, recount, delta }: TopicWritesRow): string {
  const cell = (f: Figures) => `${f.pages} pages, ${f.ms.toFixed(1)} ms, CPU ${f.cpuMs.toFixed(0)} ms`;
  return `| ${messages.toLocaleString("en")} messages in ${TOPICS} topics | ${cell(recount)} | ${cell(delta)} |`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await withBenchDatabase(async (url) => {
    if (!url) throw new Error("needs PostgreSQL (DATABASE_URL)");
    console.log(`| topics | recount (before) | delta (after) |\n|---|---|---|`);
    for (const row of await runTopicWritesBench(url)) console.log(topicWritesRow(row));
  });
}
