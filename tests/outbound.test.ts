import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webchatNoticeTopic } from "../connectors/webchat/notice.ts";
import type { OutboundMessage } from "../src/outbound/channel-sender.ts";
import { DeliveryError } from "../src/outbound/channel-sender.ts";
import { notify } from "../src/outbound/notifier.ts";
import { startWorkers, type Workers } from "../src/start-workers.ts";
import { BACKENDS, eventually, startTestHub, TEST_REDIS_URL, type TestHub } from "./support/test-env.ts";

/** Stands in for a platform's send API (beyond the network edge): scripted answers, every call kept. */
class ScriptedPlatform {
  readonly channel = "wechat" as const;
  readonly calls: OutboundMessage[] = [];
  readonly sent: OutboundMessage[] = [];
  constructor(private readonly script: (call: number, message: OutboundMessage) => void | Promise<void>) {}
  async send(message: OutboundMessage): Promise<void> {
    this.calls.push(message);
    await this.script(this.calls.filter((c) => c.deliveryId === message.deliveryId).length, message);
    this.sent.push(message);
  }
}

describe.each(BACKENDS)("outbound notices on %s", (backend) => {
  let t: TestHub;
  let workers: Workers;
  const platform = new ScriptedPlatform((call, message) => {
    const user = message.channelUserId;
    if (user === "flaky" && call <= 2) throw new DeliveryError("system busy (-1)", "retry");
    if (user === "broken") throw new Error("socket hang up");
    if (user === "gone") throw new DeliveryError("out of the 48 h window (45015)", "undeliverable");
    // The first notice to this citizen meets a slow platform, then a busy one.
    if (user.startsWith("in-order") && message.replies[0]?.text === "第一条" && call === 1) {
      return new Promise<void>((_resolve, reject) =>
        setTimeout(() => reject(new DeliveryError("system busy (-1)", "retry")), 300),
      );
    }
  });

  beforeAll(async () => {
    t = await startTestHub(backend, { env: { OUTBOUND_MAX_ATTEMPTS: "3", OUTBOUND_BACKOFF_MS: "20" } });
    t.hub.senders.set("wechat", platform);
    workers = startWorkers(t.hub);
  });
  afterAll(async () => {
    await workers.close();
    await t.close();
  });

  const send = (
    channelUserId: string,
    channel: "wechat" | "webchat" = "wechat",
    reason = `test:${randomUUID()}`,
    text = "您的工单已受理。",
  ) =>
    t.hub.db.prisma.$transaction((tx) =>
      notify(tx, { channel, channelUserId, reason, replies: [{ type: "text", text }] }),
    );

  const finished = (id: string) =>
    eventually(async () => {
      const delivery = await t.hub.db.prisma.delivery.findUnique({
        where: { id },
        include: { attempts: { orderBy: { attempt: "asc" } } },
      });
      return delivery && delivery.status !== "pending" ? delivery : undefined;
    }, 15_000);

  it("delivers a notice and records the attempt", async () => {
    const delivery = await finished(await send("ok-user"));
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts.map((a) => a.ok)).toEqual([true]);
    expect(platform.calls.find((c) => c.deliveryId === delivery.id)?.replies[0]?.text).toBe("您的工单已受理。");
  });

  it("retries a busy platform with backoff and records every attempt", async () => {
    const delivery = await finished(await send("flaky"));
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(delivery.attempts[0]?.error).toContain("system busy");
  });

  it("dead-letters a notice once its attempts are used up", async () => {
    const delivery = await finished(await send("broken"));
    expect(delivery.status).toBe("dead");
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts.every((a) => !a.ok && a.error === "socket hang up")).toBe(true);
  });

  it("stops at once when the platform refuses for good", async () => {
    const delivery = await finished(await send("gone"));
    expect(delivery.status).toBe("undeliverable");
    expect(delivery.attempts).toHaveLength(1);
  });

  it("sends one notice per business event", async () => {
    const reason = `ticket:${randomUUID()}:accepted`;
    const first = await send("ok-user", "wechat", reason);
    const again = await send("ok-user", "wechat", reason);
    expect(again).toBe(first);
    await finished(first);
    expect(platform.calls.filter((c) => c.deliveryId === first)).toHaveLength(1);
  });

  it("delivers one citizen's notices in the order they were written, even when the first is slow", async () => {
    const user = `in-order-${randomUUID()}`;
    const first = await send(user, "wechat", undefined, "第一条");
    const second = await send(user, "wechat", undefined, "第二条");
    const third = await send(user, "wechat", undefined, "第三条");
    for (const id of [first, second, third]) expect((await finished(id)).status).toBe("sent");
    expect(platform.sent.filter((m) => m.channelUserId === user).map((m) => m.replies[0]?.text)).toEqual([
      "第一条",
      "第二条",
      "第三条",
    ]);
    // The later ones waited rather than failing: one attempt each.
    expect((await finished(second)).attempts).toHaveLength(1);
  });

  it("puts a web chat notice in the citizen's conversation and announces it", async () => {
    const sessionId = `web-${randomUUID()}`;
    await t.hub.pipeline.handle({
      channel: "webchat",
      channelUserId: sessionId,
      text: "你好",
      channelMessageId: randomUUID(),
      receivedAt: new Date(),
    });
    const subscriber = new Redis(TEST_REDIS_URL);
    const announced = new Promise<string>((resolve) => subscriber.on("message", (_topic, body) => resolve(body)));
    await subscriber.subscribe(webchatNoticeTopic(t.hub.config.queuePrefix, sessionId));
    try {
      const delivery = await finished(await send(sessionId, "webchat"));
      expect(delivery.status).toBe("sent");
      expect(JSON.parse(await announced)).toEqual({
        id: delivery.id,
        at: expect.any(String),
        replies: [{ type: "text", text: "您的工单已受理。" }],
      });
      const stored = await t.hub.db.prisma.message.findMany({
        where: { conversation: { channelUserId: sessionId }, direction: "out" },
      });
      expect(stored.map((m) => m.text)).toEqual(["您的工单已受理。"]);
    } finally {
      subscriber.disconnect();
    }
  });

  it("marks a web chat notice undeliverable when there is no such session", async () => {
    const delivery = await finished(await send(`nobody-${randomUUID()}`, "webchat"));
    expect(delivery.status).toBe("undeliverable");
  });
});
