// Finding 9: rate limits. Login lockout per account and per address; chat per session
// (X-Chat-Session) and per address; Open311 filing per api_key. Counters are in Redis,
// so two app instances share them; a 429 carries Retry-After (and for chat a polite
// Chinese reply); RATE_LIMIT=off turns them off; Redis down: they fail open; TRUST_PROXY
// decides whether X-Forwarded-For is the client address.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/build-app.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import type { Hub } from "../../src/hub.ts";
import { createStaffAccount } from "../../src/staff/accounts.ts";
import { startTestHub, type TestHub } from "../support/test-env.ts";

const PASSWORD = "correct horse battery";
const CHAT_TOO_FAST = "您发送得太快了，请稍候再试。";
const LIMITS = {
  RATE_LIMIT: "on",
  RATE_LIMIT_LOGIN_ACCOUNT: "3/15m",
  RATE_LIMIT_LOGIN_IP: "6/15m",
  RATE_LIMIT_CHAT_SESSION: "3/1m",
  RATE_LIMIT_CHAT_IP: "5/1m",
  RATE_LIMIT_OPEN311_KEY: "2/1m",
  OPEN311_API_KEYS: "key-a,key-b",
};

let addressSeq = 0;
/** A fresh client address per test, so tests do not share the per-address counters. */
const freshAddress = () => `203.0.113.${++addressSeq}`;

function chat(app: FastifyInstance, address: string, session?: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: "POST",
    url: "/api/chat/messages",
    remoteAddress: address,
    headers: { ...(session && { "x-chat-session": session }), ...headers },
    payload: { text: "你好" },
  });
}

function login(app: FastifyInstance, address: string, username: string, password: string) {
  return app.inject({
    method: "POST",
    url: "/api/staff/login",
    remoteAddress: address,
    payload: { username, password },
  });
}

describe("rate limits", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let other: FastifyInstance; // a second instance on the same Redis: another process's view

  beforeAll(async () => {
    t = await startTestHub("pglite", { env: LIMITS });
    app = await buildApp(t.hub);
    other = await buildApp(t.hub);
    const departments = t.hub.cases.knowledge().departments.codes;
    for (const username of ["alice", "bob", "carol", "dave"]) {
      await createStaffAccount(
        t.hub.db.prisma,
        { username, password: PASSWORD, role: "dispatcher", displayName: username },
        departments,
      );
    }
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await other.close();
    await t.close();
  });

  describe("staff login", () => {
    it("locks an account after repeated failures, even from other addresses and instances", async () => {
      for (let i = 0; i < 3; i++) {
        const res = await login(i % 2 ? other : app, freshAddress(), "alice", "wrong password");
        expect(res.statusCode).toBe(401);
      }
      // Locked: even the right password is refused, from anywhere, until the window has passed.
      const locked = await login(other, freshAddress(), "alice", PASSWORD);
      expect(locked.statusCode).toBe(429);
      const retryAfter = Number(locked.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(locked.json()).toMatchObject({ statusCode: 429, error: "Too Many Requests" });
      expect(locked.json().message).toMatch(/登录失败次数过多.*分钟后再试/);
      // Another account is not affected.
      expect((await login(app, freshAddress(), "bob", PASSWORD)).statusCode).toBe(200);
    });

    it("clears an account's failures on a successful login", async () => {
      for (let round = 0; round < 3; round++) {
        const address = freshAddress(); // an address's failures are not cleared: only the account's
        expect((await login(app, address, "carol", "wrong")).statusCode).toBe(401);
        expect((await login(app, address, "carol", "wrong")).statusCode).toBe(401);
        expect((await login(app, address, "carol", PASSWORD)).statusCode).toBe(200);
      }
    });

    it("refuses an address that keeps failing, whatever account it tries", async () => {
      const address = freshAddress();
      for (let i = 0; i < 6; i++) {
        expect((await login(app, address, `nobody${i}`, "guess")).statusCode).toBe(401);
      }
      const refused = await login(app, address, "dave", PASSWORD);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      // The account itself is fine from elsewhere.
      expect((await login(app, freshAddress(), "dave", PASSWORD)).statusCode).toBe(200);
    });
  });

  describe("web chat", () => {
    it("limits one session, with Retry-After and a polite Chinese reply", async () => {
      const session = `session-${Date.now()}`;
      for (let i = 0; i < 3; i++) expect((await chat(app, freshAddress(), session)).statusCode).toBe(200);
      const res = await chat(other, freshAddress(), session);
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(res.headers["retry-after"])).toBeLessThanOrEqual(60);
      const body = res.json();
      expect(body).toMatchObject({ statusCode: 429, error: "Too Many Requests", message: CHAT_TOO_FAST });
      expect(body.replies).toEqual([{ type: "text", text: CHAT_TOO_FAST }]);
      // Another session is still answered.
      expect((await chat(app, freshAddress(), `${session}-2`)).statusCode).toBe(200);
    });

    it("limits one address across sessions (and without a session header)", async () => {
      const address = freshAddress();
      for (let i = 0; i < 4; i++) expect((await chat(app, address, `s-${address}-${i}`)).statusCode).toBe(200);
      expect((await chat(other, address)).statusCode).toBe(200);
      const res = await chat(app, address, `s-${address}-new`);
      expect(res.statusCode).toBe(429);
      expect(res.headers["retry-after"]).toBeDefined();
      expect((await chat(app, freshAddress())).statusCode).toBe(200);
    });

    it("ignores X-Forwarded-For unless TRUST_PROXY says so", async () => {
      const address = freshAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await chat(app, address, undefined, { "x-forwarded-for": `198.51.100.${i}` })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);

      const behindProxy = await buildApp(withConfig(t.hub, { trustProxy: true }));
      try {
        const proxy = freshAddress();
        for (let i = 0; i < 6; i++) {
          const res = await chat(behindProxy, proxy, undefined, { "x-forwarded-for": `198.51.100.${100 + i}` });
          expect(res.statusCode).toBe(200);
        }
      } finally {
        await behindProxy.close();
      }
    });
  });

  describe("Open311", () => {
    const file = (key: string) =>
      app.inject({
        method: "POST",
        url: "/open311/v2/requests.json",
        remoteAddress: freshAddress(),
        payload: { api_key: key, service_code: "other", lat: 30.1, long: 114.2, description: "路面有坑" },
      });

    it("limits filing per api_key, in Open311's error format, burning no ticket number", async () => {
      expect((await file("key-a")).statusCode).toBe(200);
      expect((await file("key-a")).statusCode).toBe(200);
      const tickets = await t.hub.db.prisma.ticket.count();
      const res = await file("key-a");
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(res.json()).toEqual([{ code: 429, description: expect.stringContaining("Too many requests") }]);
      expect(await t.hub.db.prisma.ticket.count()).toBe(tickets);
      expect((await file("key-b")).statusCode).toBe(200);
    });
  });

  it("RATE_LIMIT=off turns every limit off", async () => {
    const unlimited = await buildApp(withConfig(t.hub, { rateLimits: undefined }));
    try {
      const address = freshAddress();
      for (let i = 0; i < 8; i++) expect((await chat(unlimited, address, "one-session")).statusCode).toBe(200);
      for (let i = 0; i < 8; i++) expect((await login(unlimited, address, "bob", "wrong")).statusCode).toBe(401);
      expect((await login(unlimited, address, "bob", PASSWORD)).statusCode).toBe(200);
    } finally {
      await unlimited.close();
    }
  });
});

