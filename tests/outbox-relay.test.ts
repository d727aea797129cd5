// The outbox relay moves each queue's jobs on its own: a queue that refuses its jobs
// (here one this process does not have) never holds back another queue's.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestHub, type TestHub } from "./support/test-env.ts";

describe("the outbox relay", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub("postgresql"); // no workers: a relayed job stays in its queue
  });
  afterAll(() => t.close());

  it("relays a queue's jobs when an older entry's queue refuses, and records the refusal", async () => {
    const prisma = t.hub.db.prisma;
    const stuck = await prisma.outboxEntry.create({
      data: {
        queue: "no-such-queue",
        jobName: "x",
        jobId: randomUUID(),
        payload: {},
        createdAt: new Date(Date.now() - 1_000),
      },
    });
    const jobId = `relay-test-${randomUUID()}`;
    const routed = await prisma.outboxEntry.create({
      data: { queue: "routing", jobName: "route", jobId, payload: { ticketId: jobId } },
    });
    t.hub.relay.kick();

    const delivered = await eventually(async () => {
      const row = await prisma.outboxEntry.findUniqueOrThrow({ where: { id: routed.id } });
      return row.deliveredAt ? row : undefined;
    });
    expect(delivered.attempts).toBe(0);
    const job = await t.hub.queues.get("routing")!.getJob(jobId);
    expect(job?.data).toEqual({ ticketId: jobId });
    const refused = await eventually(async () => {
      const row = await prisma.outboxEntry.findUniqueOrThrow({ where: { id: stuck.id } });
      return row.attempts > 0 ? row : undefined;
    });
    expect(refused.deliveredAt).toBeNull();
    expect(refused.lastError).toContain("no queue named");

    await job?.remove();
    await prisma.outboxEntry.delete({ where: { id: stuck.id } });
  });
});
