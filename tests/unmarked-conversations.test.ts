// The chat path skips the context read of conversations known to have no hand-off mark;
// a "人工" in any process is heard by every other one before the citizen is answered, and
// with the channel down nothing is trusted. Real Redis, real hubs sharing one database.
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keptForAgent } from "../src/conversation/handoff-replies.ts";
import { UnmarkedConversations } from "../src/conversation/unmarked-conversations.ts";
import { createHub, type Hub } from "../src/hub.ts";
import { startPrivateRedis } from "../src/infra/private-redis.ts";
import { createLogger } from "../src/logger.ts";
import { eventually, startTestHub, TEST_REDIS_URL, type TestHub } from "./support/test-env.ts";

/** A context reader that counts its reads; "marked" conversations have a hand-off mark. */
function reader(marked: Set<string>) {
  const reads: string[] = [];
  return {
    reads,
    read: (id: string) => async () => {
      reads.push(id);
      return marked.has(id) ? { handoff: { id: "h", status: "waiting" } } : {};
    },
  };
}

describe("UnmarkedConversations", () => {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false });
  afterAll(() => redis.quit());

  it("reads a conversation until it is known unmarked, and again after another process announces a mark", async () => {
    const channel = `test-marks-${randomUUID()}`;
    const a = new UnmarkedConversations(redis, channel);
    const b = new UnmarkedConversations(redis, channel);
    const marked = new Set<string>();
    const { reads, read } = reader(marked);
    try {
      // Not subscribed yet: nothing is trusted.
      await a.readUnlessUnmarked("c1", read("c1"));
      await a.readUnlessUnmarked("c1", read("c1"));
      expect(reads).toEqual(["c1", "c1"]);
      a.start();
      b.start();
      await eventually(async () => {
        await a.readUnlessUnmarked("c1", read("c1"));
        return (await a.readUnlessUnmarked("c1", read("c1"))) === undefined ? true : undefined;
      });
      const before = reads.length;
      expect(await a.readUnlessUnmarked("c1", read("c1"))).toBeUndefined();
      expect(reads).toHaveLength(before);

      // Another process marks it: this one reads again, and keeps reading while it is marked.
      marked.add("c1");
      await b.announce("c1");
      const context = await eventually(async () => a.readUnlessUnmarked("c1", read("c1")));
      expect(context).toEqual({ handoff: { id: "h", status: "waiting" } });
      expect(await a.readUnlessUnmarked("c1", read("c1"))).toEqual(context);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("does not remember a read that an announcement overtook", async () => {
    const channel = `test-marks-${randomUUID()}`;
    const a = new UnmarkedConversations(redis, channel);
    const b = new UnmarkedConversations(redis, channel);
    a.start();
    b.start();
    try {
      await eventually(async () => {
        await a.readUnlessUnmarked("warm", async () => ({}));
        return (await a.readUnlessUnmarked("warm", async () => ({}))) === undefined ? true : undefined;
      });
      let reads = 0;
      // The read starts, the mark is announced meanwhile, the read answers "no mark" (taken before it).
      await a.readUnlessUnmarked("c2", async () => {
        reads++;
        await b.announce("c2");
        await new Promise((r) => setTimeout(r, 100));
        return {};
      });
      await a.readUnlessUnmarked("c2", async () => {
        reads++;
        return {};
      });
      expect(reads).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("trusts nothing while its Redis is down, and again once it is back", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "marks-"));
    let server = await startPrivateRedis({ dataDir });
    const port = Number(new URL(server.url).port);
    const producer = new Redis(server.url, { maxRetriesPerRequest: 1 });
    producer.on("error", () => undefined);
    const a = new UnmarkedConversations(producer, "marks");
    a.start();
    let reads = 0;
    const read = async () => {
      reads++;
      return {};
    };
    try {
      await eventually(async () => {
        await a.readUnlessUnmarked("c3", read);
        return (await a.readUnlessUnmarked("c3", read)) === undefined ? true : undefined;
      });
      await server.stop();
      const before = reads;
      // Down: every call reads (the subscription's loss is seen at once or within a moment).
      await eventually(async () => {
        await a.readUnlessUnmarked("c3", read);
        await a.readUnlessUnmarked("c3", read);
        return reads >= before + 2 ? true : undefined;
      });
      const down = reads;
      expect(await a.readUnlessUnmarked("c3", read)).toEqual({});
      expect(reads).toBe(down + 1);

      server = await startPrivateRedis({ dataDir, port });
      await eventually(async () => {
        await a.readUnlessUnmarked("c3", read);
        return (await a.readUnlessUnmarked("c3", read)) === undefined ? true : undefined;
      }, 20_000);
    } finally {
      await a.close();
      producer.disconnect();
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("two hubs sharing a database and Redis", () => {
  let a: TestHub;
  let b: Hub;
  beforeAll(async () => {
    a = await startTestHub("postgresql", { env: { HANDOFF_HOURS: "always" } });
    b = await createHub({
      config: a.hub.config,
      redisUrl: TEST_REDIS_URL,
      log: createLogger("silent"),
      database: { backend: "postgresql", url: a.databaseUrl!, poolSize: 3 },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("holds for the agent a message that reaches one hub after 人工 reached the other", async () => {
    const citizen = `c-${randomUUID()}`;
    const say = (hub: Hub, text: string) =>
      hub.pipeline.handle({
        channel: "webchat",
        channelUserId: citizen,
        text,
        channelMessageId: randomUUID(),
        receivedAt: new Date(),
      });
    // Hub A answers two questions: it has read the conversation and knows it has no mark.
    expect((await say(a.hub, "身份证丢了怎么补办")).replies[0]!.text).not.toBe(keptForAgent());
    await say(a.hub, "护照怎么办理");
    // The citizen asks for a person; hub B takes that message.
    const asked = await say(b, "人工");
    expect(asked.understanding.kind).toBe("handoff");
    // The citizen reads the answer before writing again (hub A hears the announcement meanwhile;
    // in one test process its socket may be read a moment after hub B's).
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The next message reaches hub A: it is the agent's, not the bot's.
    expect((await say(a.hub, "我的公积金怎么提取")).replies.map((r) => r.text)).toEqual([keptForAgent()]);
  });
});
