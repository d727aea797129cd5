// Issue 11, finding 4: WeChat and Weibo pushes could be forged. In WeChat's plaintext
// and compatible modes and on Weibo the signature covers only the secret, timestamp and
// nonce — not the body — so one captured signature signed any body. Now: a timestamp
// window, a nonce replay cache in Redis (a retry with the same body still gets its
// answer), plaintext refused once the AES key is set, and no signature, nonce or openid
// in logged URLs.
import { randomInt, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import Fastify, { type FastifyBaseLogger } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sortedSha1 } from "../../connectors/shared/sorted-sha1.ts";
import { buildWechatXml } from "../../connectors/wechat/wechat-xml.ts";
import { createLogger } from "../../src/logger.ts";
import { TEST_REDIS_URL, uniqueName } from "../support/test-env.ts";
import { startWechatEnv, WECHAT, type WechatTestEnv } from "../support/wechat-env.ts";
import { startWeiboEnv, type WeiboTestEnv } from "../support/weibo-env.ts";

const openid = () => `o${randomUUID().replace(/-/g, "").slice(0, 27)}`;
const fan = () => String(randomInt(1_000_000_000, 9_000_000_000));
let msgIds = 8_100_000_000_000_000_000n;
const msgId = () => String(++msgIds);
const COMPLAINT = "阳光小区3栋楼下的路灯坏了三天了，晚上很黑，请尽快修理";
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe("WeChat pushes", () => {
  let w: WechatTestEnv;
  let strict: WechatTestEnv;
  beforeAll(async () => {
    // An operator who allowed plaintext mode: the signature does not cover the body there.
    w = await startWechatEnv("postgresql", { env: { WECHAT_ALLOW_PLAINTEXT: "true" } });
    // The default: the AES key is set, so plaintext is refused.
    strict = await startWechatEnv("pglite");
  });
  afterAll(async () => {
    await w?.close();
    await strict?.close();
  });

  const post = (env: WechatTestEnv, push: { url: string; body: string }) =>
    env.app.inject({ method: "POST", url: push.url, payload: push.body, headers: { "content-type": "text/xml" } });
  const messagesOf = (env: WechatTestEnv, user: string) =>
    env.t.hub.db.prisma.message.count({ where: { conversation: { channelUserId: user } } });

  it("refuses a captured signature replayed with a different body, and records nothing", async () => {
    const citizen = openid();
    const captured = w.platform.push("plaintext", citizen, {
      MsgType: "text",
      Content: "身份证丢了怎么补办",
      MsgId: msgId(),
    });
    expect((await post(w, captured)).statusCode).toBe(200);

    // The same query string (signature, timestamp, nonce) with a forged complaint from someone else.
    const victim = openid();
    const forged = w.platform.push("plaintext", victim, { MsgType: "text", Content: COMPLAINT, MsgId: msgId() });
    const response = await post(w, { url: captured.url, body: forged.body });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain("工单号");
    expect(await messagesOf(w, victim)).toBe(0);
    expect(await w.t.hub.db.prisma.ticket.count({ where: { channelUserId: victim } })).toBe(0);
  });

  it("still answers WeChat's retry of the same push (same query, same body) once, with the same reply", async () => {
    const citizen = openid();
    const push = w.platform.push("plaintext", citizen, { MsgType: "text", Content: COMPLAINT, MsgId: msgId() });
    const tries = await Promise.all([0, 1, 2].map(() => post(w, push)));
    expect(tries.map((t) => t.statusCode)).toEqual([200, 200, 200]);
    expect(new Set(tries.map((t) => t.body)).size).toBe(1);
    expect(tries[0]!.body).toMatch(/工单号：GD\d{8}-\d{6}/);
    expect(await messagesOf(w, citizen)).toBe(1);
    expect(await w.t.hub.db.prisma.ticket.count({ where: { channelUserId: citizen } })).toBe(1);
  });

  it.each(["plaintext", "safe"] as const)("refuses a stale or future timestamp (%s mode)", async (mode) => {
    for (const signedAt of [minutesAgo(6), minutesAgo(60 * 24 * 365), minutesAgo(-6)]) {
      const citizen = openid();
      const push = w.platform.push(
        mode,
        citizen,
        { MsgType: "text", Content: COMPLAINT, MsgId: msgId() },
        undefined,
        signedAt,
      );
      const response = await post(w, push);
      expect(response.statusCode).toBe(401);
      expect(response.json().message).toContain("timestamp");
      expect(await messagesOf(w, citizen)).toBe(0);
    }
    // Inside the window (clocks a few minutes apart) is fine.
    const citizen = openid();
    const push = w.platform.push(
      mode,
      citizen,
      { MsgType: "text", Content: "你好", MsgId: msgId() },
      undefined,
      minutesAgo(4),
    );
    expect((await post(w, push)).statusCode).toBe(200);
  });

  it("refuses a stale timestamp on the URL check", async () => {
    expect((await w.app.inject({ method: "GET", url: w.platform.verification("314159") })).body).toBe("314159");
    // Correctly signed, but an hour old.
    const timestamp = String(Math.floor(minutesAgo(60).getTime() / 1000));
    const signature = sortedSha1([WECHAT.token, timestamp, "1514711492"]);
    const response = await w.app.inject({
      method: "GET",
      url: `/connectors/wechat?signature=${signature}&timestamp=${timestamp}&nonce=1514711492&echostr=314159`,
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain("314159");
  });

  it("refuses plaintext once the AES key is set, and still serves the encrypted modes", async () => {
    const citizen = openid();
    const plain = strict.platform.push("plaintext", citizen, { MsgType: "text", Content: COMPLAINT, MsgId: msgId() });
    const response = await post(strict, plain);
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toContain("WECHAT_ALLOW_PLAINTEXT");
    expect(await messagesOf(strict, citizen)).toBe(0);
    for (const mode of ["compatible", "safe"] as const) {
      const ok = await strict.send(mode, openid(), { MsgType: "text", Content: "身份证丢了怎么补办", MsgId: msgId() });
      expect(ok.status).toBe(200);
      expect(ok.reply?.Content).toContain("居民身份证补领");
    }
  });

  it("in compatible mode trusts only the encrypted part, never the plain fields beside it", async () => {
    const citizen = openid();
    const victim = openid();
    const xml = buildWechatXml({
      ToUserName: strict.platform.account,
      FromUserName: citizen,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: "text",
      Content: "身份证丢了怎么补办",
      MsgId: msgId(),
    });
    // The plain fields claim another sender and another text; the signed ciphertext says otherwise.
    const push = strict.platform.pushXml("compatible", xml, { FromUserName: victim, Content: COMPLAINT });
    const response = await post(strict, push);
    expect(response.statusCode).toBe(200);
    expect(await messagesOf(strict, victim)).toBe(0);
    expect(await messagesOf(strict, citizen)).toBe(1);
  });
});

describe("Weibo pushes", () => {
  let w: WeiboTestEnv;
  beforeAll(async () => {
    w = await startWeiboEnv("postgresql");
  });
  afterAll(async () => {
    await w?.close();
  });

  const post = (url: string, body: object) => w.app.inject({ method: "POST", url, payload: body });
  const messagesOf = (sender: string) =>
    w.t.hub.db.prisma.message.count({ where: { conversation: { channelUserId: sender } } });

  it("refuses a captured signature replayed with a different body, and answers a true retry", async () => {
    const citizen = fan();
    const url = w.platform.signedUrl();
    const body = w.platform.push("text", citizen, { text: "身份证丢了怎么补办" });
    const first = await post(url, body);
    expect(first.statusCode).toBe(200);

    const victim = fan();
    const forged = await post(url, w.platform.push("text", victim, { text: COMPLAINT }));
    expect(forged.statusCode).toBe(401);
    expect(await messagesOf(victim)).toBe(0);

    // Weibo retrying the same push: same query, same body, same answer, one message.
    const retry = await post(url, body);
    expect([retry.statusCode, retry.body]).toEqual([200, first.body]);
    expect(await messagesOf(citizen)).toBe(1);
  });

  it("refuses a stale or future timestamp (Weibo's are milliseconds)", async () => {
    for (const signedAt of [minutesAgo(6), minutesAgo(-6), new Date(1397022061823)]) {
      const sender = fan();
      const response = await post(
        w.platform.signedUrl({ signedAt }),
        w.platform.push("text", sender, { text: COMPLAINT }),
      );
      expect(response.statusCode).toBe(401);
      expect(await messagesOf(sender)).toBe(0);
    }
    const verification = await w.app.inject({
      method: "GET",
      url: w.platform.signedUrl({ echostr: "hello", signedAt: minutesAgo(30) }),
    });
    expect(verification.statusCode).toBe(401);
    const sender = fan();
    const ok = await post(
      w.platform.signedUrl({ signedAt: minutesAgo(4) }),
      w.platform.push("text", sender, { text: "你好" }),
    );
    expect(ok.statusCode).toBe(200);
  });
});

describe("the replay guard", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(() => {
    redis.disconnect();
  });

  it("keeps a window of ±PUSH_MAX_SKEW_SECONDS around an injected clock, in seconds or milliseconds", async () => {
    const { PushGuard } = await import("../../connectors/shared/push-guard.ts");
    const now = 1_800_000_000_000;
    const guard = new PushGuard({ redis, prefix: uniqueName("guard"), maxSkewSeconds: 300, now: () => now });
    for (const ok of ["1800000000", "1799999700", "1800000300", "1800000300000", "1799999700000"])
      expect(() => guard.checkFresh(ok), ok).not.toThrow();
    for (const bad of ["1799999699", "1800000301", "1799999699999", "0", "", "12ab", undefined])
      expect(() => guard.checkFresh(bad), String(bad)).toThrow(/timestamp/);
  });

  it("admits a nonce once per body, for twice the window, and refuses what it cannot check", async () => {
    const { PushGuard } = await import("../../connectors/shared/push-guard.ts");
    const prefix = uniqueName("guard");
    const guard = new PushGuard({ redis, prefix, maxSkewSeconds: 300 });
    const query = { timestamp: String(Math.floor(Date.now() / 1000)), nonce: "12345" };
    expect(await guard.admit("wechat", query, "<xml>a</xml>")).toBe("new");
    expect(await guard.admit("wechat", query, "<xml>a</xml>")).toBe("retry");
    await expect(guard.admit("wechat", query, "<xml>b</xml>")).rejects.toMatchObject({ statusCode: 401 });
    // Channels keep apart.
    expect(await guard.admit("weibo", query, "{}")).toBe("new");
    const [key] = await redis.keys(`${prefix}:push-seen:wechat:*`);
    expect(await redis.ttl(key!)).toBeGreaterThan(590);

    const down = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const blind = new PushGuard({ redis: down, prefix, maxSkewSeconds: 300 });
    await expect(blind.admit("wechat", { ...query, nonce: "999" }, "x")).rejects.toMatchObject({ statusCode: 503 });
    down.disconnect();
  });
});

describe("logged URLs", () => {
  it("carry no signature, nonce, openid or echostr, and phone numbers stay masked", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ loggerInstance: createLogger("info", destination) as FastifyBaseLogger });
    app.all("/connectors/*", async (_request, reply) => reply.status(401).send({ statusCode: 401 }));
    const signature = "f464b24fc39322e44b38aa78f5edd27bd1441696";
    const msgSignature = "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3";
    const user = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY";
    const url =
      `/connectors/wechat?signature=${signature}&timestamp=1714036504&nonce=1514711492&openid=${user}` +
      `&encrypt_type=aes&msg_signature=${msgSignature}&echostr=echo8642`;
    await app.inject({ method: "POST", url, payload: "<xml/>", headers: { "content-type": "text/plain" } });
    await app.inject({ method: "GET", url: "/connectors/weibo?q=13812345678&Nonce=77665544&signature=abc" });
    await app.close();

    const logged = lines.join("");
    expect(logged).toContain("/connectors/wechat?");
    expect(logged).toContain("encrypt_type=aes");
    for (const secret of [signature, msgSignature, "1514711492", user, "echo8642", "77665544", "signature=abc"])
      expect(logged).not.toContain(secret);
    expect(logged).not.toContain("13812345678");
    expect(logged).toContain("138****5678");
  });
});
