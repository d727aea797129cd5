// Issue 14, intake: every citizen message with words is analysed by the opinion-analysis
// worker (queued through the outbox with the message) and stored masked, once, with its
// hourly rollups; the retention policy erases the analysed message with the message.
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { recordExchanges } from "../src/conversation/message-log.ts";
import { purgeExpired } from "../src/cases/retention.ts";
import { loadOpinionRecorder } from "../src/opinion/load-opinion-recorder.ts";
import { OPINION_JOB_NAME, ratingJobId, ratingSourceId } from "../src/opinion/opinion-job.ts";
import { recoverOpinionJobs } from "../src/opinion/opinion-job-recovery.ts";
import type { OpinionRecorder } from "../src/opinion/opinion-recorder.ts";
import { hasWords } from "../src/opinion/opinion-source.ts";
import { analyseMessages, analyseRating } from "../src/opinion/opinion-worker.ts";
import { QueueNames } from "../src/queue/queue-names.ts";
import { fileAndRoute, road } from "./support/cases.ts";
import { chatSessions } from "./support/chat-sessions.ts";
import { BACKENDS, eventually, startTestHub, type TestHub } from "./support/test-env.ts";

const PHONE = "13812345678";
const DAY = 86_400_000;

describe("which messages are analysed", () => {
  it("takes the citizen's words, not the hub's placeholders", () => {
    expect(hasWords("东湖区阳光小区停水三天了")).toBe(true);
    expect(hasWords("[泪] 又停水了")).toBe(true);
    expect(hasWords("[图片]")).toBe(false);
    expect(hasWords(" [语音] ")).toBe(false);
    expect(hasWords("[菜单] 居民身份证补领")).toBe(false);
    expect(hasWords("")).toBe(false);
    expect(hasWords("？！…")).toBe(false);
  });
});

