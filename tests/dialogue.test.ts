// Conversations through the real pipeline and database: follow-ups about the item
// under discussion, clarifying questions and picks, honest fallbacks logged as
// unanswered, and a context that every process sees and retries do not disturb.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationIdFor } from "../src/conversation/conversation-id.ts";
import { ConversationPipeline } from "../src/conversation/conversation-pipeline.ts";
import type { ConversationOutcome, InboundMessage } from "../src/messages/messages.ts";
import { type Database, openDatabase } from "../src/db/database.ts";
import { createHub, type Hub } from "../src/hub.ts";
import { createLogger } from "../src/logger.ts";
import {
  BACKENDS,
  createTestDatabase,
  startTestHub,
  TEST_REDIS_URL,
  testConfig,
  type TestHub,
} from "./support/test-env.ts";

describe.each(BACKENDS)("dialogue on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend);
    await t.hub.relay.stop();
  });
  afterAll(() => t.close());

  /** A citizen's conversation: each say() is one new message. */
  function citizen(channelUserId = `citizen-${randomUUID().slice(0, 8)}`) {
    const sent: InboundMessage[] = [];
    return {
      channelUserId,
      sent,
      say(text: string, at = new Date()): Promise<ConversationOutcome> {
        const message: InboundMessage = {
          channel: "webchat",
          channelUserId,
          text,
          channelMessageId: randomUUID(),
          receivedAt: at,
        };
        sent.push(message);
        return t.hub.pipeline.handle(message);
      },
    };
  }

  const context = async (channelUserId: string) =>
    (
      await t.hub.db.prisma.conversation.findUniqueOrThrow({
        where: { id: conversationIdFor("webchat", channelUserId) },
      })
    ).context;

  it("answers follow-ups about the item under discussion, one facet at a time", async () => {
    const c = citizen();
    const first = await c.say("护照过期了怎么换新的");
    expect(first.understanding).toMatchObject({ kind: "service", decision: "answer", serviceItem: { code: "GA007" } });
    expect(first.replies[0]!.text).toContain("所需材料");

    const fee = await c.say("多少钱");
    expect(fee.understanding).toMatchObject({ decision: "answer", serviceItem: { code: "GA007" }, facet: "fee" });
    expect(fee.replies[0]!.text).toContain("120元");
    expect(fee.replies[0]!.text).not.toContain("所需材料");

    const materials = await c.say("要带什么材料");
    expect(materials.understanding).toMatchObject({ serviceItem: { code: "GA007" }, facet: "materials" });
    expect(materials.replies[0]!.text).toContain("所需材料");

    for (const [question, facet] of [
      ["在哪办", "location"],
      ["多久能办好", "timeLimit"],
      ["可以网上办吗", "online"],
    ] as const) {
      const reply = await c.say(question);
      expect(reply.understanding, question).toMatchObject({ serviceItem: { code: "GA007" }, facet });
    }
    expect(await context(c.channelUserId)).toMatchObject({ item: "GA007" });
  });

  it("sends a whole guide both as one text and in foldable parts, saying the same", async () => {
    const c = citizen();
    const answer = await c.say("护照过期了怎么换新的");
    const reply = answer.replies[0]!;
    const item = t.hub.knowledge.current.catalog.items.find((i) => i.code === "GA007")!;
    expect(reply.guide?.title).toBe(item.name);
    expect(reply.guide?.sections.map((s) => s.name)).toEqual([
      "所需材料",
      "办理流程",
      "办理时限",
      "收费标准",
      "办理地点",
      "网上办理",
    ]);
    // Channels that cannot fold read the text: every line of every section is in it.
    for (const section of reply.guide!.sections) for (const line of section.lines) expect(reply.text).toContain(line);
    expect(reply.guide!.sections[0]!.lines).toHaveLength(item.materials.length);
    // The summary is one glance: the first clause of the time limit and of the fee.
    expect(reply.guide!.summary).toContain(`办理时限：${item.timeLimit.split(/[；;。]/)[0]}`);
    expect(reply.guide!.summary).toContain(`收费：${item.fee.split(/[；;。]/)[0]}`);
    // A one-facet answer is short already: nothing to fold.
    expect((await c.say("多少钱")).replies[0]!.guide).toBeUndefined();
  });

  it("answers the facet a first question names, then offers the full guide", async () => {
    const c = citizen();
    const first = await c.say("办港澳通行证要多少钱");
    expect(first.understanding).toMatchObject({ decision: "answer", serviceItem: { code: "GA008" }, facet: "fee" });
    expect(first.replies[0]!.text).toContain("收费标准");
    expect(first.replies[0]!.text).not.toContain("所需材料");
    expect(first.replies[0]!.quickReplies).toEqual([{ label: "查看完整办事指南", text: "办事指南" }]);

    const guide = await c.say("办事指南");
    expect(guide.understanding).toMatchObject({ serviceItem: { code: "GA008" } });
    expect(guide.replies[0]!.text).toContain("所需材料");
    expect(guide.replies[0]!.text).toContain("办理流程");
  });

  it("asks the same facet of another item: 那护照呢", async () => {
    const c = citizen();
    await c.say("补办身份证要多少钱");
    const next = await c.say("那护照呢");
    expect(next.understanding).toMatchObject({ serviceItem: { code: "GA007" }, facet: "fee" });
    expect(next.replies[0]!.text).toContain("120元");
  });

  it("asks which item is meant, with numbered options, and a reply of 2 picks one", async () => {
    const c = citizen();
    const ask = await c.say("社保卡");
    expect(ask.understanding.decision).toBe("clarify");
    const options = ask.understanding.options!;
    expect(options.length).toBeGreaterThanOrEqual(2);
    expect(options.length).toBeLessThanOrEqual(3);
    expect(options.map((o) => o.code)).toEqual(expect.arrayContaining(["RS001", "RS002"]));
    // Buttons for channels that have them, numbered lines for those that don't.
    expect(ask.replies[0]!.quickReplies).toEqual(
      options.map((o, i) => ({ label: `${i + 1}. ${o.name}`, text: String(i + 1) })),
    );
    options.forEach((o, i) => expect(ask.replies[0]!.text).toContain(`${i + 1}. ${o.name}`));
    expect(await context(c.channelUserId)).toMatchObject({ options: options.map((o) => o.code) });

    const picked = await c.say("2");
    expect(picked.understanding).toMatchObject({ decision: "answer", serviceItem: options[1] });
    expect(picked.replies[0]!.text).toContain(`【${options[1]!.name}】`);
    // The pick settles the question: the item is now the one under discussion.
    expect(await context(c.channelUserId)).toEqual({ item: options[1]!.code });
    const fee = await c.say("要钱吗");
    expect(fee.understanding).toMatchObject({ serviceItem: options[1], facet: "fee" });
  });

  it("answers a pick with the facet the clarified question asked for", async () => {
    const c = citizen();
    const ask = await c.say("社保卡要带什么材料");
    expect(ask.understanding).toMatchObject({ decision: "clarify", facet: "materials" });
    const picked = await c.say("第一个");
    expect(picked.understanding).toMatchObject({ serviceItem: ask.understanding.options![0], facet: "materials" });
    expect(picked.replies[0]!.text).toContain("所需材料");
  });

  it("falls back honestly on a question outside the catalog and logs it, masked", async () => {
    const c = citizen();
    const outcome = await c.say("我的手机号13812345678，想问怎么申请专利");
    expect(outcome.understanding).toMatchObject({ kind: "unknown", decision: "fallback" });
    expect(outcome.understanding.serviceItem).toBeUndefined();
    expect(outcome.replies[0]!.text).toContain("12345");
    expect(outcome.replies[0]!.text).toContain("人工");
    expect(outcome.replies[0]!.quickReplies).toEqual([{ label: "转人工服务", text: "人工" }]);

    const logged = await t.hub.db.prisma.unansweredQuestion.findMany({
      where: { message: { channelMessageId: c.sent[0]!.channelMessageId } },
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.text).toBe("我的手机号138****5678，想问怎么申请专利");
    expect(logged[0]!.text).not.toContain("13812345678");
  });

  it("hands off on 人工 and greets with what the hub can do", async () => {
    const c = citizen();
    const hello = await c.say("你好");
    expect(hello.understanding.kind).toBe("greeting");
    expect(hello.replies[0]!.text).toContain("办事指南");
    expect(hello.replies[0]!.text).toContain("投诉");
    const human = await c.say("转人工");
    expect(human.understanding.kind).toBe("handoff");
  });

  it("reads a typed number as the numbered option it names, whichever the option", async () => {
    const c = citizen();
    const fallback = await c.say("怎么申请专利");
    expect(fallback.replies[0]!.quickReplies).toEqual([{ label: "转人工服务", text: "人工" }]);
    expect(await context(c.channelUserId)).toEqual({ offered: ["人工"] });
    // "1" is what the button sends: a hand-off, as on the text-only channels.
    const human = await c.say("1");
    expect(human.understanding.kind).toBe("handoff");
    // The pick is consumed: the offer is gone; the conversation now waits for a person (or a 留言).
    const after = (await context(c.channelUserId)) as Record<string, unknown>;
    expect(after.offered).toBeUndefined();
    expect(after.handoff).toMatchObject({ status: expect.stringMatching(/^(waiting|message)$/) });
  });

  it("answers thanks politely and files nothing", async () => {
    const c = citizen();
    await c.say("身份证丢了怎么补办");
    for (const text of ["好的，知道了", "谢谢你们，辛苦了"]) {
      const outcome = await c.say(text);
      expect(outcome.understanding.kind, text).toBe("thanks");
      expect(outcome.ticket).toBeUndefined();
      expect(outcome.replies[0]!.text).toContain("不客气");
    }
    expect(await t.hub.db.prisma.ticket.count({ where: { channelUserId: c.channelUserId } })).toBe(0);
  });

  it("asks which item a follow-up means when nothing is under discussion", async () => {
    const c = citizen();
    const outcome = await c.say("要带什么材料");
    expect(outcome.understanding).toMatchObject({ kind: "service", decision: "clarify", facet: "materials" });
    expect(outcome.understanding.serviceItem).toBeUndefined();
    expect(outcome.replies[0]!.text).toContain("哪项业务");
  });

  it("forgets the item after a long pause", async () => {
    const c = citizen();
    const long = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await c.say("护照过期了怎么换新的", long);
    const later = await c.say("多少钱");
    expect(later.understanding.serviceItem).toBeUndefined();
  });

  it("gives a retried message the same answer and leaves the context as the later messages set it", async () => {
    const c = citizen();
    await c.say("护照过期了怎么换新的");
    const feeQuestion = await c.say("多少钱");
    const retryOfFirst = c.sent[0]!;
    await c.say("驾照到期了要换");
    expect(await context(c.channelUserId)).toMatchObject({ item: "CJ001" });

    // The first message again (a channel retry): stored answer, context untouched.
    const again = await t.hub.pipeline.handle({ ...retryOfFirst, receivedAt: new Date() });
    expect(again.duplicate).toBe(true);
    expect(again.understanding).toMatchObject({ serviceItem: { code: "GA007" } });
    expect(await context(c.channelUserId)).toMatchObject({ item: "CJ001" });

    // A retry of the follow-up is answered as it was then (about the passport), not as it would be now.
    const feeAgain = await t.hub.pipeline.handle({ ...c.sent[1]!, receivedAt: new Date() });
    expect(feeAgain.replies).toEqual(feeQuestion.replies);
    expect(feeAgain.understanding).toMatchObject({ serviceItem: { code: "GA007" } });
  });

  it("logs a retried unanswered question once", async () => {
    const c = citizen();
    await c.say("怎么申请专利");
    const retries = await Promise.all(
      [1, 2, 3].map(() => t.hub.pipeline.handle({ ...c.sent[0]!, receivedAt: new Date() })),
    );
    expect(retries.every((r) => r.duplicate)).toBe(true);
    expect(
      await t.hub.db.prisma.unansweredQuestion.count({
        where: { message: { channelMessageId: c.sent[0]!.channelMessageId } },
      }),
    ).toBe(1);
  });
});

describe("dialogue context across processes", () => {
  let hub: Hub;
  let other: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase("postgresql");
    drop = database.drop;
    hub = await createHub({
      config: testConfig(),
      redisUrl: TEST_REDIS_URL,
      log: createLogger("silent"),
      database: database.target,
    });
    await hub.relay.stop();
    // A second "process": its own connection pool and pipeline on the same database.
    other = await openDatabase(database.target);
  });
  afterAll(async () => {
    await other.close();
    await hub.close();
    await drop();
  });

  it("a follow-up handled by another process knows the item", async () => {
    const otherPipeline = new ConversationPipeline(other.prisma, () => hub.understander(), {
      timeZone: "Asia/Shanghai",
      hotline: "12345",
    });
    const channelUserId = `roaming-${randomUUID().slice(0, 8)}`;
    const message = (text: string): InboundMessage => ({
      channel: "webchat",
      channelUserId,
      text,
      channelMessageId: randomUUID(),
      receivedAt: new Date(),
    });
    await hub.pipeline.handle(message("驾照到期了要换"));
    const followUp = await otherPipeline.handle(message("要带什么材料"));
    expect(followUp.understanding).toMatchObject({ serviceItem: { code: "CJ001" }, facet: "materials" });
  });
});
