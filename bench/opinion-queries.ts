// The opinion hub's reads at scale (issue 14: overview, topics, trends and alerts under 300 ms
// at p95 with 1,000,000 messages over 90 days stored). Seeds a fresh PostgreSQL database in a
// few INSERT … SELECT statements over generate_series: the messages (channels, kinds,
// sentiments, 3 keywords of 300, a gazetteer place for most, domains, a topic for a third),
// their hourly rollups aggregated from them exactly as the writer would count them, the daily
// ones summed from those per local day, the topics, and alerts. Then times each route through app.inject (server time, no network) as
// an analyst, beside GET /healthz and a `SELECT 1` round trip in the same process.
// Run alone: `npx tsx bench/opinion-queries.ts` (BENCH_OPINION_N messages, default 1,000,000;
// BENCH_OPINION_RUNS runs each, default 30); `npm run bench` runs it after the inbox benchmark.
import { pathToFileURL } from "node:url";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { rebuildDailyRollups } from "../src/opinion/opinion-rollup-days.ts";
import { createStaffAccount } from "../src/staff/accounts.ts";
import { root } from "./processes.ts";
import { printTimings, type Timing, timeRuns } from "./request-timing.ts";
import { withPostgresBenchHub } from "./bench-hub.ts";

const MESSAGES = Number(process.env.BENCH_OPINION_N ?? 1_000_000);
const RUNS = Number(process.env.BENCH_OPINION_RUNS ?? 30);
const WARM_UP = 5;
const TARGET_MS = 300;
const DAYS = 90;
const PASSWORD = "bench password 2026";
/** The hub's TIME_ZONE here, and the daily rollups' zone. */
const LOCAL_ZONE = "Asia/Shanghai";
/** The last day of the seeded 90 (local days in Asia/Shanghai). */
const LAST_DAY = "2026-11-30";
const FIRST_DAY = "2026-09-02";
const WEEK_FROM = "2026-11-24";

const WORDS = [
  "停水",
  "停电",
  "噪音",
  "垃圾",
  "路灯",
  "井盖",
  "停车",
  "物业",
  "供暖",
  "施工",
  "排队",
  "公交",
  "医保",
  "社保",
  "学位",
  "拆迁",
  "占道",
  "违建",
  "油烟",
  "漏水",
];

