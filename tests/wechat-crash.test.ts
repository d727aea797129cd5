// A crash never loses a push. The web process that claimed a WeChat message is
// killed (SIGKILL) in the middle of its work — before it decided the answer, or after
// it told WeChat `success` ("later") but before the answer was recorded — and the
// message is still answered exactly once, through the customer-service API, with
// exactly one ticket. WeChat's retries go to the surviving process, as its load
// balancer would send them.
//
// The claimant is held mid-work the way a real stall holds it: the test locks the
// Message table, so the pipeline's insert waits (after the claim, before any decision).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeWechatApi } from "../connectors/wechat/testing/fake-wechat-api.ts";
import { eventually, createTestDatabase, TEST_REDIS_URL, uniqueName } from "./support/test-env.ts";
import { startWechatEnv, WECHAT, wechatSettings, type WechatTestEnv } from "./support/wechat-env.ts";

const root = path.resolve(import.meta.dirname, "..");
const COMPLAINT = "阳光小区3栋楼下的路灯坏了三天了，晚上很黑，请尽快修理";
const openid = () => `o${randomUUID().replace(/-/g, "").slice(0, 27)}`;
let msgIds = 6_100_000_000_000_000_000n;
const msgId = () => String(++msgIds);

describe("a WeChat push whose process is killed mid-work", () => {
  let api: FakeWechatApi;
  let databaseUrl: string;
  let drop: () => Promise<void>;
  let survivor: WechatTestEnv;
  let redis: Redis;
  const prefix = uniqueName("crash");
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    api = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
    await api.start();
    const database = await createTestDatabase("postgresql");
    drop = database.drop;
    databaseUrl = (database.target as { url: string }).url;
    // The surviving web process, with the queue workers; same database, Redis keys and WeChat API.
    survivor = await startWechatEnv("postgresql", { api, database: database.target, env: { QUEUE_PREFIX: prefix } });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    redis?.disconnect();
    await survivor?.close();
    await drop?.();
    await api?.stop();
  });

  /** `npm run serve` as a web process of its own (no workers), on the shared database and Redis. */
  async function startClaimant(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
      cwd: root,
      env: {
        ...process.env,
        ...wechatSettings(api.url),
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        PORT: "0",
        WORKERS_IN_PROCESS: "false",
        LOG_LEVEL: "warn",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let output = "";
      const onData = (data: Buffer) => {
        output += data;
        const match = /web chat\s+(http:\/\/\S+?)\/\s/.exec(output);
        if (match) resolve(match[1]!.replace("localhost", "127.0.0.1"));
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`the claimant exited with ${code}:\n${output}`)));
    });
    // Warm it up, so the push under test is not shed for a cold start.
    const warm = await post(
      url,
      survivor.platform.push("safe", openid(), { MsgType: "text", Content: "社保卡丢了怎么补", MsgId: msgId() }),
    );
    expect(warm).toContain("<Encrypt>");
    return { child, url };
  }

  async function post(base: string, push: { url: string; body: string }): Promise<string> {
    const response = await fetch(base + push.url, {
      method: "POST",
      body: push.body,
      headers: { "content-type": "text/xml" },
    });
    return response.text();
  }

  /** Holds every insert into Message (the pipeline's first write) until released. */
  async function lockMessages(): Promise<{ waiting(): Promise<boolean>; release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query("BEGIN");
    await client.query(`LOCK TABLE "Message" IN EXCLUSIVE MODE`);
    return {
      async waiting() {
        const { rows } = await client.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = '"Message"'::regclass`,
        );
        return rows[0].n > 0;
      },
      async release() {
        await client.query("ROLLBACK");
        await client.end();
      },
    };
  }

  async function kill(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  const keyOf = (id: string) => `wechat:${id}`;
  const pushState = async (id: string) => {
    const [claim, decision] = await redis.mget(
      `${prefix}:push:${keyOf(id)}:claim`,
      `${prefix}:push:${keyOf(id)}:decision`,
    );
    const pending = await redis.zscore(`${prefix}:push:pending`, keyOf(id));
    const job = await redis.hget(`${prefix}:push:pending:jobs`, keyOf(id));
    return { claim, decision, pending, job };
  };

  /** The one answer WeChat's customer-service API got for `user`, once nothing more is coming. */
  async function answeredOnce(user: string, timeoutMs: number) {
    const sent = await eventually(
      async () => {
        const messages = api.sent.filter((m) => m.touser === user);
        return messages.length > 0 ? messages : undefined;
      },
      timeoutMs,
      100,
    );
    const prisma = survivor.t.hub.db.prisma;
    const tickets = await prisma.ticket.findMany({ where: { channelUserId: user } });
    expect(tickets).toHaveLength(1);
    expect(sent[0]!.content).toContain(`工单号：${tickets[0]!.number}`);
    // Give a second answer every chance to show up: the safety net's lease, the outbox relay, the queue.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(api.sent.filter((m) => m.touser === user)).toHaveLength(1);
    expect(await prisma.message.count({ where: { conversation: { channelUserId: user } } })).toBe(1);
    const delivery = await prisma.delivery.findFirstOrThrow({
      where: { channelUserId: user },
      include: { attempts: true },
    });
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts.map((a) => a.ok)).toEqual([true]);
    return tickets[0]!;
  }

  it("is answered once when the claimant dies before deciding", async () => {
    const { child, url } = await startClaimant();
    const user = openid();
    const id = msgId();
    const createTime = Math.floor(Date.now() / 1000);
    const fields = { MsgType: "text", Content: COMPLAINT, MsgId: id };
    const lock = await lockMessages();
    try {
      const first = post(url, survivor.platform.push("safe", user, fields, createTime)).catch((error: Error) => error);
      // Claimed, working (its insert waits on the lock), nothing decided yet.
      await eventually(async () => ((await pushState(id)).claim && (await lock.waiting()) ? true : undefined));
      expect(await pushState(id)).toMatchObject({ decision: null, job: expect.stringMatching(/^w/) });
      await kill(child);
      expect(await first).toBeInstanceOf(Error); // WeChat saw the connection drop
    } finally {
      await lock.release();
    }

    // WeChat retries on the surviving process: the claim is still there, nobody decides, so `success`.
    const retry = await survivor.send("safe", user, fields, createTime);
    expect([retry.status, retry.body]).toEqual([200, "success"]);
    expect(JSON.parse((await pushState(id)).decision!)).toEqual({ later: true });

    await answeredOnce(user, 30_000);
    // WeChat's last try, after the answer went out: `success`, and nothing is sent again.
    expect((await survivor.send("safe", user, fields, createTime)).body).toBe("success");
    expect(api.sent.filter((m) => m.touser === user)).toHaveLength(1);
    expect(await pushState(id)).toMatchObject({ pending: null, job: null });
  }, 90_000);

  it("is answered once when the claimant dies after promising the answer for later", async () => {
    // A budget short enough to run out while the claimant waits on the lock.
    const { child, url } = await startClaimant({ PASSIVE_REPLY_BUDGET_MS: "1500" });
    const user = openid();
    const id = msgId();
    const lock = await lockMessages();
    try {
      // The budget ran out: WeChat got `success`, the answer is owed through the customer-service API.
      expect(
        await post(url, survivor.platform.push("safe", user, { MsgType: "text", Content: COMPLAINT, MsgId: id })),
      ).toBe("success");
      const state = await pushState(id);
      expect(JSON.parse(state.decision!)).toEqual({ later: true });
      expect(state.job).toMatch(/^w/); // worked on, not shed
      expect(await lock.waiting()).toBe(true); // and still at it
      await kill(child);
    } finally {
      await lock.release();
    }
    // Nobody is working on it now; the safety net takes it over once its time is up.
    await answeredOnce(user, 60_000);
    expect(await pushState(id)).toMatchObject({ pending: null, job: null });
  }, 120_000);
});
