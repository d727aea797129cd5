import path from "node:path";
import os from "node:os";
import fs from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrivateRedis } from "../src/infra/private-redis.ts";
import { recordExchanges } from "../src/conversation/message-log.ts";
import { findBrokenLink } from "../src/tickets/event-chain.ts";
import { nextTicketNumber, openTicket } from "../src/cases/open-ticket.ts";
import { BACKENDS, eventually, startTestHub, type TestHub } from "./support/test-env.ts";

function complaint(text: string) {
  return {
    channel: "webchat" as const,
    channelUserId: "c1",
    text,
    channelMessageId: randomUUID(),
    receivedAt: new Date(),
  };
}

describe.each(BACKENDS)("routing tickets through BullMQ on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend, { workers: true });
  });
  afterAll(() => t.close());

  it("assigns a complaint to the department its rules name, with a chained history", async () => {
    const outcome = await t.hub.pipeline.handle(complaint("阳光小区门口路灯坏了一个月没人修"));
    const ticket = await eventually(async () => {
      const found = await t.hub.db.prisma.ticket.findUnique({
        where: { number: outcome.ticket!.number },
        include: { events: { orderBy: { seq: "asc" } } },
      });
      return found?.status === "assigned" ? found : undefined;
    });
    const expected = t.hub.router().route({ text: ticket.text, domain: ticket.domain });
    expect(expected.rule).not.toBe("dispatcher");
    expect(ticket.departmentCode).toBe(expected.departmentCode);
    expect(ticket.events.map((e) => e.type)).toEqual(["created", "assigned"]);
    expect(findBrokenLink(ticket.events)).toBeUndefined();
    expect(await t.hub.db.prisma.outboxEntry.count({ where: { jobId: ticket.id, deliveredAt: { not: null } } })).toBe(
      1,
    );
  });

  it("sends a complaint no rule matches to the dispatcher", async () => {
    // Filed as the pipeline files it, but with no domain and no department keyword.
    const message = complaint("我的事情一直没有下文");
    const number = await nextTicketNumber(t.hub.db.prisma, t.hub.config.timeZone, message.receivedAt);
    await t.hub.db.prisma.$transaction(async (tx) => {
      const [recorded] = await recordExchanges(tx, [
        {
          inboundId: randomUUID(),
          message,
          outcome: { replies: [], understanding: { kind: "complaint", confidence: 1 } },
        },
      ]);
      await openTicket(tx, {
        number,
        kind: "complaint",
        text: message.text,
        channel: "webchat",
        channelUserId: "c1",
        ...recorded!,
        sourceMessageId: recorded!.inboundId,
      });
    });
    t.hub.relay.kick();
    const ticket = await eventually(async () => {
      const found = await t.hub.db.prisma.ticket.findUnique({ where: { number } });
      return found?.status === "assigned" ? found : undefined;
    });
    expect(ticket.departmentCode).toBe(t.hub.catalog().dispatcher);
  });

  it("does nothing when the same routing job runs twice", async () => {
    const outcome = await t.hub.pipeline.handle(complaint("举报人民路上的井盖丢了很危险"));
    const ticket = await eventually(async () => {
      const found = await t.hub.db.prisma.ticket.findUnique({ where: { number: outcome.ticket!.number } });
      return found?.status === "assigned" ? found : undefined;
    });
    // Re-deliver the same job under a new job id, as a crashed relay might.
    await t.hub.queues.get("routing")!.add("route-ticket", { ticketId: ticket.id }, { jobId: `${ticket.id}-again` });
    await new Promise((r) => setTimeout(r, 500));
    expect(await t.hub.db.prisma.ticketEvent.count({ where: { ticketId: ticket.id } })).toBe(2);
  });
});

describe("when Redis is down", () => {
  it("still saves the ticket and gives its number, and routes it once Redis is back", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "redis-down-"));
    let redis = await startPrivateRedis({ dataDir });
    const port = new URL(redis.url).port;
    const t = await startTestHub("postgresql", { redisUrl: redis.url, workers: true });
    try {
      await redis.stop();

      const outcome = await t.hub.pipeline.handle(complaint("阳光小区门口路灯坏了一个月没人修"));
      expect(outcome.ticket?.number).toMatch(/^GD/);
      const saved = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: outcome.ticket!.number } });
      expect(saved.status).toBe("submitted");
      await eventually(async () =>
        (await t.hub.db.prisma.outboxEntry.findFirst({ where: { jobId: saved.id } }))!.attempts > 0 ? true : undefined,
      );
      expect(
        (await t.hub.db.prisma.outboxEntry.findFirstOrThrow({ where: { jobId: saved.id } })).deliveredAt,
      ).toBeNull();

      // Bring Redis back on the same port: the relay and the worker reconnect by themselves.
      redis = await startPrivateRedis({ dataDir, port: Number(port) });
      const assigned = await eventually(async () => {
        const found = await t.hub.db.prisma.ticket.findUnique({ where: { id: saved.id } });
        return found?.status === "assigned" ? found : undefined;
      }, 20_000);
      expect(assigned.departmentCode).toBeTruthy();
    } finally {
      await t.close();
      await redis.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