export async function seed(sql: import("../src/db/sql-runner.ts").SqlRunner, places: string[]): Promise<void> {
  const keywords = [...WORDS, ...Array.from({ length: 300 - WORDS.length }, (_, i) => `词${i}`)];
  const step = (DAYS * 86_400_000) / MESSAGES;
  // Times from 2026-09-01T16:00Z (local 2 September) over 90 days, in order of i.
  await sql.query(
    `INSERT INTO "OpinionMessage" ("id", "sourceKind", "sourceId", "channel", "at", "text", "sentiment", "score", "emotion",
       "keywords", "places", "domain", "ticketNumber", "topicId")
     SELECT 'm-' || i, CASE WHEN i % 10 = 0 THEN 'import' ELSE 'message' END, 'bench-' || i,
       (ARRAY['webchat','wechat','weibo','weibo_mention','hotline'])[1 + i % 5],
       timestamp '2026-09-01 16:00' + (i * $1::float8) * interval '1 millisecond',
       '第' || i || '条留言：' || ($2::text[])[1 + i % 300] || '的问题' || CASE WHEN i % 50 = 0 THEN '，电话138' || lpad((i % 100000000)::text, 8, '0') ELSE '' END,
       (ARRAY['negative','negative','neutral','neutral','neutral','positive','negative'])[1 + i % 7], 0, '中性',
       ARRAY[($2::text[])[1 + (i * 7) % 300], ($2::text[])[1 + (i * 13 + 1) % 300], ($2::text[])[1 + (i / 3) % 20]],
       CASE WHEN i % 4 = 0 THEN ARRAY[]::text[] ELSE ARRAY[($3::text[])[1 + (i * 31) % array_length($3::text[], 1)]] END,
       (ARRAY['城建','交通','环保','供水','医疗','教育',NULL,NULL])[1 + i % 8], NULL,
       CASE WHEN i % 3 = 0 THEN 'topic-' || (i / 300) END
     FROM generate_series(1, $4::int) i`,
    [step, keywords, places, MESSAGES],
  );
  // The rollups, counted as the writer counts them (opinion-rollup.ts): each distinct keyword and
  // place, the domain, channel, sentiment and kind; and the monitor's topic series.
  await sql.query(
    `INSERT INTO "OpinionRollup" ("dimension", "hour", "value", "total", "negative", "neutral", "positive")
     SELECT f.dimension, date_trunc('hour', m."at"), f.value, count(*),
       count(*) FILTER (WHERE m."sentiment" = 'negative'), count(*) FILTER (WHERE m."sentiment" = 'neutral'),
       count(*) FILTER (WHERE m."sentiment" = 'positive')
     FROM "OpinionMessage" m,
     LATERAL (
       SELECT DISTINCT 'keyword' AS dimension, k AS value FROM unnest(m."keywords") k
       UNION ALL SELECT DISTINCT 'place', p FROM unnest(m."places") p
       UNION ALL SELECT 'domain', m."domain" WHERE m."domain" IS NOT NULL
       UNION ALL SELECT 'channel', m."channel"
       UNION ALL SELECT 'sentiment', m."sentiment"
       UNION ALL SELECT 'kind', m."sourceKind"
       UNION ALL SELECT 'topic', m."topicId" WHERE m."topicId" IS NOT NULL
     ) f
     GROUP BY 1, 2, 3`,
  );
  // The daily rollups: the hourly rows summed per local day in the stored zone (Asia/Shanghai),
  // which is what the writer adds up batch by batch.
  await rebuildDailyRollups(sql, LOCAL_ZONE);
  await sql.query(
    `INSERT INTO "OpinionTopic" ("id", "label", "keywords", "places", "messageCount", "negativeCount", "channels",
       "firstAt", "lastAt", "ticketNumbers", "updatedAt")
     SELECT "topicId", '话题 ' || "topicId", (array_agg(DISTINCT "keywords"[3]))[1:3],
       (array_agg(DISTINCT "places"[1]) FILTER (WHERE cardinality("places") > 0))[1:2],
       count(*), count(*) FILTER (WHERE "sentiment" = 'negative'), array_agg(DISTINCT "channel"),
       min("at"), max("at"), ARRAY[]::text[], now()
     FROM "OpinionMessage" WHERE "topicId" IS NOT NULL GROUP BY "topicId"`,
  );
  // An alert for every 20th topic; the last ones still open.
  await sql.query(
    `INSERT INTO "OpinionAlert" ("id", "status", "level", "label", "series", "keywords", "places", "channels",
       "messageCount", "expected", "score", "firstAt", "detectedAt", "updatedAt", "closedAt", "topicId", "samples")
     SELECT 'alert-' || t."id", CASE WHEN t."lastAt" > timestamp '2026-11-28 00:00' THEN 'open' ELSE 'closed' END,
       (ARRAY['关注','预警','严重'])[1 + (row_number() OVER (ORDER BY t."id"))::int % 3], t."label",
       ARRAY['topic:' || t."id"], t."keywords", t."places", t."channels", t."messageCount", 12.5, 6.1,
       t."firstAt", t."firstAt" + interval '30 minutes', now(),
       CASE WHEN t."lastAt" > timestamp '2026-11-28 00:00' THEN NULL ELSE t."lastAt" END, t."id",
       (SELECT json_agg(json_build_object('id', m."id", 'text', m."text", 'at', m."at", 'channel', m."channel"))
          FROM (SELECT * FROM "OpinionMessage" WHERE "topicId" = t."id" ORDER BY "at" LIMIT 5) m)::jsonb
     FROM "OpinionTopic" t WHERE (substring(t."id" from 7))::int % 20 = 0`,
  );
  await sql.exec(
    `ANALYZE "OpinionMessage"; ANALYZE "OpinionRollup"; ANALYZE "OpinionRollupDay"; ANALYZE "OpinionTopic"; ANALYZE "OpinionAlert";`,
  );
}

