// Issue 14, the daily rollups (OpinionRollupDay): written by the statement that writes the hourly
// ones, they hold the same counts per local day (Asia/Shanghai) after live messages, an import,
// the same import again and the monitor moving messages between topics; a period's counts and
// day buckets are the same read from days and edge hours as from hours alone; the days are read
// only in the zone they are stored in, and rebuilt in another (also by the CLI).
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { loadOpinionRecorder } from "../src/opinion/load-opinion-recorder.ts";
import { importOpinions, type ImportLine, jsonLines } from "../src/opinion/opinion-import.ts";
import { MonitorStore } from "../src/opinion/monitor-store.ts";
import { rebuildDailyRollups } from "../src/opinion/opinion-rollup-days.ts";
import { type OpinionRow, storeOpinionRows } from "../src/opinion/opinion-store.ts";
import type { OpinionPeriod } from "../src/opinion/read/opinion-period.ts";
import { rollupTotals } from "../src/opinion/read/rollup-totals.ts";
import { rollupTrend } from "../src/opinion/read/rollup-trend.ts";
import { BACKENDS, createTestDatabase, openMigratedTestDatabase } from "./support/test-env.ts";

const root = path.resolve(import.meta.dirname, "..");
const ZONE = "Asia/Shanghai";

const row = (sourceId: string, at: string, over: Partial<OpinionRow> = {}): OpinionRow => ({
  sourceKind: "message",
  sourceId,
  channel: "wechat",
  at: new Date(at),
  text: "停水了",
  sentiment: "negative",
  score: -0.5,
  emotion: "愤怒",
  keywords: ["停水"],
  places: ["990102001"],
  domain: null,
  ticketNumber: null,
  ...over,
});

// Local 2 November 23:30 and 3 November 00:30 are the same UTC day (15:30 and 16:30 UTC on the 2nd).
const LIVE: OpinionRow[] = [
  row("m1", "2026-11-02T09:15:00+08:00"),
  row("m2", "2026-11-02T23:30:00+08:00", { sentiment: "neutral", places: [] }),
  row("m3", "2026-11-03T00:30:00+08:00", { channel: "web", keywords: ["停水", "物业"] }),
  row("m4", "2026-11-04T10:05:00+08:00", { sentiment: "positive", domain: "供水" }),
  row("m5", "2026-11-05T07:59:00+08:00"),
];

const IMPORT = [
  { text: "东湖区阳光小区停水三天了，太不像话了！", time: "2026-11-03T08:15:00+08:00", externalId: "h-1" },
  { text: "人民路路灯坏了好几天，晚上很危险", time: "2026-11-03T23:59:00+08:00", externalId: "h-2" },
  { text: "感谢市民服务中心的工作人员，办事很快", time: "2026-11-04T00:01:00+08:00", externalId: "h-3" },
]
  .map((r) => JSON.stringify(r))
  .join("\n");

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

const importLines = (): AsyncIterable<ImportLine> => jsonLines(once(IMPORT));

type Counts = {
  dimension: string;
  day: string;
  value: string;
  total: number;
  negative: number;
  neutral: number;
  positive: number;
};