describe.each(BACKENDS)("opinion intake on %s", (backend) => {
  let t: TestHub;
  let app: FastifyInstance;
  let chat: ReturnType<typeof chatSessions>;
  let recorder: OpinionRecorder;
  beforeAll(async () => {
    t = await startTestHub(backend, { workers: true, env: { RETENTION_DAYS: "30", OPEN311_API_KEYS: "key-1" } });
    app = await buildApp(t.hub);
    chat = chatSessions(app);
    recorder = await loadOpinionRecorder(t.hub.config.intentsDir);
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const prisma = () => t.hub.db.prisma;
  const inbound = (text: string) =>
    prisma().message.findFirstOrThrow({ where: { direction: "in", text }, orderBy: { createdAt: "desc" } });
  const stored = (messageId: string) =>
    prisma().opinionMessage.findUnique({
      where: { sourceKind_sourceId: { sourceKind: "message", sourceId: messageId } },
    });
  const rollup = async (dimension: string, value: string) =>
    (await prisma().opinionRollup.findMany({ where: { dimension, value } })).reduce((n, r) => n + r.total, 0);

  it("analyses a web chat message in the worker and stores it masked, with its rollups", async () => {
    const said = `东湖区阳光小区停水三天了，太不像话了！我的电话${PHONE}`;
    await chat("citizen-a", said);
    const message = await inbound(said);
    const row = await eventually(async () => (await stored(message.id)) ?? undefined);
    expect(row).toMatchObject({ channel: "webchat", sentiment: "negative", emotion: "愤怒" });
    expect(row.text).toContain("138****5678");
    expect(row.text).not.toContain(PHONE);
    expect(JSON.stringify(row)).not.toContain(PHONE);
    expect(row.keywords).toContain("停水");
    expect(row.places).toContain("990102P011"); // 阳光小区
    expect(row.at.getTime()).toBe(message.createdAt.getTime());
    expect(await rollup("keyword", "停水")).toBeGreaterThanOrEqual(1);
    expect(await rollup("place", "990102P011")).toBeGreaterThanOrEqual(1);
    const hour = new Date(Math.floor(message.createdAt.getTime() / 3_600_000) * 3_600_000);
    const channel = await prisma().opinionRollup.findUniqueOrThrow({
      where: { dimension_hour_value: { hour, dimension: "channel", value: "webchat" } },
    });
    expect(channel.negative).toBeGreaterThanOrEqual(1);
  });

  it("queues one job with the statement's messages, for words only, and none for a retry", async () => {
    const exchange = (text: string, channelMessageId: string) => ({
      inboundId: randomUUID(),
      message: { channel: "weibo", channelUserId: "u-1", text, channelMessageId, receivedAt: new Date() },
      outcome: { replies: [], understanding: { kind: "unknown" as const, confidence: 0 } },
    });
    const words = exchange("西山区的路灯坏了好几天了", "w-1");
    const more = exchange("南湖区的公交车太少了", "w-4");
    const recorded = await recordExchanges(prisma(), [
      words,
      exchange("[图片]", "w-2"),
      exchange("[菜单] 查询工单", "w-3"),
      more,
    ]);
    expect(recorded).toHaveLength(4);
    const jobs = () =>
      prisma().outboxEntry.findMany({
        where: { queue: QueueNames.opinionAnalysis, jobId: { in: recorded.map((r) => r.inboundId) } },
      });
    const ids = [words.inboundId, more.inboundId].sort();
    expect((await jobs()).map((j) => [j.jobId, j.payload])).toEqual([[ids[0], { messageIds: ids }]]);
    // A retry of the same platform message records nothing and queues nothing.
    expect(await recordExchanges(prisma(), [{ ...words, inboundId: randomUUID() }])).toEqual([]);
    expect(await prisma().outboxEntry.count({ where: { queue: QueueNames.opinionAnalysis, jobId: ids[0] } })).toBe(1);
    await eventually(async () => (await stored(words.inboundId)) ?? undefined);
    await eventually(async () => (await stored(more.inboundId)) ?? undefined);
  });

  it("analyses an Open311 request's description like a chat message", async () => {
    const description = `北城区解放路的井盖丢了，晚上很危险，电话${PHONE}`;
    const res = await app.inject({
      method: "POST",
      url: "/open311/v2/requests.json",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      payload: new URLSearchParams({
        api_key: "key-1",
        service_code: "street-light",
        description,
        lat: "30.1",
        long: "120.2",
      }).toString(),
    });
    expect(res.statusCode).toBe(200);
    const message = await inbound(description);
    const row = await eventually(async () => (await stored(message.id)) ?? undefined);
    expect(row).toMatchObject({ channel: "open311", sentiment: "negative" });
    expect(row.text).not.toContain(PHONE);
    expect(row.ticketNumber).toBe(res.json()[0].service_request_id);
  });

  it("analyses a rating's comment once per rating, linked to its ticket", async () => {
    const filed = await fileAndRoute(t.hub, `南湖区${road()}的垃圾好几天没人清运`);
    const actions = t.hub.cases.actions;
    await actions.apply({ id: filed.id }, { type: "accept" }, "staff:test");
    await actions.apply({ id: filed.id }, { type: "resolve", reply: "已清运。" }, "staff:test");
    await actions.apply(
      { id: filed.id },
      { type: "rate", rating: 1, comment: `处理太慢了，拖了一个星期，很不满意，回电${PHONE}` },
      "citizen:webchat",
    );
    const rated = await prisma().ticket.findUniqueOrThrow({ where: { id: filed.id } });
    const sourceId = `${filed.id}@${rated.ratedAt!.toISOString()}`;
    const row = await eventually(() =>
      prisma()
        .opinionMessage.findUnique({ where: { sourceKind_sourceId: { sourceKind: "rating", sourceId } } })
        .then((r) => r ?? undefined),
    );
    expect(row).toMatchObject({ ticketNumber: rated.number, sentiment: "negative", channel: rated.channel });
    expect(row.text).toContain("处理太慢了");
    expect(row.text).not.toContain(PHONE);
    // Its job again changes nothing.
    expect(await analyseRating(t.hub.db, recorder, { ticketId: filed.id, ratedAt: rated.ratedAt!.toISOString() })).toBe(
      "skipped",
    );
    expect(await prisma().opinionMessage.count({ where: { sourceKind: "rating", sourceId } })).toBe(1);
  });

  it("analyses a message once: a second job and a second batch add nothing", async () => {
    const said = "高新区科技园的共享单车乱停乱放，非常不方便";
    await chat("citizen-b", said);
    const message = await inbound(said);
    const row = await eventually(async () => (await stored(message.id)) ?? undefined);
    const keyword = row.keywords[0]!;
    const before = await rollup("keyword", keyword);
    // The analysis's own rollups: the monitor, running beside it, adds topic counts as it goes.
    const analysed = () =>
      prisma().opinionRollup.aggregate({ _sum: { total: true }, where: { dimension: { not: "topic" } } });
    const total = await analysed();
    expect(before).toBeGreaterThanOrEqual(1);

    // The same message again through the real queue (another job id), and twice in one batch.
    const queue = t.hub.queues.get(QueueNames.opinionAnalysis)!;
    const job = await queue.add(OPINION_JOB_NAME, { messageIds: [message.id] }, { jobId: `again-${message.id}` });
    expect(await eventually(async () => ((await job.getState()) === "completed" ? true : undefined))).toBe(true);
    expect(await analyseMessages(t.hub.db, recorder, [message.id, message.id])).toEqual(["skipped", "skipped"]);

    expect(await prisma().opinionMessage.count({ where: { sourceId: message.id } })).toBe(1);
    expect(await rollup("keyword", keyword)).toBe(before);
    expect(await analysed()).toEqual(total);
  });

  it("puts back an analysis job Redis lost, and nothing for a message analysed or waiting", async () => {
    const said = "南湖区的公交车太少了，等了四十分钟";
    await chat("citizen-d", said);
    const message = await inbound(said);
    await eventually(async () => (await stored(message.id)) ?? undefined);
    const queue = t.hub.queues.get(QueueNames.opinionAnalysis)!;
    const recover = () => recoverOpinionJobs({ prisma: prisma(), queue, graceMs: 0 });
    await recover(); // earlier tests' messages
    expect(await recover()).toBe(0);

    // As if Redis lost it before the worker ran: no row, no job.
    await prisma().opinionMessage.delete({
      where: { sourceKind_sourceId: { sourceKind: "message", sourceId: message.id } },
    });
    await (await queue.getJob(message.id))?.remove();
    expect(await recover()).toBe(1);
    await eventually(async () => (await stored(message.id)) ?? undefined);
    expect(await recover()).toBe(0);
  });

  it("puts back a rating's analysis job Redis lost, under the id its rating gave it", async () => {
    const filed = await fileAndRoute(t.hub, `西山区${road()}的井盖松动，一踩就响`);
    const actions = t.hub.cases.actions;
    await actions.apply({ id: filed.id }, { type: "accept" }, "staff:test");
    await actions.apply({ id: filed.id }, { type: "resolve", reply: "已加固。" }, "staff:test");
    await actions.apply(
      { id: filed.id },
      { type: "rate", rating: 2, comment: "修得太慢，走夜路很担心" },
      "citizen:webchat",
    );
    const rated = await prisma().ticket.findUniqueOrThrow({ where: { id: filed.id } });
    const rating = { ticketId: filed.id, ratedAt: rated.ratedAt!.toISOString() };
    const where = { sourceKind_sourceId: { sourceKind: "rating", sourceId: ratingSourceId(rating) } };
    const analysed = () =>
      prisma()
        .opinionMessage.findUnique({ where })
        .then((r) => r ?? undefined);
    await eventually(analysed);
    const queue = t.hub.queues.get(QueueNames.opinionAnalysis)!;
    const recover = () => recoverOpinionJobs({ prisma: prisma(), queue, graceMs: 0 });
    await recover(); // earlier tests' messages and ratings
    await eventually(async () => ((await recover()) === 0 ? true : undefined));

    // As if Redis lost it before the worker ran: no row, no job.
    await prisma().opinionMessage.delete({ where });
    await (await queue.getJob(ratingJobId(rating)))?.remove();
    expect(await recover()).toBe(1);
    expect(await queue.getJob(ratingJobId(rating))).toBeDefined();
    const row = await eventually(analysed);
    expect(row).toMatchObject({ ticketNumber: rated.number, sentiment: "negative" });
    expect(await recover()).toBe(0);
  });

  it("erases the analysed message with its message under the retention policy; the rollups stay", async () => {
    // A question, not a complaint: no open ticket keeps the conversation's words.
    const said = `请问市民服务中心周六上班吗？我的手机${PHONE}`;
    await chat("citizen-c", said);
    const message = await inbound(said);
    await eventually(async () => (await stored(message.id)) ?? undefined);
    const counted = await rollup("channel", "webchat");

    await purgeExpired(prisma(), { days: 30 }, new Date(Date.now() + 10 * DAY));
    expect(await stored(message.id)).not.toBeNull();
    const report = await purgeExpired(prisma(), { days: 30 }, new Date(Date.now() + 31 * DAY));
    expect(report.opinionMessages).toBeGreaterThanOrEqual(1);
    expect((await prisma().message.findUniqueOrThrow({ where: { id: message.id } })).text).toBe("");
    expect(await stored(message.id)).toBeNull();
    expect(await rollup("channel", "webchat")).toBe(counted);
  });
});
