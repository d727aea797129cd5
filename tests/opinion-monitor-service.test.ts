// Issue 14, the monitor wired in: a quick generated stream (3 weeks, one sudden water outage in
// the last week; tests/support/opinion-stream.ts) is analysed and stored as OpinionMessage rows,
// and the hub's monitor service reads them back — on real PostgreSQL and Redis, with a local
// HTTP server as the alert webhook. The service's clock is the test's (the stream lies in
// the past); everything else is as in production: the Redis lease, the cursor, the tail by
// createdAt, the replay, the outbox and its relay, the opinion-alerts queue and its worker.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Region } from "../src/knowledge/gazetteer-schema.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { resolveAlertSettings } from "../src/opinion/alert-settings.ts";
import { alertChanges } from "../src/opinion/alert-changes.ts";
import { createAlertDeliveryWorker } from "../src/opinion/alert-delivery.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "../src/opinion/alert-webhook.ts";
import { loadOpinionRecorder } from "../src/opinion/load-opinion-recorder.ts";
import { MonitorStore } from "../src/opinion/monitor-store.ts";
import { OpinionMonitorService } from "../src/opinion/opinion-monitor-service.ts";
import { type OpinionRow, storeOpinionRows } from "../src/opinion/opinion-store.ts";
import { PlaceFinder } from "../src/opinion/place-finder.ts";
import { RedisLease } from "../src/opinion/redis-lease.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { generateStream, type OpinionStream, type StreamMessage } from "./support/opinion-stream.ts";
import { eventually, startTestHub, TEST_REDIS_URL, type TestHub, uniqueName } from "./support/test-env.ts";

const HOUR_MS = 3_600_000;
const SECRET = "test-webhook-secret-0123456789";

interface Received {
  status: number;
  valid: boolean;
  body: { change: string; level: string; alert: { id: string; status: string } };
}

/** A webhook receiver on a local port: answers 500 to its first request, then 200; checks every signature. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(request.headers[TIMESTAMP_HEADER] ?? "");
      const signature = String(request.headers[SIGNATURE_HEADER] ?? "");
      const status = received.length === 0 ? 500 : 200;
      received.push({
        status,
        valid: verifyWebhookSignature(SECRET, timestamp, raw, signature),
        body: JSON.parse(raw),
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let regions: Region[];
let stream: OpinionStream;

/**
 * The stored messages without a topic, and those of them without terms (no keyword, or place
 * names only, as the stream's 东环路的井盖松了 — 井盖 is not found): they should be the same.
 */
async function withoutTopic(hub: TestHub["hub"]): Promise<{ unassigned: number; termless: number }> {
  const names = new Set(PlaceFinder.names(regions));
  const rows = await hub.db.prisma.opinionMessage.findMany({ select: { topicId: true, keywords: true } });
  const unassigned = rows.filter((r) => r.topicId === null);
  return {
    unassigned: unassigned.length,
    termless: rows.filter((r) => r.keywords.every((k) => names.has(k))).length,
  };
}
/** Every stream message analysed once, as the worker would store it. */
let analysed: Map<string, OpinionRow>;
/** Greetings, which have no terms and join no topic (the stream has no such message of its own). */
let greetings: OpinionRow[];

beforeAll(async () => {
  regions = await loadGazetteer(INTENTS_DIR);
  stream = generateStream(202, regions, { weeks: 3, events: ["sudden"] });
  const recorder = await loadOpinionRecorder(INTENTS_DIR);
  analysed = new Map(
    stream.messages.map((m) => [
      m.id,
      recorder.row({
        sourceKind: "message",
        sourceId: m.id,
        channel: m.id.endsWith("7") ? "weibo" : "webchat",
        at: new Date(m.time),
        text: m.text,
        domain: m.domain,
      }),
    ]),
  );
  greetings = ["你好", "在吗", "您好"].map((text, i) =>
    recorder.row({
      sourceKind: "message",
      sourceId: `greeting-${i}`,
      channel: "webchat",
      at: new Date(stream.start + (i + 1) * HOUR_MS),
      text,
      domain: null,
    }),
  );
}, 60_000);

