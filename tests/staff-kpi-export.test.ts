// KPI trends per week and month, and the CSV and XLSX exports, over seeded tickets in
// PostgreSQL; department staff get only their own department's figures from every route.
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { seedTickets } from "./support/ticket-seed.ts";
import { staffClients } from "./support/staff-accounts.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const CG = "市城市管理局（城市管理综合行政执法局）";
const HEADERS = [
  "部门",
  "受理量",
  "办结量",
  "按时签收率",
  "按时办结率",
  "满意率",
  "重办率",
  "办理时长中位数（小时）",
  "表扬数",
];

describe("KPI trend and export", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let client: Awaited<ReturnType<typeof staffClients>>;
  const at = (iso: string) => new Date(iso);
  const plus = (date: Date, hours: number) => new Date(date.getTime() + hours * 3600_000);

  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    client = await staffClients(t.hub, app);
    const monday = at("2026-01-05T01:00:00Z"); // 09:00 in Beijing
    const nextMonday = at("2026-01-12T01:00:00Z");
    const ticket = (createdAt: Date, acceptAfter: number | null, resolveAfter: number | null, rating?: number) => ({
      createdAt,
      assignedAt: createdAt,
      acceptedAt: acceptAfter === null ? null : plus(createdAt, acceptAfter),
      resolvedAt: resolveAfter === null ? null : plus(createdAt, resolveAfter),
      rating: rating ?? null,
    });
    await seedTickets(t.hub.db.prisma, [
      // Week of 5 January, CG: accepted after 2 h and 30 h (late), one not accepted for days (late too).
      ticket(monday, 2, 10, 5),
      ticket(monday, 30, 40, 2),
      ticket(monday, null, null),
      // Week of 12 January, CG: both accepted on time, one resolved late.
      ticket(nextMonday, 1, 4, 4),
      { ...ticket(nextMonday, 1, 8), resolvedOnTime: false },
      // February, CG; and one GA ticket in the first week.
      ticket(at("2026-02-02T01:00:00Z"), 1, 2),
      { ...ticket(monday, 1, 2), departmentCode: "GA", category: "neighbourhood-noise" },
      // Praise for CG, acknowledged (办结) without 签收: counted as 表扬数 and in no other figure.
      { ...ticket(monday, null, 1), kind: "praise", status: "closed", resolvedOnTime: null },
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it("gives the same KPIs per week, with totals", async () => {
    const res = await client.get("supervisor", "/api/staff/kpis/trend?from=2026-01-05&to=2026-01-18&interval=week");
    expect(res.statusCode, res.body).toBe(200);
    const { interval, periods } = res.json();
    expect(interval).toBe("week");
    expect(periods.map((p: { start: string }) => p.start)).toEqual(["2026-01-05", "2026-01-12"]);
    const [first, second] = periods;
    expect(first.total).toMatchObject({ received: 4, resolved: 3, acceptOnTimeRate: 0.5, satisfactionRate: 0.5 });
    expect(first.departments.map((d: { departmentCode: string }) => d.departmentCode)).toEqual(["CG", "GA"]);
    expect(first.departments[0]).toMatchObject({
      departmentName: CG,
      received: 3,
      resolved: 2,
      acceptOnTimeRate: 0.3333,
      medianHoursToAccept: 16,
      medianHoursToResolve: 25,
      praise: 1,
    });
    expect(first.departments[1]).toMatchObject({ departmentCode: "GA", praise: 0 });
    expect(first.total).toMatchObject({ praise: 1 });
    expect(second.total).toMatchObject({ received: 2, resolved: 2, acceptOnTimeRate: 1, onTimeRate: 0.5 });
  });

  it("gives them per month, and department staff only their own department", async () => {
    const monthly = (
      await client.get("supervisor", "/api/staff/kpis/trend?from=2026-01-01&to=2026-02-28&interval=month&department=CG")
    ).json();
    expect(
      monthly.periods.map((p: { start: string; total: { received: number } }) => [p.start, p.total.received]),
    ).toEqual([
      ["2026-01-01", 5],
      ["2026-02-01", 1],
    ]);
    const own = (await client.get("ga.li", "/api/staff/kpis/trend?from=2026-01-01&to=2026-02-28")).json();
    expect(own.interval).toBe("month");
    expect(own.periods).toHaveLength(1);
    expect(own.periods[0].departments.map((d: { departmentCode: string }) => d.departmentCode)).toEqual(["GA"]);
    expect(
      (await client.get("ga.li", "/api/staff/kpis/trend?from=2026-01-01&to=2026-02-28&department=CG")).statusCode,
    ).toBe(403);
    expect(
      (await client.get("ga.li", "/api/staff/kpis/trend?from=2026-01-01&to=2026-02-28&interval=day")).json().field,
    ).toBe("querystring.interval");
  });

  it("exports CSV with a BOM and Chinese headers Excel reads", async () => {
    const res = await client.get("supervisor", "/api/staff/kpis/export.csv?from=2026-01-01&to=2026-01-31");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="kpis-2026-01-01-2026-01-31.csv"');
    expect(res.headers["cache-control"]).toBe("no-store");
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.rawPayload.toString("utf8").slice(1).trimEnd().split("\r\n");
    expect(lines[0]!.split(",")).toEqual(HEADERS);
    // CG in January: 5 received, 4 resolved; accepted on time 3 of 5; on time 3 of 4; satisfied 2 of 3 rated.
    expect(lines[1]!.split(",")).toEqual([CG, "5", "4", "60%", "75%", "66.7%", "0%", "9", "1"]);
    expect(lines[2]!.split(",")[0]).toBe("市公安局");
    expect(lines).toHaveLength(3);
  });

  it("exports XLSX with the same rows, rates as percentages", async () => {
    const res = await client.get("supervisor", "/api/staff/kpis/export.xlsx?from=2026-01-01&to=2026-01-31");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("办理情况统计");
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([CG, 5, 4, 0.6, 0.75, 0.6667, 0, 9, 1]);
    expect(sheet.getRow(2).getCell(4).numFmt).toBe("0.0%");
    expect(sheet.rowCount).toBe(3);
  });

  it("applies the department rule to exports too", async () => {
    const own = await client.get("ga.li", "/api/staff/kpis/export.csv?from=2026-01-01&to=2026-01-31");
    const lines = own.rawPayload.toString("utf8").trimEnd().split("\r\n");
    expect(lines.map((l) => l.split(",")[0])).toEqual(["\uFEFF部门", "市公安局"]);
    const other = await client.get("ga.li", "/api/staff/kpis/export.xlsx?from=2026-01-01&to=2026-01-31&department=CG");
    expect(other.statusCode).toBe(403);
    expect(
      (await app.inject({ method: "GET", url: "/api/staff/kpis/export.csv?from=2026-01-01&to=2026-01-31" })).statusCode,
    ).toBe(401);
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { action: "export_kpis" } });
    expect(audit.map((a) => [a.username, (a.detail as { format: string }).format])).toEqual(
      expect.arrayContaining([
        ["supervisor", "csv"],
        ["supervisor", "xlsx"],
        ["ga.li", "csv"],
      ]),
    );
  });
});
