// Issue 14, import: history from JSON Lines and CSV goes through the same analysis and writer
// as live messages, once per record (externalId, or time and text), masked; a second import
// of the same file adds nothing. The CLI (`npm run opinion -- import`) runs as a user runs it.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.ts";
import { CsvReader } from "../src/opinion/csv-reader.ts";
import { loadOpinionRecorder } from "../src/opinion/load-opinion-recorder.ts";
import {
  csvLines,
  type ImportLine,
  ImportProblems,
  importOpinions,
  importRecord,
  jsonLines,
  rejection,
} from "../src/opinion/opinion-import.ts";
import type { OpinionRecorder } from "../src/opinion/opinion-recorder.ts";
import { BACKENDS, createTestDatabase, openMigratedTestDatabase } from "./support/test-env.ts";

const root = path.resolve(import.meta.dirname, "..");
const PHONE = "13912345678";

const JSONL = [
  {
    text: "东湖区阳光小区停水三天了，太不像话了！",
    time: "2026-11-02T09:15:00+08:00",
    externalId: "h-1",
    channel: "hotline",
  },
  {
    text: `人民路路灯坏了好几天，晚上很危险，电话${PHONE}`,
    time: "2026-11-02T09:40:00+08:00",
    externalId: 2,
    channel: "hotline",
  },
  { text: "感谢市民服务中心的工作人员，办事很快", time: "2026-11-02T10:05:00+08:00" },
  "not json",
  { text: "[图片]", time: "2026-11-02T10:06:00+08:00" },
  { text: "没有时间的记录" },
  "",
  {
    text: "东湖区阳光小区停水三天了，太不像话了！",
    time: "2026-11-02T09:15:00+08:00",
    externalId: "h-1",
    channel: "hotline",
  },
]
  .map((l) => (typeof l === "string" ? l : JSON.stringify(l)))
  .join("\n");

const CSV = [
  "\uFEFFtext,time,channel,externalId,place",
  '"高新区科技园附近噪音太大,晚上睡不着",2026-11-03T23:10:00+08:00,weibo,w-1,',
  '"他说：""又停电了""\n真让人担心",2026-11-03T23:30:00Z,weibo,w-2,阳光小区',
  "谢谢12345热线,2026-11-04 08:00,weibo,,",
  "没有时间,,weibo,w-4,",
].join("\r\n");

