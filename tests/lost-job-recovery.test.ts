// Jobs Redis lost with its data come back from the database: a ticket still waiting to be
// routed and a notice still pending each get their job again, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notify } from "../src/outbound/notifier.ts";
import { recoverLostJobs } from "../src/cases/lost-job-recovery.ts";
import { createRoutingWorker, ROUTING_FAILED_NOTE } from "../src/cases/routing-worker.ts";
import { createLogger } from "../src/logger.ts";
import { TEST_REDIS_URL } from "./support/test-env.ts";
import { openTestTicket, road } from "./support/cases.ts";
import { BACKENDS, eventually, startTestHub, type TestHub } from "./support/test-env.ts";

describe.each(BACKENDS)("recovering lost jobs on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend); // no workers: the jobs stay in their queues
  });
  afterAll(() => t.close());

  it("adds back the routing and notice jobs Redis no longer has, and only those", async () => {
    const routing = t.hub.queues.get("routing")!;
    const outbound = t.hub.queues.get("outbound")!;
    const ticket = await openTestTicket(t.hub, `东湖区${road()}路灯坏了`);
    const deliveryId = await t.hub.db.prisma.$transaction((tx) =>
      notify(tx, {
        channel: "wechat",
        channelUserId: "lost-user",
        reason: `test:lost:${ticket.id}`,
        replies: [{ type: "text", text: "您的工单已受理。" }],
      }),
    );
    t.hub.relay.kick();
    await eventually(async () =>
      (await routing.getJob(ticket.id)) && (await outbound.getJob(deliveryId)) ? true : undefined,
    );

    // Nothing is lost yet: nothing is added.
    const recover = (graceMs = 0) => recoverLostJobs({ prisma: t.hub.db.prisma, queues: t.hub.queues, graceMs });
    expect(await recover()).toEqual({ routing: 0, outbound: 0 });

    // Redis loses the queues' data.
    await routing.obliterate({ force: true });
    await outbound.obliterate({ force: true });
    expect(await routing.getJob(ticket.id)).toBeUndefined();

    // Rows younger than the grace period are left to the outbox relay.
    expect(await recover(60 * 60_000)).toEqual({ routing: 0, outbound: 0 });
    expect(await recover()).toEqual({ routing: 1, outbound: 1 });
    expect((await routing.getJob(ticket.id))?.data).toEqual({ ticketId: ticket.id });
    expect((await outbound.getJob(deliveryId))?.data).toEqual({ deliveryId });
    // Once back, they are not added twice.
    expect(await recover()).toEqual({ routing: 0, outbound: 0 });

    // Past the first page too: a second waiting ticket, read one row per query.
    const second = await openTestTicket(t.hub, `东湖区${road()}井盖丢了`);
    await routing.obliterate({ force: true });
    expect(await recoverLostJobs({ prisma: t.hub.db.prisma, queues: t.hub.queues, graceMs: 0, pageSize: 1 })).toEqual({
      routing: 2,
      outbound: 0,
    });
    expect(await routing.getJob(second.id)).toBeDefined();

    // Rows with nothing left to do get no job: a routed ticket, a sent notice.
    await t.hub.db.prisma.ticket.updateMany({
      where: { id: { in: [ticket.id, second.id] } },
      data: { status: "assigned" },
    });
    await t.hub.db.prisma.delivery.update({ where: { id: deliveryId }, data: { status: "sent" } });
    await routing.obliterate({ force: true });
    await outbound.obliterate({ force: true });
    expect(await recover()).toEqual({ routing: 0, outbound: 0 });
  });

  it("gives the dispatch centre a ticket whose routing failed every attempt; a job failed for good is retried", async () => {
    const routing = t.hub.queues.get("routing")!;
    const prisma = t.hub.db.prisma;
    const dispatcher = t.hub.cases.knowledge().router.dispatcher;
    const ticket = await openTestTicket(t.hub, `东湖区${road()}路灯坏了`);
    t.hub.relay.kick();
    await eventually(async () => ((await routing.getJob(ticket.id)) ? true : undefined));
    // Two quick attempts instead of eight over two minutes.
    await routing.obliterate({ force: true });
    await routing.add("route-ticket", { ticketId: ticket.id }, { jobId: ticket.id, attempts: 2, backoff: 10 });

    // Routing throws every time (a bug, a rule that crashes); the dispatch centre may fail too.
    let dispatchWorks = false;
    const routed: string[] = [];
    const worker = createRoutingWorker({
      redisUrl: TEST_REDIS_URL,
      prefix: t.hub.config.queuePrefix,
      prisma,
      log: createLogger("silent"),
      route: async () => {
        throw new Error("routing rule crashed");
      },
      routeToDispatchCentre: async (ticketId, note) => {
        if (!dispatchWorks) throw new Error("database unavailable");
        routed.push(ticketId);
        return t.hub.cases.routeToDispatchCentre(ticketId, note);
      },
    });
    try {
      // Both attempts fail, the last resort too: the job has failed for good, the ticket waits.
      await eventually(async () => ((await (await routing.getJob(ticket.id))?.isFailed()) ? true : undefined));
      expect((await prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("submitted");

      // Recovery retries it; this time the last attempt reaches the dispatch centre.
      dispatchWorks = true;
      expect(await recoverLostJobs({ prisma, queues: t.hub.queues, graceMs: 0 })).toMatchObject({ routing: 1 });
      const assigned = await eventually(async () => {
        const row = await prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
        return row.status === "assigned" ? row : undefined;
      });
      expect(assigned.departmentCode).toBe(dispatcher);
      expect(routed).toEqual([ticket.id]);
      const events = await prisma.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { seq: "asc" } });
      expect(events.at(-1)).toMatchObject({ type: "assigned", actor: "system:router", note: ROUTING_FAILED_NOTE });
      // Done: recovery leaves it alone now.
      expect(await recoverLostJobs({ prisma, queues: t.hub.queues, graceMs: 0 })).toMatchObject({ routing: 0 });
    } finally {
      await worker.close();
    }
  });
});
