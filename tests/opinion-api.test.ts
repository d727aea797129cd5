// Issue 14, the opinion hub's read API over seeded rows in PostgreSQL: who may read it (401 /
// 403 / 200 per role), counts, buckets in the hub's time zone (Asia/Shanghai) and place names
// against hand-computed figures, topics with their filters and pages, alerts, CSV downloads,
// the briefings — and a phone number seeded unmasked never leaves in any answer.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { type OpinionRow, storeOpinionRows } from "../src/opinion/opinion-store.ts";
import { maskText } from "../src/privacy/mask.ts";
import { EVERY_ROLE, staffClients } from "./support/staff-accounts.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const PHONE = "13912345678";
const RAW = `阳光小区停水三天了，联系电话${PHONE}`;
const ACCOUNTS = [...EVERY_ROLE, { username: "analyst", role: "analyst", displayName: "舆情分析员" }];
const READERS = ["analyst", "supervisor", "admin"];
const OTHERS = ["cg.zhang", "dispatcher"];

const row = (over: Partial<OpinionRow> & Pick<OpinionRow, "sourceId" | "at">): OpinionRow => ({
  sourceKind: "message",
  channel: "wechat",
  text: "停水了",
  sentiment: "negative",
  score: -0.5,
  emotion: "愤怒",
  keywords: ["停水"],
  places: [],
  domain: null,
  ticketNumber: null,
  ...over,
});
const at = (iso: string) => new Date(iso);