describe("rate limits while Redis is down", () => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis call fails at once.
    t = await startTestHub("pglite", { env: LIMITS, redisUrl: "redis://127.0.0.1:1" });
    app = await buildApp(t.hub);
    await createStaffAccount(
      t.hub.db.prisma,
      { username: "erin", password: PASSWORD, role: "dispatcher", displayName: "erin" },
      t.hub.cases.knowledge().departments.codes,
    );
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it("fail open: citizens keep being answered and staff can log in", async () => {
    for (let i = 0; i < 8; i++) expect((await chat(app, "192.0.2.1", "same-session")).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login(app, "192.0.2.1", "erin", "wrong")).statusCode).toBe(401);
    expect((await login(app, "192.0.2.1", "erin", PASSWORD)).statusCode).toBe(200);
  });
});

describe("rate limit settings", () => {
  it("are on by default, with the documented limits", () => {
    const config = loadConfig({});
    expect(config.rateLimits).toEqual({
      loginAccount: { max: 5, windowMs: 15 * 60_000 },
      loginIp: { max: 20, windowMs: 15 * 60_000 },
      chatSession: { max: 20, windowMs: 60_000 },
      chatIp: { max: 300, windowMs: 60_000 },
      open311Key: { max: 120, windowMs: 60_000 },
    });
    expect(config.trustProxy).toBe(false);
    expect(loadConfig({ RATE_LIMIT: "off" }).rateLimits).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT_CHAT_IP: "100/30s" }).rateLimits?.chatIp).toEqual({ max: 100, windowMs: 30_000 });
    expect(loadConfig({ RATE_LIMIT_LOGIN_IP: "10/h" }).rateLimits?.loginIp).toEqual({ max: 10, windowMs: 3_600_000 });
  });

  it.each([
    ["true", true],
    ["false", false],
    ["10.0.0.1, 10.0.0.0/8", ["10.0.0.1", "10.0.0.0/8"]],
  ])("TRUST_PROXY=%s", (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    ["RATE_LIMIT", "maybe"],
    ["RATE_LIMIT_CHAT_IP", "lots"],
    ["RATE_LIMIT_CHAT_SESSION", "0/1m"],
    ["RATE_LIMIT_LOGIN_ACCOUNT", "5/15d"],
    ["TRUST_PROXY", "the usual"],
    ["TRUST_PROXY", "2"], // Fastify 5 trusts no bare hop count
  ])("a wrong %s=%s stops the start, naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

function withConfig(hub: Hub, changes: Partial<Hub["config"]>): Hub {
  return { ...hub, config: { ...hub.config, ...changes } };
}
