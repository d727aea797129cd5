// What the browser fetches before it chats: the widget files, the full page, and the
// CORS answers that let a widget on another site call the citizen-facing API.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

describe("web chat assets and cross-origin access", () => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub("pglite");
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it.each([
    ["/webchat/widget.js", "text/javascript; charset=utf-8", "public, max-age=300"],
    ["/webchat/widget.css", "text/css; charset=utf-8", "public, max-age=300"],
    ["/", "text/html; charset=utf-8", "no-cache"],
  ])("serves %s as %s, cached as %s and revalidated by ETag", async (url, type, cacheControl) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
    expect(res.headers["cache-control"]).toBe(cacheControl);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);

    const unchanged = await app.inject({ url, headers: { "if-none-match": `W/"other", ${etag}` } });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe("");
    const changed = await app.inject({ url, headers: { "if-none-match": '"other"' } });
    expect(changed.statusCode).toBe(200);
  });

  it("builds the full page from the same widget, filling the page", async () => {
    const page = (await app.inject({ url: "/" })).body;
    expect(page).toMatch(/<script src="webchat\/widget\.js" data-mode="page"/);
  });

  it("answers a preflight from another site for the chat API", async () => {
    const res = await app.inject({
      method: "OPTIONS",
      url: "/api/chat/messages",
      headers: {
        origin: "https://www.example.gov.cn",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "content-type",
    });
    expect(res.headers["access-control-allow-methods"]).toContain("POST");
    // The widget sends its session token in a header of its own.
    const withSession = await app.inject({
      method: "OPTIONS",
      url: "/api/chat/messages",
      headers: {
        origin: "https://www.example.gov.cn",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-chat-session",
      },
    });
    expect(withSession.headers["access-control-allow-headers"]).toBe("content-type,x-chat-session");
  });

  it("lets another site read chat answers and ticket status, and nothing else", async () => {
    const origin = { origin: "https://www.example.gov.cn" };
    const chat = await app.inject({
      method: "POST",
      url: "/api/chat/messages",
      headers: origin,
      payload: { text: "你好" },
    });
    expect(chat.headers["access-control-allow-origin"]).toBe("*");
    // The widget reads the session token the hub answers with.
    expect(chat.headers["access-control-expose-headers"]).toBe("x-chat-session");
    const ticket = await app.inject({ url: "/api/tickets/GD20000101-000001", headers: origin });
    expect(ticket.statusCode).toBe(404);
    expect(ticket.headers["access-control-allow-origin"]).toBe("*");
    const readiness = await app.inject({ url: "/readyz", headers: origin });
    expect(readiness.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