describe("opinion API", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let client: Awaited<ReturnType<typeof staffClients>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    client = await staffClients(t.hub, app, ACCOUNTS);
    const sql = t.hub.db.sql;
    // Stored unmasked on purpose: the API must mask on the way out whatever is stored.
    await storeOpinionRows(sql, [
      row({
        sourceId: "a1",
        at: at("2026-11-02T09:15:00+08:00"),
        text: RAW,
        places: ["990102P011"],
        domain: "供水",
        keywords: ["停水", "小区"],
      }),
      row({
        sourceId: "a2",
        at: at("2026-11-02T09:40:00+08:00"),
        channel: "web",
        places: ["990102001003"],
        domain: "供水",
      }),
      row({
        sourceId: "a3",
        at: at("2026-11-02T10:05:00+08:00"),
        channel: "weibo",
        sentiment: "positive",
        keywords: ["服务"],
        text: "感谢服务中心",
      }),
      row({
        sourceKind: "import",
        sourceId: "hotline:h-9",
        channel: "hotline",
        at: at("2026-11-02T23:30:00+08:00"),
        sentiment: "neutral",
        keywords: ["路灯"],
        places: ["990171P001"],
        text: "科技园路灯不亮",
      }),
      // 00:30 on 3 November in Beijing, still 2 November in UTC.
      row({ sourceId: "a5", at: at("2026-11-03T00:30:00+08:00"), places: ["990102P011"], domain: "供水" }),
      row({
        sourceId: "a6",
        at: at("2026-11-10T10:00:00+08:00"),
        channel: "web",
        sentiment: "neutral",
        keywords: ["停车"],
        text: "停车难",
      }),
    ]);
    for (const r of await sql.query<{ id: string; sourceId: string }>(`SELECT "id", "sourceId" FROM "OpinionMessage"`))
      ids[r.sourceId] = r.id;
    await sql.query(`UPDATE "OpinionMessage" SET "topicId" = 'T1' WHERE "sourceId" IN ('a1', 'a2', 'a5')`);
    await sql.query(`UPDATE "OpinionMessage" SET "topicId" = 'T3' WHERE "sourceId" = 'hotline:h-9'`);
    await sql.query(
      `INSERT INTO "OpinionTopic" ("id", "label", "keywords", "places", "messageCount", "negativeCount", "channels", "firstAt", "lastAt", "ticketNumbers", "updatedAt")
       VALUES ('T1', '人民路街道 · 停水', '{停水}', '{990102001}', 3, 3, '{wechat,web}', '2026-11-02 01:15', '2026-11-02 16:30', '{GD20261102-000001}', now()),
              ('T2', '东湖区 · 旧事', '{旧事}', '{990102}', 9, 0, '{web}', '2026-10-01 01:00', '2026-10-02 01:00', '{}', now()),
              ('T3', '科技园街道 · 路灯', '{路灯}', '{990171001}', 1, 0, '{hotline}', '2026-11-02 15:30', '2026-11-02 15:30', '{}', now()),
              -- Topics without words, as greetings opened them before they stopped doing so: never listed.
              ('T4', '', '{}', '{}', 20, 0, '{wechat}', '2026-11-02 01:00', '2026-11-02 20:00', '{}', now()),
              ('T5', '人民路街道 · ', '{}', '{990102001}', 20, 0, '{wechat}', '2026-11-02 01:00', '2026-11-02 20:00', '{}', now())`,
    );
    await sql.query(
      `INSERT INTO "OpinionRollup" ("dimension", "hour", "value", "total", "negative", "neutral", "positive")
       VALUES ('topic', '2026-11-02 01:00', 'T1', 2, 2, 0, 0), ('topic', '2026-11-02 16:00', 'T1', 1, 1, 0, 0),
              ('topic', '2026-11-02 15:00', 'T3', 1, 0, 1, 0)`,
    );
    const samples = JSON.stringify([{ id: ids.a1, text: RAW, at: "2026-11-02T01:15:00.000Z", channel: "wechat" }]);
    await sql.query(
      `INSERT INTO "OpinionAlert" ("id", "status", "level", "label", "keywords", "places", "channels", "messageCount", "expected", "score", "firstAt", "detectedAt", "updatedAt", "closedAt", "topicId", "samples")
       VALUES ('A1', 'open', '预警', '人民路街道 · 停水', '{停水}', '{990102001}', '{wechat}', 12, 1.5, 6.2, '2026-11-02 01:15', '2026-11-02 02:00', now(), NULL, 'T1', $1::jsonb),
              ('A2', 'closed', '关注', '旧事', '{旧事}', '{}', '{}', 5, 1, 4, '2026-10-01 01:00', '2026-10-01 02:00', now(), '2026-10-02 00:00', NULL, '[]'),
              ('A3', 'closed', '关注', '路灯', '{路灯}', '{990171001}', '{}', 4, 1, 3.5, '2026-11-02 04:00', '2026-11-02 05:00', now(), '2026-11-02 09:00', NULL, '[]'),
              ('A4', 'open', '严重', '早先的事', '{早先}', '{}', '{}', 30, 2, 9, '2026-10-20 01:00', '2026-10-20 02:00', now(), NULL, NULL, '[]')`,
      [samples],
    );
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const DAY = "from=2026-11-02&to=2026-11-02";
  const GETS = [
    `/api/opinion/overview?${DAY}`,
    `/api/opinion/topics?${DAY}`,
    "/api/opinion/topics/T1",
    `/api/opinion/trends?${DAY}&bucket=hour`,
    `/api/opinion/alerts?${DAY}`,
    `/api/opinion/places?${DAY}`,
    `/api/opinion/topics.csv?${DAY}`,
    "/api/opinion/topics/T1/messages.csv",
    "/api/opinion/briefings/daily?date=2026-11-02",
    "/api/opinion/briefings/weekly?week=2026-W45",
  ];

  it("answers analysts, supervisors and admins; 403 for other staff; 401 without a login", async () => {
    for (const url of GETS) {
      expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(401);
      for (const who of OTHERS) {
        const res = await client.get(who, url);
        expect(res.statusCode, `${who} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({ statusCode: 403, error: "Forbidden" });
      }
      for (const who of READERS) expect((await client.get(who, url)).statusCode, `${who} ${url}`).toBe(200);
    }
  });

  it("never lets the phone number out, in JSON, CSV or HTML", async () => {
    const urls = [
      ...GETS,
      "/api/opinion/topics/T1?page=1&pageSize=50",
      `/api/opinion/overview?from=2026-11-01&to=2026-11-03`,
    ];
    for (const url of urls) {
      const res = await client.get("analyst", url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain(PHONE);
    }
    const topic = (await client.get("analyst", "/api/opinion/topics/T1")).json();
    expect(topic.messages[0].text).toBe(maskText(RAW));
    expect((await client.get("analyst", "/api/opinion/topics/T1/messages.csv")).body).toContain(maskText(RAW));
    const alerts = (await client.get("analyst", `/api/opinion/alerts?${DAY}`)).json().alerts;
    expect(alerts.find((a: { id: string }) => a.id === "A1").samples[0].text).toBe(maskText(RAW));
  });

  it("counts the local day from the rollups, by channel, kind and sentiment", async () => {
    const res = await client.get("supervisor", `/api/opinion/overview?${DAY}`);
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json();
    expect(o.from).toBe("2026-11-01T16:00:00.000Z");
    expect(o.to).toBe("2026-11-02T16:00:00.000Z");
    // a5 (00:30 on 3 November in Beijing) is not in the local day, though it is in the UTC one.
    expect(o.totals).toEqual({ total: 4, negative: 2, neutral: 1, positive: 1 });
    const byValue = (list: { value: string; total: number }[]) =>
      Object.fromEntries(list.map((v) => [v.value, v.total]));
    expect(byValue(o.byChannel)).toEqual({ wechat: 1, web: 1, weibo: 1, hotline: 1 });
    expect(byValue(o.byKind)).toEqual({ message: 3, import: 1 });
    expect(byValue(o.bySentiment)).toEqual({ negative: 2, neutral: 1, positive: 1 });
    expect(o.topTopics.map((tp: { id: string }) => tp.id)).toEqual(["T1", "T3"]);
    expect(o.topPlaces.map((p: { name: string; total: number }) => [p.name, p.total])).toEqual(
      expect.arrayContaining([
        ["阳光小区", 1],
        ["阳光社区", 1],
        ["科技园", 1],
      ]),
    );
    // Open alerts, also one opened before the period; no closed one.
    expect(o.openAlerts.map((a: { id: string }) => a.id)).toEqual(["A1", "A4"]);
  });

  it("lists places with their names, districts and negative share", async () => {
    const { places } = (await client.get("analyst", "/api/opinion/places?from=2026-11-02&to=2026-11-03")).json();
    expect(places[0]).toEqual({
      code: "990102P011",
      name: "阳光小区",
      level: "landmark",
      district: "东湖区",
      total: 2,
      negative: 2,
      neutral: 0,
      positive: 0,
      negativeShare: 1,
    });
    expect(places).toHaveLength(3);
  });

  it("buckets trends by local day and week (Monday), and by UTC hour", async () => {
    const day = (
      await client.get("analyst", "/api/opinion/trends?from=2026-11-02&to=2026-11-03&bucket=day&by=sentiment")
    ).json();
    const negative = day.series.find((s: { value: string }) => s.value === "negative");
    expect(
      negative.points.map((p: { date: string; total: number; start: string }) => [p.date, p.total, p.start]),
    ).toEqual([
      ["2026-11-02", 2, "2026-11-01T16:00:00.000Z"],
      ["2026-11-03", 1, "2026-11-02T16:00:00.000Z"],
    ]);
    const week = (
      await client.get("analyst", "/api/opinion/trends?from=2026-11-02&to=2026-11-15&bucket=week&by=channel")
    ).json();
    const web = week.series.find((s: { value: string }) => s.value === "web");
    expect(web.points.map((p: { date: string; total: number }) => [p.date, p.total])).toEqual([
      ["2026-11-02", 1],
      ["2026-11-09", 1],
    ]);
    const hour = (await client.get("analyst", `/api/opinion/trends?${DAY}&bucket=hour&by=place`)).json();
    const yangguang = hour.series.find((s: { value: string }) => s.value === "990102P011");
    expect(yangguang.name).toBe("阳光小区");
    expect(yangguang.points).toEqual([
      { start: "2026-11-02T01:00:00.000Z", total: 1, negative: 1, neutral: 0, positive: 0 },
    ]);
    expect(
      (await client.get("analyst", "/api/opinion/trends?from=2026-09-01&to=2026-11-02&bucket=hour")).statusCode,
    ).toBe(400);
    // Only the largest values over the period get a series: wechat has a1 and a5.
    const top = (
      await client.get("analyst", "/api/opinion/trends?from=2026-11-02&to=2026-11-03&by=channel&limit=1")
    ).json();
    expect(
      top.series.map((s: { value: string; points: { total: number }[] }) => [s.value, s.points.map((p) => p.total)]),
    ).toEqual([["wechat", [1, 1]]]);
  });

  it("lists topics of the period with their figures, filtered by place (name or code), domain and keyword", async () => {
    const { topics } = (await client.get("analyst", "/api/opinion/topics?from=2026-11-02&to=2026-11-03")).json();
    // Not T4 and T5, larger but without words (a greeting's).
    expect(topics.map((tp: { id: string }) => tp.id)).toEqual(["T1", "T3"]);
    const t1 = topics[0];
    expect(t1).toMatchObject({
      label: "人民路街道 · 停水",
      keywords: ["停水"],
      messageCount: 3,
      negativeShare: 1,
      // 3 messages in the 24 hours up to its last, none in the 24 before.
      growth: 3,
      places: [{ code: "990102001", name: "人民路街道", level: "street", district: "东湖区" }],
      firstAt: "2026-11-02T01:15:00.000Z",
      lastAt: "2026-11-02T16:30:00.000Z",
      ticketNumbers: ["GD20261102-000001"],
    });
    expect(t1.samples.map((s: { id: string }) => s.id)).toEqual([ids.a5, ids.a2, ids.a1]);
    const only = async (query: string) =>
      (await client.get("analyst", `/api/opinion/topics?from=2026-11-02&to=2026-11-03&${query}`))
        .json()
        .topics.map((tp: { id: string }) => tp.id);
    expect(await only(`place=${encodeURIComponent("东湖区")}`)).toEqual(["T1"]);
    expect(await only(`place=${encodeURIComponent("高新技术产业开发区")}`)).toEqual(["T3"]);
    expect(await only("place=990171001")).toEqual(["T3"]);
    // A landmark finds the topics of its street (阳光小区 → 阳光社区 → 人民路街道).
    expect(await only(`place=${encodeURIComponent("阳光小区")}`)).toEqual(["T1"]);
    expect(await only(`domain=${encodeURIComponent("供水")}`)).toEqual(["T1"]);
    expect(await only(`keyword=${encodeURIComponent("路灯")}`)).toEqual(["T3"]);
    expect(
      (await client.get("analyst", `/api/opinion/topics?${DAY}&place=${encodeURIComponent("火星")}`)).statusCode,
    ).toBe(400);
  });

  it("shows one topic with its hourly timeline and its messages page by page", async () => {
    const first = (await client.get("analyst", "/api/opinion/topics/T1?pageSize=2")).json();
    expect(first.timeline.map((p: { start: string; total: number }) => [p.start, p.total])).toEqual([
      ["2026-11-02T01:00:00.000Z", 2],
      ["2026-11-02T16:00:00.000Z", 1],
    ]);
    expect(first.messages.map((m: { id: string }) => m.id)).toEqual([ids.a1, ids.a2]);
    expect(first.messages[1]).toEqual({
      id: ids.a2,
      text: "停水了",
      time: "2026-11-02T01:40:00.000Z",
      channel: "web",
      sentiment: "negative",
    });
    const second = (await client.get("analyst", "/api/opinion/topics/T1?pageSize=2&page=2")).json();
    expect(second.messages.map((m: { id: string }) => m.id)).toEqual([ids.a5]);
    const t3 = (await client.get("analyst", "/api/opinion/topics/T3")).json();
    expect(t3.messages[0].externalId).toBe("h-9");
    expect((await client.get("analyst", "/api/opinion/topics/nope")).statusCode).toBe(404);
  });

  it("lists the alerts detected in the period and those still open, newest first", async () => {
    const { alerts } = (await client.get("analyst", `/api/opinion/alerts?${DAY}`)).json();
    expect(alerts.map((a: { id: string }) => a.id)).toEqual(["A3", "A1", "A4"]);
    expect(alerts[1]).toMatchObject({
      level: "预警",
      label: "人民路街道 · 停水",
      keywords: ["停水"],
      places: [{ code: "990102001", name: "人民路街道" }],
      messageCount: 12,
      expected: 1.5,
      score: 6.2,
      firstAt: "2026-11-02T01:15:00.000Z",
      detectedAt: "2026-11-02T02:00:00.000Z",
      topicId: "T1",
    });
  });

  it("downloads topics and a topic's messages as CSV for Excel", async () => {
    const topics = await client.get("analyst", "/api/opinion/topics.csv?from=2026-11-02&to=2026-11-03");
    expect(topics.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = topics.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("话题编号,话题,关键词,消息数,负面占比,增长,地点,首次出现,最近出现,关联工单");
    expect(lines[1]).toBe(
      "T1,人民路街道 · 停水,停水,3,100%,3,人民路街道,2026-11-02 09:15,2026-11-03 00:30,GD20261102-000001",
    );
    const messages = (await client.get("analyst", "/api/opinion/topics/T1/messages.csv")).body.trim().split("\r\n");
    expect(messages).toHaveLength(4);
    expect(messages[2]).toBe(`${ids.a2},,2026-11-02 09:40,web,负面,停水了`);
  });

  it("writes a printable daily and weekly briefing with the seven sections, SVG charts and links", async () => {
    const daily = await client.get("analyst", "/api/opinion/briefings/daily?date=2026-11-02");
    expect(daily.headers["content-type"]).toMatch(/^text\/html/);
    for (const section of ["概览", "趋势", "热点话题", "区域分布", "负面与风险", "新出现的诉求", "建议关注"])
      expect(daily.body).toContain(`. ${section}</h2>`);
    expect(daily.body).toContain("<svg");
    expect(daily.body).toContain("@media print");
    expect(daily.body).toContain('href="/workbench/opinion/topics/T1"');
    expect(daily.body).toContain('href="/workbench/opinion/alerts/A1"');
    expect(daily.body).toMatch(/共收到群众诉求与留言 <a [^>]+>4<\/a> 条/);
    const weekly = await client.get("analyst", "/api/opinion/briefings/weekly?week=2026-W45");
    expect(weekly.body).toContain("2026-11-02 至 2026-11-08");
    expect(weekly.body).toMatch(/共收到群众诉求与留言 <a [^>]+>5<\/a> 条/);
    expect((await client.get("analyst", "/api/opinion/briefings/weekly?week=2025-W53")).statusCode).toBe(400);
    expect((await client.get("analyst", "/api/opinion/briefings/daily?date=2026-02-30")).statusCode).toBe(400);
  });
});
