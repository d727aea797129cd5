// Issue 14, POST /api/opinion/import: JSON Lines, CSV and XLSX bodies streamed into the same
// analysis as the CLI, answered 202 {importId} and run in the background; the status in
// OpinionImport (GET /api/opinion/imports/:id), bad lines rejected with their line numbers, a
// second import of the same records counted as duplicates, the import in the staff audit, and
// an import a restart interrupted read as failed.
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { INTERRUPTED, STALE_MS } from "../src/opinion/opinion-import-status.ts";
import { EVERY_ROLE, staffClients } from "./support/staff-accounts.ts";
import { eventually, startTestHub, type TestHub } from "./support/test-env.ts";

const PHONE = "13912345678";
const JSONL = [
  {
    text: "东湖区阳光小区停水三天了，太不像话了！",
    time: "2026-11-02T09:15:00+08:00",
    externalId: "h-1",
    channel: "hotline",
  },
  "not json",
  {
    text: `人民路路灯坏了好几天，电话${PHONE}`,
    time: "2026-11-02T09:40:00+08:00",
    externalId: "h-2",
    channel: "hotline",
  },
  { text: "没有时间的记录", externalId: "h-3" },
]
  .map((l) => (typeof l === "string" ? l : JSON.stringify(l)))
  .join("\n");

const CSV = [
  "text,time,channel,externalId,region",
  '"高新区科技园附近噪音太大,晚上睡不着",2026-11-03T23:10:00+08:00,weibo,w-1,',
  "感谢市民服务中心,2026-11-04 08:00,weibo,w-2,阳光小区",
].join("\r\n");

async function workbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("记录");
  sheet.addRow(["text", "time", "channel", "externalId", "region"]);
  sheet.addRow(["解放路井盖丢了，很危险", "2026-11-05T10:00:00+08:00", "hotline", "x-1", ""]);
  // A date cell: a wall time, read in the hub's zone.
  sheet.addRow(["市第一人民医院排队太久了", new Date("2026-11-05T14:30:00Z"), "hotline", 2, "东湖区"]);
  sheet.addRow(["", "2026-11-05T10:00:00+08:00", "hotline", "x-3", ""]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe("opinion import over HTTP", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let client: Awaited<ReturnType<typeof staffClients>>;

  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    client = await staffClients(t.hub, app, [
      ...EVERY_ROLE,
      { username: "analyst", role: "analyst", displayName: "舆情分析员" },
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const post = (who: string, contentType: string, payload: string | Buffer) =>
    app.inject({
      method: "POST",
      url: "/api/opinion/import",
      headers: { authorization: `Bearer ${client.tokens[who]}`, "content-type": contentType },
      payload,
    });

  async function imported(who: string, contentType: string, payload: string | Buffer) {
    const res = await post(who, contentType, payload);
    expect(res.statusCode, res.body).toBe(202);
    const { importId } = res.json();
    return eventually(async () => {
      const status = (await client.get(who, `/api/opinion/imports/${importId}`)).json();
      return status.status === "running" ? undefined : { importId, ...status };
    }, 60_000);
  }

  it("imports JSON Lines, rejects bad lines with their numbers, and counts a second import as duplicates", async () => {
    const first = await imported("analyst", "application/x-ndjson", JSONL);
    expect(first).toMatchObject({ status: "done", received: 4, analyzed: 2, duplicates: 0 });
    // Each rejected line says what is wrong, in Chinese, with its number.
    expect(first.rejected).toEqual([
      { line: 2, error: "第2行：不是 JSON 对象" },
      { line: 4, error: "第4行：缺少 time 字段" },
    ]);
    const stored = await t.hub.db.sql.query<{ text: string; channel: string; sourceKind: string }>(
      `SELECT "text", "channel", "sourceKind" FROM "OpinionMessage" WHERE "sourceId" LIKE 'hotline:%' ORDER BY "at"`,
    );
    expect(stored).toHaveLength(2);
    expect(stored.every((r) => r.sourceKind === "import" && r.channel === "hotline")).toBe(true);
    expect(stored[1]!.text).not.toContain(PHONE);
    const again = await imported("admin", "application/x-ndjson; charset=utf-8", JSONL);
    expect(again).toMatchObject({ status: "done", received: 4, analyzed: 0, duplicates: 2 });
    const audit = await t.hub.db.prisma.staffAudit.findMany({
      where: { action: "import_opinions" },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => [a.username, a.target])).toEqual([
      ["analyst", first.importId],
      ["admin", again.importId],
    ]);
  });

  it("imports CSV with a place column", async () => {
    const status = await imported("analyst", "text/csv", CSV);
    expect(status).toMatchObject({ status: "done", received: 2, analyzed: 2, duplicates: 0, rejected: [] });
    const [row] = await t.hub.db.sql.query<{ places: string[] }>(
      `SELECT "places" FROM "OpinionMessage" WHERE "sourceId" = 'weibo:w-2'`,
    );
    expect(row!.places).toContain("990102P011");
  });

  it("imports the first sheet of an XLSX workbook, a date cell read in the hub's zone", async () => {
    const status = await imported(
      "analyst",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      await workbook(),
    );
    expect(status).toMatchObject({ status: "done", received: 3, analyzed: 2, duplicates: 0 });
    // The sheet's row number; an empty text cell is left out of the record.
    expect(status.rejected).toEqual([{ line: 4, error: "第4行：缺少 text 字段" }]);
    const rows = await t.hub.db.sql.query<{ sourceId: string; at: string }>(
      `SELECT "sourceId", to_char("at", 'YYYY-MM-DD"T"HH24:MI') AS at FROM "OpinionMessage" WHERE "sourceId" LIKE 'hotline:x-%' OR "sourceId" = 'hotline:2' ORDER BY "at"`,
    );
    // 14:30 in Beijing is 06:30 UTC.
    expect(rows).toEqual([
      { sourceId: "hotline:x-1", at: "2026-11-05T02:00" },
      { sourceId: "hotline:2", at: "2026-11-05T06:30" },
    ]);
  });

  it("fails an unreadable workbook with a reason", async () => {
    const status = await imported(
      "analyst",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      Buffer.from("not a zip"),
    );
    expect(status.status).toBe("failed");
    expect(status.error).toMatch(/XLSX/);
  });

  it("lets only analysts and admins import; refuses other types of body", async () => {
    expect((await post("supervisor", "text/csv", CSV)).statusCode).toBe(403);
    expect((await post("cg.zhang", "text/csv", CSV)).statusCode).toBe(403);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/opinion/import",
          headers: { "content-type": "text/csv" },
          payload: CSV,
        })
      ).statusCode,
    ).toBe(401);
    expect((await post("analyst", "application/pdf", "x")).statusCode).toBe(415);
    expect((await client.get("analyst", "/api/opinion/imports/00000000-0000-0000-0000-000000000000")).statusCode).toBe(
      404,
    );
  });

  it("reads an import a restart interrupted as failed, with the reason", async () => {
    const row = await t.hub.db.prisma.opinionImport.create({
      data: {
        status: "running",
        format: "csv",
        username: "analyst",
        received: 3000,
        analyzed: 3000,
        updatedAt: new Date(Date.now() - STALE_MS - 1_000),
      },
    });
    const status = (await client.get("supervisor", `/api/opinion/imports/${row.id}`)).json();
    expect(status).toMatchObject({ status: "failed", received: 3000, analyzed: 3000, error: INTERRUPTED });
    expect((await t.hub.db.prisma.opinionImport.findUnique({ where: { id: row.id } }))!.status).toBe("failed");
  });
});