async function* chunksOf(text: string, size = 7): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect(lines: AsyncIterable<ImportLine>): Promise<ImportLine[]> {
  const all: ImportLine[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe("CSV records", () => {
  it("reads quoted commas, doubled quotes and line breaks across chunks, with each record's line", () => {
    const reader = new CsvReader();
    const records = [...reader.push('a,"b,1"\n"say ""hi""\nthere",'), ...reader.push("x\r\nlast,one"), ...reader.end()];
    expect(records).toEqual([
      { line: 1, fields: ["a", "b,1"] },
      { line: 2, fields: ['say "hi"\nthere', "x"] },
      { line: 4, fields: ["last", "one"] },
    ]);
  });

  it("maps the header to fields and skips blank rows", async () => {
    const lines = await collect(csvLines(chunksOf(CSV)));
    expect(lines[0]).toEqual({
      line: 2,
      fields: {
        text: "高新区科技园附近噪音太大,晚上睡不着",
        time: "2026-11-03T23:10:00+08:00",
        channel: "weibo",
        externalId: "w-1",
      },
    });
    expect(lines[1]).toMatchObject({ line: 3, fields: { text: '他说："又停电了"\n真让人担心', place: "阳光小区" } });
    expect(lines).toHaveLength(4);
  });
});

describe("rejected records", () => {
  const TIME = "2026-11-02T09:15:00+08:00";
  const why = (fields: Record<string, unknown>) => (importRecord(fields) as { error?: string }).error;

  it("say in concise Chinese what is wrong, and the report puts the line first", () => {
    expect(why({ time: TIME })).toBe("缺少 text 字段");
    expect(why({ text: 12, time: TIME })).toBe("text 字段应为文字");
    expect(why({ text: "  ", time: TIME })).toBe("text 字段没有可分析的文字（空白或只有[图片]之类的占位）");
    expect(why({ text: "停水了" })).toBe("缺少 time 字段");
    expect(why({ text: "停水了", time: "11/02/2026 09:15" })).toBe(
      "时间不是 ISO 8601 格式，例如 2026-12-07T08:30:00+08:00",
    );
    expect(why({ text: "停水了", time: TIME, channel: "微博" })).toBe(
      "channel 只能由字母、数字、_ 或 - 组成，最多 32 个字符",
    );
    expect(why({ text: "停水了", time: TIME, externalId: { id: 1 } })).toBe("externalId 应为文字或数字");
    expect(why({ text: "停水了", time: TIME, region: 3 })).toBe("place（或 region）应为文字");
    expect(why({ text: "停水了", time: TIME })).toBeUndefined();
    expect(rejection(7, ImportProblems.noText)).toEqual({ line: 7, error: "第7行：缺少 text 字段" });
  });
});

describe.each(BACKENDS)("opinion import on %s", (backend) => {
  let db: Database;
  let close: (() => Promise<void>) | undefined;
  let recorder: OpinionRecorder;
  beforeAll(async () => {
    ({ db, close } = await openMigratedTestDatabase(backend));
    recorder = await loadOpinionRecorder(path.join(root, "intents"));
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  it("imports JSON Lines once, masked, and says what it rejected", async () => {
    const report = await importOpinions(db.sql, recorder, jsonLines(chunksOf(JSONL)), { batchSize: 2 });
    expect(report).toEqual({
      received: 7,
      analyzed: 3,
      duplicates: 1,
      rejected: [
        { line: 4, error: "第4行：不是 JSON 对象" },
        { line: 5, error: "第5行：text 字段没有可分析的文字（空白或只有[图片]之类的占位）" },
        { line: 6, error: "第6行：缺少 time 字段" },
      ],
    });
    const rows = await db.prisma.opinionMessage.findMany({ where: { sourceKind: "import" }, orderBy: { at: "asc" } });
    expect(rows.map((r) => [r.sourceId, r.channel, r.sentiment])).toEqual([
      ["hotline:h-1", "hotline", "negative"],
      ["hotline:2", "hotline", "negative"],
      [expect.stringMatching(/^import:sha256:[0-9a-f]{64}$/), "import", "positive"],
    ]);
    expect(rows[0]!.at.toISOString()).toBe("2026-11-02T01:15:00.000Z");
    expect(rows[0]!.places).toContain("990102P011");
    expect(rows[1]!.text).toContain("139****5678");
    expect(JSON.stringify(rows)).not.toContain(PHONE);
    const hour = new Date("2026-11-02T01:00:00.000Z");
    const hotline = await db.prisma.opinionRollup.findUniqueOrThrow({
      where: { dimension_hour_value: { hour, dimension: "channel", value: "hotline" } },
    });
    expect(hotline).toMatchObject({ total: 2, negative: 2, neutral: 0, positive: 0 });

    const again = await importOpinions(db.sql, recorder, jsonLines(chunksOf(JSONL)));
    expect(again).toMatchObject({ received: 7, analyzed: 0, duplicates: 4 });
    expect(await db.prisma.opinionMessage.count({ where: { sourceKind: "import" } })).toBe(3);
    expect(
      await db.prisma.opinionRollup.findUniqueOrThrow({
        where: { dimension_hour_value: { hour, dimension: "channel", value: "hotline" } },
      }),
    ).toEqual(hotline);
  });

  it("imports CSV once, with the place column looked up too", async () => {
    const report = await importOpinions(db.sql, recorder, csvLines(chunksOf(CSV)));
    expect(report).toMatchObject({ received: 4, analyzed: 3, duplicates: 0 });
    // The record before spans two lines.
    expect(report.rejected).toEqual([{ line: 6, error: "第6行：缺少 time 字段" }]);
    const w2 = await db.prisma.opinionMessage.findUniqueOrThrow({
      where: { sourceKind_sourceId: { sourceKind: "import", sourceId: "weibo:w-2" } },
    });
    expect(w2.places).toContain("990102P011");
    expect(w2.at.toISOString()).toBe("2026-11-03T23:30:00.000Z");
    // A time without a zone is read in the zone given (the hub's TIME_ZONE), UTC by default.
    const zoneless = await db.prisma.opinionMessage.findFirstOrThrow({ where: { text: "谢谢12345热线" } });
    expect(zoneless.at.toISOString()).toBe("2026-11-04T08:00:00.000Z");
    expect((importRecord({ text: "停水了", time: "2026-11-04 08:00" }, "Asia/Shanghai") as { at: Date }).at).toEqual(
      new Date("2026-11-04T00:00:00.000Z"),
    );
    const again = await importOpinions(db.sql, recorder, csvLines(chunksOf(CSV)));
    expect(again).toMatchObject({ received: 4, analyzed: 0, duplicates: 3 });
  });
});

describe("npm run opinion -- import", () => {
  it("imports a file into the database named by DATABASE_URL and prints the counts", async () => {
    const database = await createTestDatabase("postgresql");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "opinion-import-"));
    try {
      const file = path.join(tmp, "history.csv");
      fs.writeFileSync(file, CSV);
      const run = () =>
        new Promise<{ code: number; stdout: string }>((resolve) =>
          execFile(
            process.execPath,
            ["--import", "tsx", "scripts/opinion.ts", "import", file, "--json"],
            { cwd: root, env: { ...process.env, DATABASE_URL: (database.target as { url: string }).url } },
            (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
          ),
        );
      const first = await run();
      expect(first.code).toBe(1); // one record rejected
      expect(JSON.parse(first.stdout.trim().split("\n").pop()!)).toMatchObject({
        received: 4,
        analyzed: 3,
        duplicates: 0,
        rejected: [{ line: 6 }],
      });
      const second = await run();
      expect(JSON.parse(second.stdout.trim().split("\n").pop()!)).toMatchObject({ analyzed: 0, duplicates: 3 });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      await database.drop();
    }
  }, 60_000);
});
