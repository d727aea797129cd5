// Deadline timers as BullMQ delayed jobs: reminders at 50% and 80%, escalation (督办)
// at the deadline, auto-close after resolution, and rebuilding from the database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { timerJobId } from "../src/cases/deadline-timers.ts";
import { startWorkers, type Workers } from "../src/start-workers.ts";
import { eventsOf, fileAndRoute, road } from "./support/cases.ts";
import { fastText, intentsWithFastCategory } from "./support/fast-intents.ts";
import { BACKENDS, eventually, startTestHub, type TestHub } from "./support/test-env.ts";

describe.each(BACKENDS)("deadline timers on %s", (backend) => {
  let t: TestHub;
  let workers: Workers | undefined;
  let intents: Awaited<ReturnType<typeof intentsWithFastCategory>>;

  beforeAll(async () => {
    // 0.003 h ≈ 11 s to the deadline (reminders after ~5 s and ~9 s); resolved tickets close ~2.6 s after resolution.
    intents = await intentsWithFastCategory(0.003);
    t = await startTestHub(backend, { env: { INTENTS_DIR: intents.dir, CASE_AUTO_CLOSE_DAYS: "0.00003" } });
    workers = startWorkers(t.hub);
  });
  afterAll(async () => {
    await workers?.close();
    await t.close();
    await intents.remove();
  });

  const queue = () => t.hub.queues.get("deadlines")!;
  const jobIds = async () => (await queue().getJobs(["delayed", "waiting", "active"])).map((j) => j.id);

  it("keeps the ticket's next timer as a delayed job with an id of ticket and kind, set only once", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯不亮`);
    const mine = (await jobIds()).filter((id) => id?.startsWith(ticket.id));
    expect(mine).toEqual([timerJobId(ticket.id, "remind50")]);
    const next = await queue().getJob(timerJobId(ticket.id, "remind50"));
    // Half the working time (weekends and holidays do not count), measured back on the calendar.
    const workedByThen = t.hub.cases
      .knowledge()
      .calendar.workingTimeBetween(ticket.dueRunningSince!, new Date(next!.data.dueAt));
    expect(workedByThen).toBe(Math.ceil(ticket.dueBudgetSeconds! / 2) * 1000);
    expect(next!.data.dueAt).toBeLessThan(ticket.deadlineAt!.getTime());
    const before = (await queue().getJobCounts("delayed")).delayed;
    await t.hub.cases.timers.sync([ticket.id]);
    await t.hub.cases.timers.rebuild();
    expect((await queue().getJobCounts("delayed")).delayed).toBe(before);
    // After the 50% reminder, the next timer is the 80% one.
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "remind", level: 1, percent: 50 }, "system:deadline");
    expect((await jobIds()).filter((id) => id?.startsWith(ticket.id))).toEqual([timerJobId(ticket.id, "remind80")]);
  });

  it("rebuilds in bulk: a job in place is not looked up on its own; a lost one is put back", async () => {
    const [a, b] = [
      await fileAndRoute(t.hub, `东湖区${road()}路灯不亮`),
      await fileAndRoute(t.hub, `西山区${road()}路灯不亮`),
    ];
    const getJob = vi.spyOn(queue(), "getJob");
    const lookedUp = (ticketId: string) =>
      getJob.mock.calls.filter(([id]) => id.startsWith(ticketId)).map(([id]) => id);
    try {
      // Checking every ticket's jobs one by one cost ~200,000 Redis round trips at 42,550 open tickets (issue 16).
      await t.hub.cases.timers.rebuild();
      expect([...lookedUp(a.id), ...lookedUp(b.id)]).toEqual([]);
      await (await queue().getJob(timerJobId(a.id, "remind50")))!.remove();
      getJob.mockClear();
      await t.hub.cases.timers.rebuild();
      expect(lookedUp(a.id)).toEqual([timerJobId(a.id, "remind50")]);
      expect(lookedUp(b.id)).toEqual([]);
      expect((await jobIds()).filter((id) => id?.startsWith(a.id))).toEqual([timerJobId(a.id, "remind50")]);
    } finally {
      getJob.mockRestore();
    }
  });

  it("removes the timers of a suspended ticket and sets them again on resume", async () => {
    const ticket = await fileAndRoute(t.hub, `西山区${road()}路灯坏了`);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:a");
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "suspend", reason: "请提供具体位置" }, "staff:a");
    expect((await jobIds()).filter((id) => id?.startsWith(ticket.id))).toEqual([]);
    const resumed = await t.hub.cases.actions.apply({ id: ticket.id }, { type: "resume" }, "staff:a");
    expect(await jobIds()).toContain(timerJobId(ticket.id, "remind50"));
    // The timer follows the resumed clock (the deadline moves by the working time spent suspended).
    const planned = t.hub.cases.timers.plan(resumed.ticket).find((p) => p.kind === "remind50")!;
    expect((await queue().getJob(timerJobId(ticket.id, "remind50")))!.data.dueAt).toBe(planned.dueAt.getTime());
  });

  it("reminds the department at 50% and 80% and escalates at the deadline", async () => {
    const ticket = await fileAndRoute(t.hub, fastText());
    expect(ticket).toMatchObject({
      category: "test-urgent",
      departmentCode: "CG",
      dueBasis: "hours",
      dueBudgetSeconds: 11,
    });
    const overdue = await eventually(async () => {
      const row = await t.hub.db.prisma.ticket.findUnique({ where: { id: ticket.id } });
      return row?.overdue ? row : undefined;
    }, 30_000);
    expect(overdue.remindersSent).toBe(2);
    const events = await eventsOf(t.hub, ticket.id);
    expect(events.slice(2).map((e) => [e.type, e.actor])).toEqual([
      ["reminded", "system:deadline"],
      ["reminded", "system:deadline"],
      ["overdue", "system:deadline"],
    ]);
    expect(events[2]!.note).toBe("办理时限已用50%，请抓紧办理");
    const notices = await t.hub.db.prisma.staffNotice.findMany({
      where: { ticketId: ticket.id },
      orderBy: { createdAt: "asc" },
    });
    expect(notices.map((n) => [n.kind, n.audience])).toEqual(
      expect.arrayContaining([
        ["reminder", "department:CG"],
        ["overdue", "department:CG"],
        ["overdue", "role:supervisor"],
      ]),
    );
    expect(notices.find((n) => n.audience === "role:supervisor")!.text).toContain("已列入督办");
  });

  it("closes a resolved ticket nobody rated", async () => {
    const ticket = await fileAndRoute(t.hub, `南湖区${road()}路灯不亮`);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:a");
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已修复" }, "staff:a");
    const closed = await eventually(async () => {
      const row = await t.hub.db.prisma.ticket.findUnique({ where: { id: ticket.id } });
      return row?.status === "closed" ? row : undefined;
    }, 20_000);
    expect(closed.closedAt).toBeInstanceOf(Date);
    expect((await eventsOf(t.hub, ticket.id)).at(-1)).toMatchObject({
      type: "closed",
      actor: "system:deadline",
      note: "评价期已满，自动归档",
    });
  });

  it("rebuilds lost timers from the database (Redis lost its data)", async () => {
    await workers!.close();
    const ticket = await fileAndRoute(t.hub, fastText());
    await queue().obliterate({ force: true });
    expect(await queue().getJob(timerJobId(ticket.id, "breach"))).toBeUndefined();
    // A worker starting rebuilds every timer from the database and fires what is due.
    workers = startWorkers(t.hub);
    const overdue = await eventually(async () => {
      const row = await t.hub.db.prisma.ticket.findUnique({ where: { id: ticket.id } });
      return row?.overdue ? row : undefined;
    }, 30_000);
    expect(overdue.overdueAt).toBeInstanceOf(Date);
    expect((await eventsOf(t.hub, ticket.id)).filter((e) => e.type === "overdue")).toHaveLength(1);
  });
});
