// Jobs Redis lost with its data come back from the database: a ticket still waiting to be
// routed and a notice still pending each get their job again, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notify } from "../src/outbound/notifier.ts";
import { recoverLostJobs } from "../src/cases/lost-job-recovery.ts";
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
});
