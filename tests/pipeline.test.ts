import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundMessage } from "../src/messages/messages.ts";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

function inbound(text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: "webchat",
    channelUserId: "citizen-1",
    text,
    channelMessageId: randomUUID(),
    receivedAt: new Date(),
    ...overrides,
  };
}

describe.each(BACKENDS)("conversation pipeline on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend);
    // These tests look at what the pipeline writes, not at delivery.
    await t.hub.relay.stop();
  });
  afterAll(() => t.close());

  it("answers a service question and records both sides", async () => {
    const message = inbound("身份证丢了怎么办");
    const outcome = await t.hub.pipeline.handle(message);
    expect(outcome.understanding.kind).toBe("service");
    expect(outcome.understanding.serviceItem?.name).toBe("居民身份证补领");
    expect(outcome.replies[0]?.text).toContain("所需材料");
    expect(outcome.ticket).toBeUndefined();

    const incoming = await t.hub.db.prisma.message.findUniqueOrThrow({
      where: { channel_channelMessageId: { channel: "webchat", channelMessageId: message.channelMessageId } },
      include: { conversation: true },
    });
    expect(incoming).toMatchObject({
      direction: "in",
      text: "身份证丢了怎么办",
      conversation: { channelUserId: "citizen-1" },
    });
    // The replies sent are on the record with what was understood.
    expect(incoming.outcome).toMatchObject({ replies: outcome.replies, understanding: { kind: "service" } });
  });

  it("turns a complaint into a ticket, its first event and a routing job in the outbox", async () => {
    const outcome = await t.hub.pipeline.handle(inbound("阳光小区门口路灯坏了一个月没人修"));
    expect(outcome.understanding.kind).toBe("complaint");
    expect(outcome.ticket?.number).toMatch(/^GD\d{8}-\d{6}$/);
    expect(outcome.replies[0]?.text).toContain(outcome.ticket!.number);

    const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({
      where: { number: outcome.ticket!.number },
      include: { events: true },
    });
    expect(ticket).toMatchObject({ status: "submitted", kind: "complaint", domain: "城建" });
    expect(ticket.events.map((e) => e.type)).toEqual(["created"]);
    const outbox = await t.hub.db.prisma.outboxEntry.findMany({ where: { jobId: ticket.id } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ queue: "routing", deliveredAt: null });
  });

  it("numbers tickets of the same day one after another", async () => {
    const a = await t.hub.pipeline.handle(inbound("幸福小区3栋楼上漏水到我家没人管，投诉"));
    const b = await t.hub.pipeline.handle(inbound("投诉人民路公交站的公交车司机态度恶劣"));
    const seq = (n: string) => Number(n.split("-")[1]);
    expect(seq(b.ticket!.number)).toBe(seq(a.ticket!.number) + 1);
  });

  it("answers a retried message the same way without a second ticket", async () => {
    const message = inbound("投诉：建设路工地夜里施工噪音太大");
    const first = await t.hub.pipeline.handle(message);
    const again = await t.hub.pipeline.handle({ ...message, receivedAt: new Date() });
    expect(again.duplicate).toBe(true);
    expect(again.ticket).toEqual(first.ticket);
    expect(again.replies).toEqual(first.replies);
    expect(await t.hub.db.prisma.ticket.count({ where: { number: first.ticket!.number } })).toBe(1);
  });

  it("makes one ticket when three retries arrive at once", async () => {
    const message = inbound("举报有人在幸福小区里乱倒建筑垃圾", { channelUserId: "citizen-storm" });
    const outcomes = await Promise.all([1, 2, 3].map(() => t.hub.pipeline.handle({ ...message })));
    const numbers = new Set(outcomes.map((o) => o.ticket?.number));
    expect(numbers.size).toBe(1);
    expect([...numbers][0]).toBeDefined();
    expect(await t.hub.db.prisma.ticket.count({ where: { channelUserId: "citizen-storm" } })).toBe(1);
    expect(await t.hub.db.prisma.message.count({ where: { channelMessageId: message.channelMessageId } })).toBe(1);
  });

  it("files a suggestion as a ticket of kind suggestion, with its number, and no feedback row", async () => {
    const message = inbound("建议在地铁站附近多增设一些共享单车停放点", { channelUserId: "citizen-suggest" });
    const outcome = await t.hub.pipeline.handle(message);
    expect(outcome.understanding.kind).toBe("suggestion");
    expect(outcome.ticket?.number).toMatch(/^GD\d{8}-\d{6}$/);
    expect(outcome.replies[0]!.text).toContain(outcome.ticket!.number);
    expect(outcome.replies[0]!.text).toContain("感谢您的建议");
    const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: outcome.ticket!.number } });
    expect(ticket).toMatchObject({ kind: "suggestion", status: "submitted", channelUserId: "citizen-suggest" });
    expect(await t.hub.db.prisma.outboxEntry.count({ where: { jobId: ticket.id, queue: "routing" } })).toBe(1);
    expect(await t.hub.db.prisma.feedback.count({ where: { channelUserId: "citizen-suggest" } })).toBe(0);
  });

  it("files praise as a ticket of kind praise and thanks the citizen naming the department", async () => {
    const message = inbound("我要表扬市民服务中心三号窗口的王姐，办事又快又耐心", { channelUserId: "citizen-praise" });
    const outcome = await t.hub.pipeline.handle(message);
    expect(outcome.understanding.kind).toBe("praise");
    expect(outcome.replies[0]!.text).toContain("感谢您的表扬，我们已转达给市政务服务管理局（市民服务中心）");
    const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: outcome.ticket!.number } });
    expect(ticket.kind).toBe("praise");
  });

  it("records a message that holds characters PostgreSQL cannot store (U+0000)", async () => {
    const message = inbound("身份证\u0000丢了怎么办", { raw: { text: "身份证\u0000丢了怎么办" } });
    const outcome = await t.hub.pipeline.handle(message);
    expect(outcome.understanding.kind).toBe("service");
    const stored = await t.hub.db.prisma.message.findFirstOrThrow({
      where: { channelMessageId: message.channelMessageId },
    });
    expect(stored.text).toBe("身份证丢了怎么办");
  });

  it("records a burst of concurrent messages from many citizens, each once", async () => {
    const burst = Array.from({ length: 60 }, (_, i) =>
      inbound(i % 2 ? "身份证丢了怎么办" : "你好", { channelUserId: `burst-${i % 7}` }),
    );
    const outcomes = await Promise.all(burst.map((m) => t.hub.pipeline.handle(m)));
    expect(outcomes.every((o) => !o.duplicate)).toBe(true);
    expect(
      await t.hub.db.prisma.message.count({
        where: { channelMessageId: { in: burst.map((m) => m.channelMessageId) } },
      }),
    ).toBe(60);
    expect(await t.hub.db.prisma.conversation.count({ where: { channelUserId: { startsWith: "burst-" } } })).toBe(7);
  });

  it("files a burst of concurrent complaints, suggestions and retries each once, with numbers, events and routing jobs", async () => {
    const complaints = Array.from({ length: 40 }, (_, i) =>
      inbound(`投诉：东湖区第${i + 1}号路灯坏了很久没人修`, { channelUserId: `burst-c-${i % 9}` }),
    );
    const suggestions = Array.from({ length: 6 }, (_, i) =>
      inbound("建议在地铁站附近多增设一些共享单车停放点", { channelUserId: `burst-s-${i}` }),
    );
    const questions = Array.from({ length: 10 }, (_, i) =>
      inbound("身份证丢了怎么办", { channelUserId: `burst-q-${i}` }),
    );
    // Every fourth complaint is also retried at the same moment (same channel message id).
    const retries = complaints.filter((_, i) => i % 4 === 0).map((m) => ({ ...m }));
    const all = [...complaints, ...suggestions, ...questions, ...retries];
    const outcomes = await Promise.all(all.map((m) => t.hub.pipeline.handle(m)));

    const byMessage = new Map<string, string[]>();
    all.forEach((m, i) => {
      if (outcomes[i]!.ticket && outcomes[i]!.understanding.kind === "complaint")
        byMessage.set(m.channelMessageId, [...(byMessage.get(m.channelMessageId) ?? []), outcomes[i]!.ticket!.number]);
    });
    expect(byMessage.size).toBe(complaints.length);
    // A retry is told the same number as the first try.
    for (const numbers of byMessage.values()) expect(new Set(numbers).size).toBe(1);
    const numbers = [...byMessage.values()].map((n) => n[0]!);
    expect(new Set(numbers).size).toBe(complaints.length);

    const tickets = await t.hub.db.prisma.ticket.findMany({
      where: { channelUserId: { startsWith: "burst-c-" } },
      include: { events: true },
    });
    expect(tickets.map((x) => x.number).sort()).toEqual([...numbers].sort());
    for (const ticket of tickets) {
      expect(ticket.events.map((e) => e.type)).toEqual(["created"]);
      expect(ticket.headHash).toBe(ticket.events[0]!.hash);
    }
    const jobs = await t.hub.db.prisma.outboxEntry.findMany({ where: { jobId: { in: tickets.map((x) => x.id) } } });
    expect(jobs.map((j) => j.jobId).sort()).toEqual(tickets.map((x) => x.id).sort());
    expect(
      await t.hub.db.prisma.message.count({ where: { channelMessageId: { in: all.map((m) => m.channelMessageId) } } }),
    ).toBe(complaints.length + suggestions.length + questions.length);
    // Each suggestion is a ticket of its own: suggestions are never merged or shared.
    expect(
      await t.hub.db.prisma.ticket.count({ where: { channelUserId: { startsWith: "burst-s-" }, kind: "suggestion" } }),
    ).toBe(suggestions.length);
    expect(await t.hub.db.prisma.feedback.count({ where: { channelUserId: { startsWith: "burst-s-" } } })).toBe(0);
    expect((await verifyAuditTrail(t.hub.db.prisma)).problems).toEqual([]);
  });

  it("keeps one conversation per citizen and channel", async () => {
    await t.hub.pipeline.handle(inbound("你好", { channelUserId: "citizen-conv" }));
    await t.hub.pipeline.handle(inbound("转人工", { channelUserId: "citizen-conv" }));
    await t.hub.pipeline.handle(inbound("你好", { channelUserId: "citizen-conv", channel: "wechat" }));
    expect(await t.hub.db.prisma.conversation.count({ where: { channelUserId: "citizen-conv" } })).toBe(2);
  });
});
