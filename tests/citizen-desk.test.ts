// The citizen's side in chat: status queries, progress notices, ratings (好差评),
// additions and disputes, through the real conversation pipeline.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationOutcome } from "../src/messages/messages.ts";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { changeContext } from "../src/conversation/conversation-context.ts";
import { conversationIdFor } from "../src/conversation/conversation-id.ts";
import { eventsOf, fileAndRoute, message, road } from "./support/cases.ts";
import { BACKENDS, eventually, startTestHub, type TestHub } from "./support/test-env.ts";

const staff = "staff:wang";

describe.each(BACKENDS)("the citizen's side on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend, { workers: true });
  });
  afterAll(() => t.close());

  const say = (user: string, text: string, channelMessageId = randomUUID()): Promise<ConversationOutcome> =>
    t.hub.pipeline.handle({ ...message(text, user), channelMessageId });
  const replyText = (o: ConversationOutcome) => o.replies.map((r) => r.text).join("\n");
  const newCitizen = () => `web-${randomUUID().slice(0, 8)}`;

  async function resolvedTicket(user: string, text = `东湖区${road()}路灯不亮`) {
    const ticket = await fileAndRoute(t.hub, text, { channelUserId: user });
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, staff);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已更换路灯灯泡。" }, staff);
    return ticket;
  }

  it("answers 查询工单 with the status in Chinese", async () => {
    const user = newCitizen();
    const ticket = await fileAndRoute(t.hub, `西山区${road()}幸福路的路灯坏了`, { channelUserId: user });
    const outcome = await say(user, `查询工单 ${ticket.number}`);
    expect(outcome.ticket).toEqual({ number: ticket.number, status: "assigned" });
    const text = replyText(outcome);
    expect(text).toContain(`工单 ${ticket.number}`);
    expect(text).toContain("当前状态：已分派，等待部门签收");
    expect(text).toContain("承办部门：市城市管理局");
    expect(text).toMatch(/承诺办结时间：\d{4}年\d+月\d+日 \d\d:\d\d 前/);
  });

  it("lists the citizen's latest tickets for 查询工单 without a number", async () => {
    const user = newCitizen();
    const first = await fileAndRoute(t.hub, `南湖区${road()}路灯不亮`, { channelUserId: user });
    const second = await fileAndRoute(t.hub, `南湖区${road()}垃圾没人清运`, { channelUserId: user });
    const text = replyText(await say(user, "查询工单"));
    expect(text).toContain("您最近的工单");
    expect(text.indexOf(second.number)).toBeLessThan(text.indexOf(first.number));
    expect(replyText(await say(newCitizen(), "我的工单"))).toContain("您还没有通过这里提交过诉求");
    expect(replyText(await say(user, "查询工单 GD20200101-999999"))).toBe(
      "没有找到工单 GD20200101-999999，请核对工单号后再试。",
    );
  });

  it("shows another citizen's ticket's status but not its result", async () => {
    const owner = newCitizen();
    const ticket = await resolvedTicket(owner);
    expect(replyText(await say(owner, `查询工单 ${ticket.number}`))).toContain("办理结果：已更换路灯灯泡。");
    const other = replyText(await say(newCitizen(), `查询工单 ${ticket.number}`));
    expect(other).toContain("当前状态：已办结，等待您的评价");
    expect(other).not.toContain("已更换路灯灯泡");
  });

  it("tells the citizen on their channel when the ticket is accepted and resolved", async () => {
    const user = newCitizen();
    await say(user, "你好"); // the web chat session exists
    const ticket = await resolvedTicket(user);
    const notices = await eventually(async () => {
      const out = await t.hub.db.prisma.message.findMany({
        where: { conversation: { channelUserId: user }, direction: "out" },
        orderBy: { createdAt: "asc" },
      });
      return out.length >= 2 ? out : undefined;
    });
    expect(notices[0]!.text).toContain(`工单号 ${ticket.number}）已由市城市管理局（城市管理综合行政执法局）签收`);
    expect(notices[1]!.text).toContain("办理结果：已更换路灯灯泡。");
    expect(notices[1]!.text).toContain("5 非常满意");
  });

  it("records a rating of 5 and closes the ticket; a retry gets the same answer and changes nothing", async () => {
    const user = newCitizen();
    const ticket = await resolvedTicket(user);
    const id = randomUUID();
    const outcome = await say(user, "5 处理很及时", id);
    expect(replyText(outcome)).toBe(`感谢您的评价（非常满意）！工单 ${ticket.number} 已办结归档。`);
    const closed = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(closed).toMatchObject({ status: "closed", rating: 5, ratingComment: "处理很及时" });
    const again = await say(user, "5 处理很及时", id);
    expect(again.duplicate).toBe(true);
    expect(replyText(again)).toBe(replyText(outcome));
    const events = await eventsOf(t.hub, ticket.id);
    expect(events.filter((e) => e.type === "rated")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "rated", actor: "citizen:webchat", note: "群众评价：非常满意" });
  });

  it("reopens the ticket on a poor rating (the default)", async () => {
    const user = newCitizen();
    const ticket = await resolvedTicket(user);
    const outcome = await say(user, "不满意，路灯晚上还是不亮");
    expect(replyText(outcome)).toContain(`已将工单 ${ticket.number} 交市城市管理局`);
    const reopened = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(reopened).toMatchObject({
      status: "assigned",
      rating: 2,
      ratingComment: "路灯晚上还是不亮",
      reopenCount: 1,
      resolvedAt: null,
    });
    expect(reopened.deadlineAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("reads a bare digit as a pick when options were numbered after the rating request, else as a rating", async () => {
    const user = newCitizen();
    const ticket = await resolvedTicket(user);
    const status = async () => (await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status;
    // After the rating request the citizen asked something else, and the hub's reply
    // numbered three options: "2" picks the second, it is no rating.
    await say(user, "护照怎么办");
    await t.hub.db.prisma.$transaction((tx) =>
      changeContext(tx, conversationIdFor("webchat", user), { offered: ["身份证", "护照", "驾驶证"] }),
    );
    expect((await say(user, "2")).ticket).toBeUndefined();
    expect(await status()).toBe("resolved");
    // An answer without options: the rating request is again what a digit answers.
    await say(user, "身份证丢了怎么办");
    await say(user, "4");
    expect((await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).rating).toBe(4);
  });

  it("takes a digit followed by a comment as a rating even after other questions", async () => {
    const user = newCitizen();
    const ticket = await resolvedTicket(user);
    await t.hub.db.prisma.$transaction((tx) =>
      changeContext(tx, conversationIdFor("webchat", user), {
        offered: ["身份证", "护照", "驾驶证", "社保卡", "医保"],
      }),
    );
    await say(user, "查询工单");
    await say(user, "5 处理很及时");
    expect(await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({
      rating: 5,
      ratingComment: "处理很及时",
    });
    // Words are never ambiguous either.
    const other = await resolvedTicket(user);
    await say(user, "满意");
    expect((await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: other.id } })).rating).toBe(4);
  });

  it("adds what the citizen supplies to the ticket, and resumes a suspended one", async () => {
    const user = newCitizen();
    const ticket = await fileAndRoute(t.hub, `北城区${road()}路灯不亮`, { channelUserId: user });
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, staff);
    expect(replyText(await say(user, `补充 ${ticket.number}：在幸福小区3栋东侧`))).toBe(
      `已将您补充的信息加入工单 ${ticket.number}，承办部门会一并处理。`,
    );
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "suspend", reason: "请提供路灯杆上的编号" }, staff);
    expect(replyText(await say(user, "补充：编号是 DH-0231"))).toBe(
      `已将您补充的信息加入工单 ${ticket.number}，工单已恢复办理。`,
    );
    const events = await eventsOf(t.hub, ticket.id);
    expect(events.filter((e) => e.type === "supplemented").map((e) => e.data)).toEqual([
      { supplement: { kind: "text", text: "在幸福小区3栋东侧" } },
      expect.objectContaining({
        from: "suspended",
        to: "in_progress",
        supplement: { kind: "text", text: "编号是 DH-0231" },
      }),
    ]);
    expect(replyText(await say(newCitizen(), `补充 ${ticket.number}：我也看到了`))).toContain("不是通过您的账号提交的");
  });

  it("adds a photo or location a connector passes on to the ticket it targets, within the window", async () => {
    const user = newCitizen();
    const citizen = { channel: "webchat" as const, channelUserId: user };
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}井盖丢了`, { channelUserId: user });
    const desk = t.hub.desk;
    const target = await desk.supplementTarget(citizen);
    expect(target?.id).toBe(ticket.id);
    for (const supplement of [
      { kind: "image" as const, url: "https://example.org/manhole.jpg" },
      { kind: "location" as const, latitude: 30.5, longitude: 114.3, label: "人民路口" },
    ]) {
      const applied = await t.hub.db.prisma.$transaction((tx) =>
        desk.supplementIn(tx, target!.id, supplement, citizen, new Date()),
      );
      await desk.afterCommit(applied);
    }
    const kinds = (await eventsOf(t.hub, ticket.id))
      .filter((e) => e.type === "supplemented")
      .map((e) => (e.data as { supplement: { kind: string } }).supplement.kind);
    expect(kinds).toEqual(["image", "location"]);
    expect((await verifyAuditTrail(t.hub.db.prisma)).problems).toEqual([]);
    // Past the supplement window an active ticket no longer takes material.
    const tomorrow = new Date(Date.now() + 25 * 3600 * 1000);
    expect(await desk.supplementTarget(citizen, tomorrow)).toBeUndefined();
  });

  it("reopens a closed ticket the citizen disputes within the window", async () => {
    const user = newCitizen();
    const ticket = await resolvedTicket(user);
    await say(user, "基本满意");
    const outcome = await say(user, `重新办理 ${ticket.number} 路灯又坏了`);
    expect(replyText(outcome)).toContain(`工单 ${ticket.number} 将由市城市管理局`);
    const events = await eventsOf(t.hub, ticket.id);
    expect(events.at(-1)).toMatchObject({ type: "reopened", actor: "citizen:webchat", note: "路灯又坏了" });
  });
});

describe("a poor rating routed to review", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub("postgresql", { env: { CASE_LOW_RATING: "review" } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("waits for a supervisor, who is told", async () => {
    const user = `web-${randomUUID().slice(0, 8)}`;
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯不亮`, { channelUserId: user });
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, staff);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已修复" }, staff);
    const outcome = await t.hub.pipeline.handle(message("非常不满意", user));
    expect(outcome.replies[0]!.text).toBe(
      `感谢您的反馈。我们会对工单 ${ticket.number} 的办理结果进行复核，并尽快与您联系。`,
    );
    expect(await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({
      status: "review",
      rating: 1,
    });
    const notice = await t.hub.db.prisma.staffNotice.findFirstOrThrow({ where: { ticketId: ticket.id } });
    expect(notice).toMatchObject({ audience: "role:supervisor", kind: "review" });
    expect(notice.text).toContain("非常不满意");
  });
});