/** A hub with its database, the opinion-alerts queue and worker, and monitor services on the test's clock. */
async function setUp(webhookUrl: string) {
  const t = await startTestHub("postgresql", {
    env: { OPINION_ALERT_WEBHOOK: webhookUrl, OPINION_ALERT_WEBHOOK_SECRET: SECRET },
  });
  const hub = t.hub;
  const worker: Worker = createAlertDeliveryWorker({
    redisUrl: hub.redisUrl,
    prefix: hub.config.queuePrefix,
    prisma: hub.db.prisma,
    log: hub.log,
    webhook: hub.config.opinion.alertWebhook!,
  });
  const clock = { now: stream.start };
  const service = () =>
    new OpinionMonitorService({
      store: new MonitorStore(hub.db.sql, { deliver: true }),
      lease: new RedisLease(hub.redis, `${hub.config.queuePrefix}:opinion-monitor:lease`, 15_000),
      regions: () => regions,
      log: hub.log,
      onQueued: () => hub.relay.kick(),
      now: () => clock.now,
      commitLagMs: 0,
      settleMs: 0,
      lateWaitMs: 0,
    });
  const store = async (messages: readonly StreamMessage[], kind: "message" | "import" = "message") => {
    const rows = messages.map((m) => {
      const row = analysed.get(m.id)!;
      return kind === "message" ? row : { ...row, sourceKind: kind, sourceId: `import:${m.id}`, channel: "import" };
    });
    for (let i = 0; i < rows.length; i += 2_000) await storeOpinionRows(hub.db.sql, rows.slice(i, i + 2_000));
  };
  /** Stream message id → stored row id. */
  const storedIds = async () =>
    new Map(
      (await hub.db.prisma.opinionMessage.findMany({ select: { id: true, sourceId: true } })).map((r) => [
        r.sourceId.replace(/^import:/, ""),
        r.id,
      ]),
    );
  return {
    t,
    hub,
    clock,
    service,
    store,
    storedIds,
    close: async () => {
      await worker.close();
      await t.close();
    },
  };
}

