// GET /api/public/transparency against seeded tickets in a real PostgreSQL: the figures,
// the folding of small groups into 其他, the cache, and that nothing personal leaves.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { startOfLocalDay } from "../src/calendar/zoned-days.ts";
import { monthWindow } from "../src/cases/transparency-stats.ts";
import { seedTickets } from "./support/ticket-seed.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const ZONE = "Asia/Shanghai";

describe("public transparency figures", () => {
  let t: TestHub;
  let app: FastifyInstance;
  const now = new Date();
  const [previous, current] = monthWindow(now, ZONE, 2) as [string, string];
  // The first day of each month, 10:00 local; tickets of this month are never in the future.
  const dayOf = (month: string) => new Date(startOfLocalDay(`${month}-01`, ZONE).getTime() + 2 * 3600_000);
  const thisMonth = new Date(Math.min(dayOf(current).getTime(), now.getTime() - 60_000));

  beforeAll(async () => {
    t = await startTestHub("postgresql", { env: { TRANSPARENCY_MIN_GROUP: "5" } });
    app = await buildApp(t.hub);
    const prisma = t.hub.db.prisma;
    const resolved = (onTime: boolean, rating: number | null = null) => ({
      createdAt: thisMonth,
      resolvedAt: now,
      resolvedOnTime: onTime,
      rating,
    });
    await seedTickets(prisma, [
      // CG this month: 6 street lights, 4 resolved (3 on time), rated 5, 4 and 3 (3 is not 满意 here).
      { ...resolved(true, 5), text: "张三家门口路灯坏了，电话13812345678" },
      resolved(true, 4),
      resolved(true, 3),
      resolved(false),
      { createdAt: thisMonth },
      { createdAt: thisMonth },
      // HJ this month: 2 complaints, below the minimum → 其他 (also their category).
      { createdAt: thisMonth, departmentCode: "HJ", category: "pollution", text: "李四举报 13900001111" },
      { createdAt: thisMonth, departmentCode: "HJ", category: "pollution", resolvedAt: now, rating: 1 },
      // Not counted: merged into another, not yet routed.
      { createdAt: thisMonth, status: "merged" },
      { createdAt: thisMonth, departmentCode: null },
      // Last month: 5 CG tickets, exactly the minimum.
      ...Array.from({ length: 5 }, () => ({ createdAt: dayOf(previous) })),
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it("reports received, resolved, on-time and satisfaction per month and department, folding small groups", async () => {
    const res = await app.inject({ method: "GET", url: "/api/public/transparency?months=2" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    const body = res.json();
    expect(body.minGroup).toBe(5);
    expect(body.months.map((m: { month: string }) => m.month)).toEqual([previous, current]);
    const [last, latest] = body.months;
    expect(last).toMatchObject({ received: 5, resolved: 0, onTimeRate: null, satisfactionRate: null });
    expect(last.departments).toEqual([
      {
        name: "市城市管理局（城市管理综合行政执法局）",
        other: false,
        received: 5,
        resolved: 0,
        onTimeRate: null,
        satisfactionRate: null,
      },
    ]);
    expect(latest).toMatchObject({ received: 8, resolved: 5, onTimeRate: 0.8, satisfactionRate: 0.5 });
    expect(latest.departments).toEqual([
      {
        name: "市城市管理局（城市管理综合行政执法局）",
        other: false,
        received: 6,
        resolved: 4,
        onTimeRate: 0.75,
        satisfactionRate: 0.6667,
      },
      { name: "其他", other: true, received: 2, resolved: 1, onTimeRate: 1, satisfactionRate: 0 },
    ]);
    expect(latest.categories).toEqual([
      { name: "路灯照明", other: false, received: 6 },
      { name: "其他", other: true, received: 2 },
    ]);
  });

  it("publishes no ticket text, phone number, ticket number or department code", async () => {
    const body = (await app.inject({ method: "GET", url: "/api/public/transparency?months=24" })).body;
    expect(JSON.parse(body).months).toHaveLength(24);
    for (const secret of [
      "张三",
      "李四",
      "138",
      "13900001111",
      "路灯坏了",
      "GD2099",
      "webchat",
      "seed-",
      '"HJ"',
      '"CG"',
    ])
      expect(body).not.toContain(secret);
  });

  it("answers from its cache for a few minutes", async () => {
    const before = (await app.inject({ method: "GET", url: "/api/public/transparency?months=2" })).json();
    await seedTickets(t.hub.db.prisma, [{ createdAt: thisMonth }]);
    const after = (await app.inject({ method: "GET", url: "/api/public/transparency?months=2" })).json();
    expect(after).toEqual(before);
  });

  it("refuses more than 24 months, naming the field", async () => {
    const res = await app.inject({ method: "GET", url: "/api/public/transparency?months=25" });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe("querystring.months");
  });

  it("serves the page, its script and styles from the hub", async () => {
    const page = await app.inject({ method: "GET", url: "/transparency" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain('<script src="/assets/vendor/echarts.min.js" defer></script>');
    expect(page.body).not.toMatch(/<script>|\son[a-z]+=/); // no inline script or handler
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    const script = await app.inject({ method: "GET", url: "/transparency/transparency.js" });
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    const again = await app.inject({
      method: "GET",
      url: "/transparency/transparency.css",
      headers: {
        "if-none-match": (await app.inject({ method: "GET", url: "/transparency/transparency.css" })).headers
          .etag as string,
      },
    });
    expect(again.statusCode).toBe(304);
  });
});
