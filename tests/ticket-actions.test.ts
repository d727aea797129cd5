// The lifecycle service on real databases: actions under the row lock, the chained
// history, notices in the same transaction, and conflicting actions fired at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrokenLink } from "../src/tickets/event-chain.ts";
import { ActionRejected } from "../src/cases/ticket-actions.ts";
import { eventsOf, fileAndRoute, road } from "./support/cases.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

const STREET_LIGHT = "东湖区人民路的路灯坏了一个月没人修";

describe.each(BACKENDS)("ticket actions on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const staff = "staff:zhang";

  it("works a ticket through the main path with a chained, attributed history", async () => {
    const ticket = await fileAndRoute(t.hub, STREET_LIGHT);
    expect(ticket).toMatchObject({
      status: "assigned",
      departmentCode: "CG",
      category: "street-light",
      district: "东湖区",
    });
    const actions = t.hub.cases.actions;
    await actions.apply({ number: ticket.number }, { type: "accept" }, staff);
    await actions.apply({ number: ticket.number }, { type: "start", note: "已派人查看" }, staff);
    const done = await actions.apply(
      { number: ticket.number },
      { type: "resolve", reply: "路灯已更换灯泡，恢复照明。" },
      staff,
    );
    expect(done.ticket).toMatchObject({
      status: "resolved",
      resolution: "路灯已更换灯泡，恢复照明。",
      resolvedOnTime: true,
    });
    expect(done.ticket.acceptedAt).toBeInstanceOf(Date);

    const events = await eventsOf(t.hub, ticket.id);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["created", "citizen:webchat"],
      ["assigned", "system:router"],
      ["accepted", staff],
      ["started", staff],
      ["resolved", staff],
    ]);
    expect(events[3]!.note).toBe("已派人查看");
    expect(findBrokenLink(events)).toBeUndefined();
    expect(done.ticket.eventCount).toBe(5);
    expect(done.ticket.headHash).toBe(events[4]!.hash);
  });

  it("tells the citizen, in the same transaction, when the ticket is accepted and resolved", async () => {
    const ticket = await fileAndRoute(t.hub, `西山区${road()}幸福小区门口的井盖丢了，很危险`);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, staff);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已补装井盖。" }, staff);
    const notices = await t.hub.db.prisma.delivery.findMany({
      where: { channelUserId: ticket.channelUserId },
      orderBy: { createdAt: "asc" },
    });
    expect(notices.map((n) => n.reason)).toEqual([
      `ticket:${ticket.number}:accepted`,
      `ticket:${ticket.number}:resolved`,
    ]);
    const resolved = (notices[1]!.replies as { text: string; quickReplies: { text: string }[] }[])[0]!;
    expect(resolved.text).toContain("已补装井盖。");
    expect(resolved.text).toContain("5 非常满意");
    expect(resolved.quickReplies.map((q) => q.text)).toEqual(["非常满意", "满意", "基本满意", "不满意", "非常不满意"]);
    const outbox = await t.hub.db.prisma.outboxEntry.count({
      where: { queue: "outbound", jobId: { in: notices.map((n) => n.id) } },
    });
    expect(outbox).toBe(2);
  });

  it("refuses an invalid transition and changes nothing", async () => {
    const ticket = await fileAndRoute(t.hub, `南湖区${road()}小区楼下垃圾三天没人清运`);
    const attempt = t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已处理" }, staff);
    await expect(attempt).rejects.toBeInstanceOf(ActionRejected);
    await expect(attempt).rejects.toMatchObject({
      kind: "conflict",
      message: expect.stringContaining("cannot resolve a ticket that is assigned"),
    });
    const after = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(after.version).toBe(ticket.version);
    expect(await eventsOf(t.hub, ticket.id)).toHaveLength(2);
  });

  it("lets exactly one of many simultaneous acceptances through", async () => {
    const ticket = await fileAndRoute(t.hub, `北城区${road()}路灯不亮好几天了`);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, `staff:s${i}`),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r.reason).toMatchObject({ kind: "conflict" });
    const events = await eventsOf(t.hub, ticket.id);
    expect(events.map((e) => e.type)).toEqual(["created", "assigned", "accepted"]);
    expect(findBrokenLink(events)).toBeUndefined();
  });

  it("serializes conflicting actions fired at once: each sees the state the previous one left", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}有人在小区里私搭乱建违建`);
    const actions = t.hub.cases.actions;
    const attempts = [
      actions.apply({ id: ticket.id }, { type: "accept" }, "staff:a"),
      actions.apply({ id: ticket.id }, { type: "return", reasonCode: "other", reason: "非本部门职责" }, "staff:b"),
      actions.apply({ id: ticket.id }, { type: "transfer", departmentCode: "ZJ", reason: "属住建" }, "staff:c"),
      actions.apply({ id: ticket.id }, { type: "reject", reason: "不属政府职责" }, "dispatcher:d"),
      actions.apply({ id: ticket.id }, { type: "suspend", reason: "请补充位置" }, "staff:e"),
      actions.apply({ id: ticket.id }, { type: "resolve", reply: "已拆除" }, "staff:f"),
    ];
    const results = await Promise.allSettled(attempts);
    const succeeded = results.filter((r) => r.status === "fulfilled").length;
    expect(succeeded).toBeGreaterThanOrEqual(1);
    expect(succeeded).toBeLessThan(attempts.length);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ kind: "conflict" });

    const events = await eventsOf(t.hub, ticket.id);
    expect(events).toHaveLength(2 + succeeded);
    expect(findBrokenLink(events)).toBeUndefined();
    // One after the other: every transition starts where the previous one ended.
    const moves = events.slice(1).map((e) => e.data as { from?: string; to: string });
    for (let i = 1; i < moves.length; i++) expect(moves[i]!.from).toBe(moves[i - 1]!.to);
    const final = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(final.status).toBe(moves[moves.length - 1]!.to);
    expect(final.version).toBe(ticket.version + succeeded);
  });

  it("refuses a stale version (optimistic check) when two people act on what they saw", async () => {
    const ticket = await fileAndRoute(t.hub, `西山区${road()}工地夜间施工噪音太大`);
    const results = await Promise.allSettled([
      t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:a", { expectedVersion: ticket.version }),
      t.hub.cases.actions.apply(
        { id: ticket.id },
        { type: "return", reasonCode: "other", reason: "非本部门" },
        "staff:b",
        {
          expectedVersion: ticket.version,
        },
      ),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(refused.reason).toMatchObject({ kind: "conflict", message: expect.stringContaining("reload it") });
  });

  it("keeps the deadline clock: paused while suspended, kept (with a minimum) on transfer", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}小区暖气不热，屋里只有十几度`);
    expect(ticket).toMatchObject({ category: "heating", dueBasis: "workdays", dueBudgetSeconds: 2 * 86400 });
    expect(ticket.deadlineAt!.getTime()).toBeGreaterThan(ticket.assignedAt!.getTime());
    const actions = t.hub.cases.actions;
    await actions.apply({ id: ticket.id }, { type: "accept" }, staff);
    const suspended = await actions.apply({ id: ticket.id }, { type: "suspend", reason: "请告知楼号和房号" }, staff);
    expect(suspended.ticket.dueRunningSince).toBeNull();
    const resumed = await actions.apply({ id: ticket.id }, { type: "resume" }, staff);
    expect(resumed.ticket.dueRunningSince).toBeInstanceOf(Date);
    expect(resumed.ticket.dueBudgetSeconds).toBe(2 * 86400);
    const moved = await actions.apply(
      { id: ticket.id },
      { type: "transfer", departmentCode: "RS", reason: "测试转办" },
      staff,
    );
    expect(moved.ticket).toMatchObject({ status: "assigned", departmentCode: "RS", acceptedAt: null });
    expect(moved.ticket.dueBudgetSeconds).toBe(2 * 86400);
    const events = await eventsOf(t.hub, ticket.id);
    expect((events.at(-1)!.data as { deadlineAt: string }).deadlineAt).toBe(moved.ticket.deadlineAt!.toISOString());
  });

  it("records internal notes as events, attributed and chained", async () => {
    const ticket = await fileAndRoute(t.hub, `南湖区${road()}饭店餐饮油烟扰民`);
    const noted = await t.hub.cases.actions.apply(
      { id: ticket.id },
      { type: "note", text: "已电话联系群众核实地址" },
      staff,
    );
    expect(noted.ticket.status).toBe("assigned");
    const last = (await eventsOf(t.hub, ticket.id)).at(-1)!;
    expect(last).toMatchObject({ type: "note", actor: staff, note: "已电话联系群众核实地址" });
  });
});
