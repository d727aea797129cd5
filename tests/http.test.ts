import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

describe("HTTP API", () => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub("pglite", { env: { BODY_LIMIT: "4096" } });
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const chat = (payload: unknown, session?: string) =>
    app.inject({
      method: "POST",
      url: "/api/chat/messages",
      payload: payload as object,
      headers: session ? { "x-chat-session": session } : {},
    });

  it("answers a web chat question with the public contract", async () => {
    const res = await chat({ text: "身份证丢了怎么办" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      sessionId: res.headers["x-chat-session"],
      understanding: { kind: "service", serviceItem: { name: "居民身份证补领" } },
    });
    expect(body.understanding.serviceItem.code).toMatch(/^[A-Z]+\d+$/);
    expect(body.replies[0]).toMatchObject({ type: "text" });
    expect(body.ticket).toBeUndefined();
  });

  it("issues a session token when the client has none, in the header and the body", async () => {
    const res = await chat({ text: "你好" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-chat-session"]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.json().sessionId).toBe(res.headers["x-chat-session"]);
    expect(res.json().understanding.kind).toBe("greeting");
  });

  it("gives a complaint a ticket the citizen can look up", async () => {
    const res = await chat({ text: "阳光小区门口路灯坏了一个月没人修" });
    const { ticket } = res.json();
    expect(ticket).toMatchObject({ number: expect.stringMatching(/^GD\d{8}-\d{6}$/), status: "submitted" });
    const lookup = await app.inject({ url: `/api/tickets/${ticket.number}` });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toMatchObject({
      number: ticket.number,
      kind: "complaint",
      events: [{ seq: 1, type: "created" }],
    });
  });

  it("answers a retried client message id with the same reply", async () => {
    const first = await chat({ text: "投诉建设路烧烤店油烟太大", messageId: "m-1" });
    const session = first.headers["x-chat-session"] as string;
    const again = await chat({ text: "投诉建设路烧烤店油烟太大", messageId: "m-1" }, session);
    expect(again.headers["x-chat-session"]).toBe(session);
    expect(again.json().ticket).toEqual(first.json().ticket);
  });

  it.each([
    [{ messageId: "m" }, "body.text"],
    [{ text: "" }, "body.text"],
    [{ text: "   " }, "body.text"],
    [{ text: 42 }, "body.text"],
    [{ text: "x".repeat(2001) }, "body.text"],
    [{ text: "hi", messageId: "has spaces" }, "body.messageId"],
    // The session travels in the X-Chat-Session header, never in the body.
    [{ text: "hi", sessionId: "s-1" }, "body"],
  ])("rejects %j with a 400 naming %s", async (payload, field) => {
    const res = await chat(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, field });
    expect(res.json().message).toContain(field);
  });

  it("rejects malformed JSON with a 400", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/chat/messages",
      headers: { "content-type": "application/json" },
      payload: '{"text":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/JSON/i);
  });

  it("rejects an oversized body with a 413", async () => {
    const res = await chat({ text: "长".repeat(3000) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: "Payload Too Large" });
  });

  it("rejects a body that is not a JSON object", async () => {
    const text = await app.inject({
      method: "POST",
      url: "/api/chat/messages",
      headers: { "content-type": "text/plain" },
      payload: "hello",
    });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ field: "body" });
    const xml = await app.inject({
      method: "POST",
      url: "/api/chat/messages",
      headers: { "content-type": "application/xml" },
      payload: "<xml/>",
    });
    expect(xml.statusCode).toBe(415);
  });

  it("says which ticket numbers are malformed and which do not exist", async () => {
    const bad = await app.inject({ url: "/api/tickets/12345" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("params.number");
    const missing = await app.inject({ url: "/api/tickets/GD20000101-000001" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toContain("GD20000101-000001");
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await app.inject({ url: "/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain("/nope");
  });

  it("serves the chat page", async () => {
    const res = await app.inject({ url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.body).toContain('src="webchat/widget.js"');
  });

  it("reports liveness and per-dependency readiness", async () => {
    expect((await app.inject({ url: "/healthz" })).json()).toMatchObject({ status: "ok" });
    const ready = await app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: "ready",
      checks: { database: { ok: true, detail: "pglite" }, migrations: { ok: true }, redis: { ok: true } },
    });
  });
});

describe("readiness when Redis is unreachable", () => {
  it("answers 503 and names the failing dependency", async () => {
    // Nothing listens on port 1.
    const t = await startTestHub("pglite", { redisUrl: "redis://127.0.0.1:1" });
    const app = await buildApp(t.hub);
    try {
      const res = await app.inject({ url: "/readyz" });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: "not_ready",
        checks: { database: { ok: true }, redis: { ok: false } },
      });
      expect(res.json().checks.redis.detail).toBeTruthy();
    } finally {
      await app.close();
      await t.close();
    }
  });
});