/** The hourly rollups summed per local day of their hour (every dimension but topic), and the daily rows. */
async function bothTables(db: Database, zone = ZONE): Promise<{ fromHours: Counts[]; days: Counts[] }> {
  const fromHours = await db.sql.query<Counts>(
    `SELECT "dimension", to_char((("hour" AT TIME ZONE 'UTC') AT TIME ZONE $1::text)::date, 'YYYY-MM-DD') AS "day", "value",
            sum("total")::int AS total, sum("negative")::int AS negative, sum("neutral")::int AS neutral, sum("positive")::int AS positive
     FROM "OpinionRollup" WHERE "dimension" <> 'topic' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [zone],
  );
  const days = await db.sql.query<Counts>(
    `SELECT "dimension", to_char("day", 'YYYY-MM-DD') AS "day", "value", "total", "negative", "neutral", "positive"
     FROM "OpinionRollupDay" ORDER BY 1, 2, 3`,
  );
  return { fromHours, days };
}

describe.each(BACKENDS)("the daily rollups on %s", (backend) => {
  let db: Database;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ db, close } = await openMigratedTestDatabase(backend));
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  it("count live messages, an import, the same import again and topic moves as the hourly rollups do", async () => {
    expect(await storeOpinionRows(db.sql, LIVE)).toBe(5);
    // A redelivered job adds nothing.
    expect(await storeOpinionRows(db.sql, LIVE.slice(0, 2))).toBe(0);
    const recorder = await loadOpinionRecorder(path.join(root, "intents"));
    expect((await importOpinions(db.sql, recorder, importLines(), { timeZone: ZONE })).analyzed).toBe(3);
    expect((await importOpinions(db.sql, recorder, importLines(), { timeZone: ZONE })).duplicates).toBe(3);

    const { fromHours, days } = await bothTables(db);
    expect(days).toEqual(fromHours);
    // By hand: the sentiment of every message once, on its local day (m2 and m3 on two days).
    const sentiment = await db.sql.query<{ day: string; total: number }>(
      `SELECT to_char("day", 'YYYY-MM-DD') AS "day", sum("total")::int AS total FROM "OpinionRollupDay"
       WHERE "dimension" = 'sentiment' GROUP BY 1 ORDER BY 1`,
    );
    expect(sentiment).toEqual([
      { day: "2026-11-02", total: 2 },
      { day: "2026-11-03", total: 3 },
      { day: "2026-11-04", total: 2 },
      { day: "2026-11-05", total: 1 },
    ]);

    // The monitor sets topics and a replay moves a message: only the hourly topic rollup changes.
    const ids = await db.sql.query<{ id: string; sourceId: string }>(
      `SELECT "id", "sourceId" FROM "OpinionMessage" ORDER BY "sourceId"`,
    );
    const store = new MonitorStore(db.sql);
    await store.saveTopics(new Map(ids.map((m) => [m.id, "T1"])), []);
    await store.saveTopics(new Map([[ids[0]!.id, "T2"]]), []);
    const topics = await db.sql.query<{ value: string; total: number }>(
      `SELECT "value", sum("total")::int AS total FROM "OpinionRollup" WHERE "dimension" = 'topic' GROUP BY 1 ORDER BY 1`,
    );
    expect(topics).toEqual([
      { value: "T1", total: 7 },
      { value: "T2", total: 1 },
    ]);
    const after = await bothTables(db);
    expect(after.days).toEqual(days);
    expect(after.days).toEqual(after.fromHours);
  }, 60_000);

  it("give a period's counts and day buckets from whole days and edge hours as the hours alone do", async () => {
    const hoursOnly: OpinionPeriod = {
      from: new Date("2026-11-02T12:00:00+08:00"),
      to: new Date("2026-11-05T08:00:00+08:00"),
    };
    const withDays = { ...hoursOnly, timeZone: ZONE };
    // Partial 2 November (from noon: m2), whole 3 and 4 November (m3, m4 and the three imported:
    // 路灯 negative, 感谢 positive), partial 5 November (m5 before 08:00).
    const sentiment = await rollupTotals(db.sql, "sentiment", withDays);
    expect(sentiment.reduce((n, r) => n + r.total, 0)).toBe(7);
    for (const dimension of ["sentiment", "place", "keyword", "channel", "kind", "domain", "topic"] as const) {
      expect(await rollupTotals(db.sql, dimension, withDays)).toEqual(await rollupTotals(db.sql, dimension, hoursOnly));
      for (const bucket of ["day", "week"] as const)
        expect(await rollupTrend(db.sql, { dimension, period: withDays, bucket, timeZone: ZONE })).toEqual(
          await rollupTrend(db.sql, { dimension, period: hoursOnly, bucket, timeZone: ZONE }),
        );
    }
    const days = await rollupTrend(db.sql, { dimension: "sentiment", period: withDays, bucket: "day", timeZone: ZONE });
    expect(days.map((s) => [s.value, s.points.map((p) => [p.date, p.total])])).toEqual([
      [
        "negative",
        [
          ["2026-11-03", 3],
          ["2026-11-05", 1],
        ],
      ],
      ["positive", [["2026-11-04", 2]]],
      ["neutral", [["2026-11-02", 1]]],
    ]);
  });

  it("are read for whole days only, and only in the zone they are stored in", async () => {
    // A marker only in the daily table shows which periods read it.
    await db.sql.query(
      `INSERT INTO "OpinionRollupDay" ("dimension", "day", "value", "total") VALUES ('channel', '2026-11-04', 'marker', 100)`,
    );
    const marker = async (period: OpinionPeriod) =>
      (await rollupTotals(db.sql, "channel", period)).find((r) => r.value === "marker")?.total;
    const whole = { from: new Date("2026-11-04T00:00:00+08:00"), to: new Date("2026-11-05T00:00:00+08:00") };
    expect(await marker({ ...whole, timeZone: ZONE })).toBe(100);
    expect(await marker({ ...whole, from: new Date("2026-11-04T00:30:00+08:00"), timeZone: ZONE })).toBeUndefined();
    expect(await marker({ ...whole, to: new Date("2026-11-04T23:00:00+08:00"), timeZone: ZONE })).toBeUndefined();
    expect(await marker(whole)).toBeUndefined();
    // A hub whose TIME_ZONE is not the days' zone reads hours, with the same answer as hours alone.
    const utc = { from: new Date("2026-11-02T00:00:00Z"), to: new Date("2026-11-06T00:00:00Z") };
    expect(await rollupTotals(db.sql, "place", { ...utc, timeZone: "UTC" })).toEqual(
      await rollupTotals(db.sql, "place", utc),
    );
    await db.sql.query(`DELETE FROM "OpinionRollupDay" WHERE "value" = 'marker'`);
  });

  it("are rebuilt from the hourly rollups in another zone", async () => {
    const rows = await rebuildDailyRollups(db.sql, "UTC");
    const { fromHours, days } = await bothTables(db, "UTC");
    expect(days).toEqual(fromHours);
    expect(rows).toBe(days.length);
    // Local 23:30 and 00:30 (m2, m3) are one UTC day now.
    const utcDay = days.find((d) => d.dimension === "sentiment" && d.day === "2026-11-02" && d.value === "neutral");
    expect(utcDay?.total).toBe(1);
    // New messages are counted in the new zone's days; the UTC hub reads them.
    await storeOpinionRows(db.sql, [row("m6", "2026-11-06T23:30:00Z")]);
    const again = await bothTables(db, "UTC");
    expect(again.days).toEqual(again.fromHours);
    const period = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-08T00:00:00Z"), timeZone: "UTC" };
    expect(await rollupTotals(db.sql, "sentiment", period)).toEqual(
      await rollupTotals(db.sql, "sentiment", { from: period.from, to: period.to }),
    );
    await rebuildDailyRollups(db.sql, ZONE);
  });
});

describe("npm run opinion -- rollup-days", () => {
  it("rebuilds the days of the database named by DATABASE_URL in TIME_ZONE", async () => {
    const database = await createTestDatabase("postgresql");
    const db = await openDatabase(database.target);
    try {
      await migrate(db.sql);
      await storeOpinionRows(db.sql, LIVE);
      const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/opinion.ts", "rollup-days"],
          {
            cwd: root,
            env: { ...process.env, DATABASE_URL: (database.target as { url: string }).url, TIME_ZONE: "Europe/London" },
          },
          (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
        ),
      );
      expect(code).toBe(0);
      expect(stdout).toContain("rebuilt the daily rollups in Europe/London");
      const [zone] = await db.sql.query<{ zone: string }>(`SELECT "zone" FROM "OpinionRollupZone"`);
      expect(zone?.zone).toBe("Europe/London");
      const { fromHours, days } = await bothTables(db, "Europe/London");
      expect(days).toEqual(fromHours);
    } finally {
      await db.close();
      await database.drop();
    }
  }, 60_000);
});
