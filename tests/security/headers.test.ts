// Finding 14: security headers. A CSP the chat page works under (no inline script, the
// WebSocket on the same host), nosniff, frame-ancestors from FRAME_ANCESTORS, the widget's
// files loadable by the sites that embed it, and no caching of staff or admin answers.
// (tests/webchat-browser.test.ts drives the page in Chromium under this policy.)
import fs from "node:fs/promises";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/build-app.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { ensureCommand } from "../../src/infra/system-package.ts";
import { startTestHub, type TestHub } from "../support/test-env.ts";

function csp(res: LightMyRequestResponse): Map<string, string> {
  const header = String(res.headers["content-security-policy"] ?? "");
  return new Map(
    header
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(" ")[0]!, d.slice(d.indexOf(" ") + 1)]),
  );
}

describe("security headers", () => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub("pglite");
    app = await buildApp(t.hub);
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it("serves the chat page under a CSP without inline scripts, framed only by the hub itself", async () => {
    const res = await app.inject({ url: "/" });
    expect(res.statusCode).toBe(200);
    const policy = csp(res);
    expect(policy.get("default-src")).toBe("'self'");
    expect(policy.get("script-src")).toBe("'self'");
    expect(policy.get("connect-src")).toBe("'self'"); // covers ws:/wss: on the same host
    expect(policy.get("object-src")).toBe("'none'");
    expect(policy.get("frame-ancestors")).toBe("'self'");
    expect(policy.has("upgrade-insecure-requests")).toBe(false); // plain-HTTP intranet hubs keep working
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("the page has no inline script the policy would block", async () => {
    const html = await fs.readFile(new URL("../../connectors/webchat/public/index.html", import.meta.url), "utf8");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe("");
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
  });

  it("lets other sites load the widget's files", async () => {
    for (const url of ["/webchat/widget.js", "/webchat/widget.css"]) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers["cross-origin-resource-policy"]).toBe("cross-origin");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("sends nosniff on the API too", async () => {
    const res = await app.inject({ method: "POST", url: "/api/chat/messages", payload: { text: "你好" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cross-origin-resource-policy"]).toBe("same-origin");
  });

  it("forbids caching of the staff API and login", async () => {
    const answers = [
      await app.inject({ method: "POST", url: "/api/staff/login", payload: { username: "x", password: "y" } }),
      await app.inject({ method: "POST", url: "/api/staff/login", payload: {} }),
      await app.inject({ url: "/api/staff/me" }),
      await app.inject({ url: "/api/staff/tickets" }),
      await app.inject({ url: "/api/admin/unanswered" }),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.headers["cache-control"]).toBe("no-store");
    }
  });

  it("lets FRAME_ANCESTORS name the sites that may frame the chat page", async () => {
    const config = { ...t.hub.config, frameAncestors: ["'self'", "https://www.example.gov.cn"] };
    const framed = await buildApp({ ...t.hub, config });
    try {
      const res = await framed.inject({ url: "/" });
      expect(csp(res).get("frame-ancestors")).toBe("'self' https://www.example.gov.cn");
      expect(res.headers["x-frame-options"]).toBeUndefined(); // it cannot name another site
    } finally {
      await framed.close();
    }
  });
});

describe("the chat page under its CSP, in Chromium", () => {
  it("loads its script and style, opens its WebSocket, and reports no violation", async () => {
    await ensureCommand("/usr/bin/chromium", "chromium");
    const t = await startTestHub("pglite");
    const app = await buildApp(t.hub);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu"],
    });
    try {
      const hubUrl = await app.listen({ port: 0, host: "127.0.0.1" });
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      const socketOpened = new Promise<string>((resolve) =>
        page.on("websocket", (ws) => ws.on("framereceived", (frame) => resolve(String(frame.payload)))),
      );
      await page.goto(`${hubUrl}/`);
      expect(JSON.parse(await socketOpened)).toEqual(expect.any(Object)); // connect-src let the socket through
      await page.getByRole("textbox", { name: "输入您的问题" }).waitFor({ timeout: 15_000 });
      // The page's own <style> applied (inline styles are allowed; inline scripts are not).
      expect(await page.evaluate("getComputedStyle(document.body).margin")).toBe("0px");
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
      await t.close();
    }
  }, 120_000);
});

describe("FRAME_ANCESTORS", () => {
  it.each([
    [undefined, ["'self'"]],
    ["none", ["'none'"]],
    ["self https://www.example.gov.cn", ["'self'", "https://www.example.gov.cn"]],
    [
      "https://*.example.gov.cn,https://portal.example.cn:8443",
      ["https://*.example.gov.cn", "https://portal.example.cn:8443"],
    ],
  ])("FRAME_ANCESTORS=%s", (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { FRAME_ANCESTORS: value }).frameAncestors).toEqual(expected);
  });

  it.each(["*", "javascript:alert(1)", "none self", "https://a.example.cn; script-src *"])(
    "refuses FRAME_ANCESTORS=%s, naming the variable",
    (value) => {
      expect(() => loadConfig({ FRAME_ANCESTORS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ FRAME_ANCESTORS: value })).toThrow("FRAME_ANCESTORS");
    },
  );
});