/** One route's timing: RUNS timed runs after WARM_UP. */
const time = (run: () => Promise<unknown>) => timeRuns(run, RUNS, WARM_UP);

export async function runOpinionQueriesBench(): Promise<void> {
  await withPostgresBenchHub(
    { what: "the opinion API", prefix: "bench_opinion", env: { TIME_ZONE: LOCAL_ZONE } },
    async (hub, app) => {
      const places = (await loadGazetteer(`${root}/intents`)).map((r) => r.code);
      const seedStart = Date.now();
      await seed(hub.db.sql, places);
      const [counts] = await hub.db.sql.query<{
        messages: number;
        rollups: number;
        days: number;
        topics: number;
        alerts: number;
      }>(
        `SELECT (SELECT count(*) FROM "OpinionMessage")::int AS messages, (SELECT count(*) FROM "OpinionRollup")::int AS rollups,
              (SELECT count(*) FROM "OpinionRollupDay")::int AS days,
              (SELECT count(*) FROM "OpinionTopic")::int AS topics, (SELECT count(*) FROM "OpinionAlert")::int AS alerts`,
      );
      console.log(
        `Opinion queries: ${counts!.messages.toLocaleString("en")} messages over ${DAYS} days, ${counts!.rollups.toLocaleString("en")} hourly and ${counts!.days.toLocaleString("en")} daily rollup rows, ` +
          `${counts!.topics.toLocaleString("en")} topics, ${counts!.alerts} alerts, seeded in ${Date.now() - seedStart} ms.`,
      );
      await createStaffAccount(
        hub.db.prisma,
        { username: "bench.analyst", role: "analyst", displayName: "分析员", password: PASSWORD },
        hub.cases.knowledge().departments.codes,
      );
      const login = await app.inject({
        method: "POST",
        url: "/api/staff/login",
        payload: { username: "bench.analyst", password: PASSWORD },
      });
      const headers = { authorization: `Bearer ${login.json().token}` };
      const get = (url: string) => async () => {
        const res = await app.inject({ method: "GET", url, headers });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        return res;
      };
      const all = `from=${FIRST_DAY}&to=${LAST_DAY}`;
      const week = `from=${WEEK_FROM}&to=${LAST_DAY}`;
      // Instants inside local days: the first and last days are partly read from the hourly rollups.
      const edges = `from=${FIRST_DAY}T09:30:00%2B08:00&to=${LAST_DAY}T17:00:00%2B08:00`;
      const rows: [string, Timing][] = [];
      rows.push(["baseline: GET /healthz", await time(() => app.inject({ method: "GET", url: "/healthz" }))]);
      rows.push(["baseline: SELECT 1", await time(() => hub.db.sql.query("SELECT 1"))]);
      const routes: [string, string][] = [
        ["overview, 7 days", `/api/opinion/overview?${week}`],
        ["overview, 90 days", `/api/opinion/overview?${all}`],
        ["topics, 7 days", `/api/opinion/topics?${week}`],
        ["topics, 90 days", `/api/opinion/topics?${all}&limit=50`],
        ["topics, 90 days, place=东湖区", `/api/opinion/topics?${all}&place=${encodeURIComponent("东湖区")}`],
        ["trends, 90 days, day × sentiment", `/api/opinion/trends?${all}&bucket=day&by=sentiment`],
        ["trends, 90 days, week × place", `/api/opinion/trends?${all}&bucket=week&by=place`],
        ["trends, 7 days, hour × domain", `/api/opinion/trends?${week}&bucket=hour&by=domain`],
        ["alerts, 90 days", `/api/opinion/alerts?${all}`],
        ["places, 90 days", `/api/opinion/places?${all}`],
        ["places, 90 days, partial first and last day", `/api/opinion/places?${edges}`],
        // A topic from the middle of the 90 days (topic-k holds messages 300k … 300k + 299, every third).
        ["one topic with 50 messages", `/api/opinion/topics/topic-${Math.floor(MESSAGES / 600)}`],
      ];
      for (const [label, url] of routes) rows.push([label, await time(get(url))]);
      printTimings(rows, { runs: RUNS, warmUp: WARM_UP, what: "opinion", targetMs: TARGET_MS });
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runOpinionQueriesBench();
}