describe("the hub's opinion monitor, live", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let env: Awaited<ReturnType<typeof setUp>>;
  const event = () => stream.events[0]!;
  beforeAll(async () => {
    receiver = await startReceiver();
    env = await setUp(receiver.url);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await receiver?.close();
  });

  /** The stored alerts holding at least 10 of the event's messages. */
  const eventAlerts = async () => {
    const ids = await env.storedIds();
    const own = event()
      .ids.map((id) => ids.get(id))
      .filter((id): id is string => id !== undefined);
    const links = await env.hub.db.prisma.opinionAlertMessage.groupBy({
      by: ["alertId"],
      where: { messageId: { in: own } },
      _count: true,
    });
    const alertIds = links.filter((l) => l._count >= 10).map((l) => l.alertId);
    return env.hub.db.prisma.opinionAlert.findMany({ where: { id: { in: alertIds } } });
  };

  it("rebuilds from the stored rows on taking the lease, stores topics, detects the event live, delivers each change once, hands over", async () => {
    const { hub, clock, store } = env;
    const firstEvent = event().times[0]!;
    const start = Math.floor((firstEvent - 6 * HOUR_MS) / HOUR_MS) * HOUR_MS;
    await store(stream.messages.filter((m) => m.time < start));
    expect(greetings.map((g) => g.keywords)).toEqual([[], [], []]);
    await storeOpinionRows(hub.db.sql, greetings);
    clock.now = start;

    const a = env.service();
    const b = env.service();
    await a.poll();
    expect(a.active).toBe(true);
    await b.poll();
    expect(b.active).toBe(false); // one monitor per hub
    const replay = a.lastReplay!;
    console.log(
      `replay of ${replay.messages} stored rows: ${Math.round(replay.ms)} ms, ${Math.round(replay.messages / (replay.ms / 1000))} messages/s`,
    );

    // Every stored message with terms has a topic; the topics' counts add up to those messages.
    const prisma = hub.db.prisma;
    const { unassigned, termless } = await withoutTopic(hub);
    expect(unassigned).toBe(termless);
    expect(termless).toBeGreaterThan(0);
    const topics = await prisma.opinionTopic.findMany();
    expect(topics.length).toBeGreaterThan(50);
    expect(topics.some((topic) => topic.keywords.length === 0)).toBe(false);
    expect(topics.reduce((n, topic) => n + topic.messageCount, 0)).toBe(
      (await prisma.opinionMessage.count()) - unassigned,
    );
    const big = topics.sort((x, y) => y.messageCount - x.messageCount)[0]!;
    expect(big.label.length).toBeGreaterThan(0);
    expect(big.channels.length).toBeGreaterThan(0);
    const topicRollup = await prisma.opinionRollup.aggregate({ where: { dimension: "topic" }, _sum: { total: true } });
    expect(topicRollup._sum.total).toBe((await prisma.opinionMessage.count()) - unassigned);

    // Live: two hours of messages at a time, the clock following; A stops two hours into the event, B takes over.
    const handOver = firstEvent + 2 * HOUR_MS;
    // The day windows of the street and its communities stay hot for a day or two after the
    // outage; the alert closes 6 calm hours later (about 62 hours after the first message here).
    const until = Math.min(stream.end, firstEvent + 72 * HOUR_MS);
    let handedOver = false;
    const step = 2 * HOUR_MS;
    for (let t = start; t < until; t += step) {
      await store(stream.messages.filter((m) => m.time >= t && m.time < t + step));
      clock.now = t + step;
      if (!handedOver && clock.now > handOver) {
        expect((await eventAlerts()).length).toBe(1); // A saw it
        await a.stop();
        handedOver = true;
      }
      await (handedOver ? b : a).poll();
    }
    expect(b.active).toBe(true);
    const takeover = b.lastReplay!;
    console.log(
      `takeover replay of ${takeover.messages} stored rows: ${Math.round(takeover.ms)} ms, ${Math.round(takeover.messages / (takeover.ms / 1000))} messages/s`,
    );

    const alerts = await eventAlerts();
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    // Fired after its first messages and within 2 hours of its 10th, when it would have on live traffic.
    expect(alert.detectedAt.getTime()).toBeGreaterThan(firstEvent);
    expect(alert.detectedAt.getTime()).toBeLessThanOrEqual(event().times[9]! + 2 * HOUR_MS);
    expect(alert.status).toBe("closed");
    expect(alert.samples).toHaveLength(5);
    expect(alert.keywords).toContain("停水");
    expect(alert.places.length).toBeGreaterThan(0);
    expect(alert.topicId).not.toBeNull();
    const topic = await prisma.opinionTopic.findUniqueOrThrow({ where: { id: alert.topicId! } });
    expect(topic.label).toContain("停水");
    expect(alert.label).toBe(topic.label);
    // The event's messages share that topic.
    const ids = await env.storedIds();
    const inTopic = await prisma.opinionMessage.count({
      where: { id: { in: event().ids.map((id) => ids.get(id)!) }, topicId: topic.id },
    });
    expect(inTopic / event().ids.length).toBeGreaterThan(0.7);

    // The webhook: signed, each change once; the first answer (500) was retried.
    const delivered = await eventually(async () => {
      const ok = receiver.received.filter((r) => r.status === 200 && r.body.alert.id === alert.id);
      return ok.some((r) => r.body.change === "closed") ? ok : undefined;
    }, 20_000);
    expect(delivered[0]!.body.change).toBe("opened");
    expect(receiver.received.every((r) => r.valid)).toBe(true);
    expect(receiver.received[0]!.status).toBe(500);
    const keys = receiver.received
      .filter((r) => r.status === 200)
      .map((r) => `${r.body.alert.id}/${r.body.change}/${r.body.level}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain(
      `${receiver.received[0]!.body.alert.id}/${receiver.received[0]!.body.change}/${receiver.received[0]!.body.level}`,
    );

    // A replay of everything stored changes no row and delivers nothing again.
    const snapshot = async () => ({
      alerts: (await prisma.opinionAlert.findMany({ orderBy: { id: "asc" } })).map((x) => ({ ...x })),
      topics: await prisma.opinionTopic.count(),
      links: await prisma.opinionAlertMessage.count(),
      unassigned: await prisma.opinionMessage.count({ where: { topicId: null } }),
    });
    const before = await snapshot();
    const sent = receiver.received.length;
    await b.replayAll();
    expect(await snapshot()).toEqual(before);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.received.length).toBe(sent);
    await b.stop();
  }, 120_000);
});

describe("the hub's opinion monitor, late rows", () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    env = await setUp(receiver.url);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await receiver?.close();
  });

  it("an import of history behind the monitor's clock gives the alert it would have given live, detected in the past", async () => {
    const { hub, clock, store } = env;
    const event = stream.events[0]!;
    await store(stream.messages.filter((m) => !m.event));
    clock.now = stream.end;
    const monitor = env.service();
    await monitor.poll();
    const prisma = hub.db.prisma;
    const eventAlert = async () => {
      const ids = await env.storedIds();
      const own = event.ids.map((id) => ids.get(id)).filter((id): id is string => id !== undefined);
      const links = await prisma.opinionAlertMessage.groupBy({
        by: ["alertId"],
        where: { messageId: { in: own } },
        _count: true,
      });
      return links.filter((l) => l._count >= 10);
    };
    expect(await eventAlert()).toHaveLength(0);

    // The outage's messages arrive late, imported: behind the clock by days.
    await store(
      stream.messages.filter((m) => m.event),
      "import",
    );
    await monitor.poll();
    const links = await eventAlert();
    expect(links).toHaveLength(1);
    const alert = await prisma.opinionAlert.findUniqueOrThrow({ where: { id: links[0]!.alertId } });
    expect(alert.detectedAt.getTime()).toBeGreaterThan(event.times[0]!);
    expect(alert.detectedAt.getTime()).toBeLessThanOrEqual(event.times[9]! + 2 * HOUR_MS);
    expect(alert.detectedAt.getTime()).toBeLessThan(clock.now - 24 * HOUR_MS);
    expect(alert.channels).toContain("import");
    const { unassigned, termless } = await withoutTopic(hub);
    expect(unassigned).toBe(termless);
    // Delivered as well, once.
    await eventually(async () =>
      receiver.received.some((r) => r.status === 200 && r.body.alert.id === alert.id) ? true : undefined,
    );
    await monitor.stop();
  }, 120_000);
});

describe("the hub's opinion monitor on the embedded database", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub("pglite");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("runs the same statements on PGlite", async () => {
    const hub = t.hub;
    const week = stream.messages.filter((m) => m.time < stream.start + 7 * 24 * HOUR_MS);
    await storeOpinionRows(
      hub.db.sql,
      week.slice(0, 1_500).map((m) => analysed.get(m.id)!),
    );
    const clock = { now: week[1_499]!.time };
    let gazetteer = regions;
    const monitor = new OpinionMonitorService({
      store: new MonitorStore(hub.db.sql),
      lease: new RedisLease(hub.redis, `${hub.config.queuePrefix}:opinion-monitor:lease`, 15_000),
      regions: () => gazetteer,
      log: hub.log,
      now: () => clock.now,
      commitLagMs: 0,
      settleMs: 0,
    });
    await monitor.poll();
    expect(monitor.active).toBe(true);
    // Greetings without content words among them: counted, but in no topic.
    const greetings = ["你好", "在吗", "谢谢"].map((text, i): OpinionRow => {
      const like = analysed.get(week[1_600 + i]!.id)!;
      return { ...like, sourceId: `greeting-${i}`, text, keywords: [], places: [], sentiment: "neutral" };
    });
    await storeOpinionRows(hub.db.sql, [...week.slice(1_500).map((m) => analysed.get(m.id)!), ...greetings]);
    clock.now = week.at(-1)!.time;
    await monitor.poll();
    const prisma = hub.db.prisma;
    expect(await prisma.opinionMessage.count()).toBe(week.length + greetings.length);
    const unassigned = await prisma.opinionMessage.findMany({ where: { topicId: null }, select: { sourceId: true } });
    expect(unassigned.map((m) => m.sourceId)).toEqual(expect.arrayContaining(greetings.map((g) => g.sourceId)));
    expect(unassigned).toHaveLength((await withoutTopic(hub)).termless);
    expect(await prisma.opinionTopic.count({ where: { OR: [{ label: "" }, { keywords: { isEmpty: true } }] } })).toBe(
      0,
    );
    expect(await prisma.opinionTopic.count()).toBeGreaterThan(10);
    const cursor = await new MonitorStore(hub.db.sql).cursor();
    expect(cursor!.clock).toBeGreaterThan(week[1_499]!.time);

    // A reload of intents/ reads the gazetteer again: the same places change nothing; another
    // gazetteer makes the next round rebuild from the stored rows, then it tails again.
    const tailed = monitor.lastReplay;
    await monitor.poll();
    expect(monitor.lastReplay).toBe(tailed);
    gazetteer = regions.map((region) => ({ ...region }));
    await monitor.poll();
    expect(monitor.lastReplay).toBe(tailed);
    gazetteer = [
      ...regions,
      { code: "990102P099", name: "青松苑", level: "landmark", parent: "990102001003", aliases: [] },
    ];
    await monitor.poll();
    expect(monitor.active).toBe(true);
    expect(monitor.lastReplay).not.toBe(tailed);
    expect(monitor.lastReplay!.messages).toBeGreaterThan(0);
    const rebuilt = monitor.lastReplay;
    await monitor.poll();
    expect(monitor.lastReplay).toBe(rebuilt);
    expect(await prisma.opinionMessage.count({ where: { topicId: null } })).toBe(unassigned.length);
    await monitor.stop();
  }, 60_000);
});

describe("the monitor's lease", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it("is held by one holder; another takes it when the holder dies (expiry) or stops (release)", async () => {
    const key = `${uniqueName("test")}:lease`;
    const a = new RedisLease(redis, key, 300);
    const b = new RedisLease(redis, key, 300);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.renew()).toBe(true);
    // A dies: no renewal; the lease expires and B takes it; A cannot renew B's lease.
    await new Promise((r) => setTimeout(r, 400));
    expect(await b.acquire()).toBe(true);
    expect(await a.renew()).toBe(false);
    await a.release(); // not A's any more: B keeps it
    expect(await b.renew()).toBe(true);
    await b.release();
    expect(await a.acquire()).toBe(true);
    await a.release();
  });
});

describe("alert configuration", () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  };

  it("reads the levels a deployment sets, validated", () => {
    const config = loadConfig({ OPINION_ALERT_LEVELS: "关注:6, 预警:10,严重:18" });
    expect(config.opinion.alertLevels).toEqual([
      { level: "关注", score: 6 },
      { level: "预警", score: 10 },
      { level: "严重", score: 18 },
    ]);
    expect(resolveAlertSettings({ levels: config.opinion.alertLevels! }).levels[0]).toEqual({
      level: "关注",
      score: 6,
    });
    expect(loadConfig({ OPINION_ALERT_LEVELS: "预警:12" }).opinion.alertLevels).toEqual([{ level: "预警", score: 12 }]);
    expect(loadConfig({}).opinion.alertLevels).toBeUndefined();
    for (const wrong of ["关注:12,预警:8", "注意:8", "关注:1", "关注:8,关注:9", "关注"])
      expect(problems({ OPINION_ALERT_LEVELS: wrong })[0]).toMatch(/^OPINION_ALERT_LEVELS=/);
  });

  it("takes the webhook with its secret only, and never repeats the secret", () => {
    expect(loadConfig({}).opinion.alertWebhook).toBeUndefined();
    expect(
      loadConfig({ OPINION_ALERT_WEBHOOK: "https://duty.example.gov.cn/hook", OPINION_ALERT_WEBHOOK_SECRET: SECRET })
        .opinion.alertWebhook,
    ).toEqual({ url: "https://duty.example.gov.cn/hook", secret: SECRET });
    expect(problems({ OPINION_ALERT_WEBHOOK: "https://duty.example.gov.cn/hook" })[0]).toMatch(
      /^OPINION_ALERT_WEBHOOK_SECRET: must be set too/,
    );
    expect(problems({ OPINION_ALERT_WEBHOOK: "ftp://x", OPINION_ALERT_WEBHOOK_SECRET: SECRET })[0]).toMatch(
      /^OPINION_ALERT_WEBHOOK=/,
    );
    const short = problems({ OPINION_ALERT_WEBHOOK: "https://x.cn/h", OPINION_ALERT_WEBHOOK_SECRET: "tooshort" });
    expect(short.join(" ")).toContain("OPINION_ALERT_WEBHOOK_SECRET");
    expect(short.join(" ")).not.toContain("tooshort");
  });
});

describe("which alert changes are delivered", () => {
  it("opened, level raised and closed, against the stored row; nothing the row already says", () => {
    expect(alertChanges("a", undefined, { status: "open", level: "关注" })).toEqual([
      { alertId: "a", change: "opened", level: "关注" },
    ]);
    // Opened and closed within one replayed span: both.
    expect(alertChanges("a", undefined, { status: "closed", level: "预警" }).map((c) => c.change)).toEqual([
      "opened",
      "closed",
    ]);
    expect(alertChanges("a", { status: "open", level: "关注" }, { status: "open", level: "严重" })).toEqual([
      { alertId: "a", change: "raised", level: "严重" },
    ]);
    expect(alertChanges("a", { status: "open", level: "预警" }, { status: "open", level: "预警" })).toEqual([]);
    expect(alertChanges("a", { status: "open", level: "预警" }, { status: "closed", level: "预警" })).toEqual([
      { alertId: "a", change: "closed", level: "预警" },
    ]);
    expect(alertChanges("a", { status: "closed", level: "预警" }, { status: "closed", level: "预警" })).toEqual([]);
  });
});
