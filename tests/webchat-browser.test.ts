// Web chat in a real browser: headless Chromium (Debian's package) driven by
// playwright-core. A host page on another origin embeds the widget with one <script>
// tag; the hub listens on loopback with PostgreSQL, Redis and the routing worker.
// Set WEBCHAT_SCREENSHOTS=<dir> to keep the screenshots this test takes (docs/ has two).
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionUserId } from "../connectors/webchat/chat-session.ts";
import { conversationIdFor } from "../src/conversation/conversation-id.ts";
import { buildApp } from "../src/build-app.ts";
import { startWorkers, type Workers } from "../src/start-workers.ts";
import { launchBrowser } from "./support/browser.ts";
import { eventually, startTestHub, type TestHub } from "./support/test-env.ts";

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM library).
declare const localStorage: { getItem(key: string): string | null };
declare const axe: { run(): Promise<{ violations: { id: string; help: string; impact: string | null }[] }> };
declare function getComputedStyle(element: unknown): {
  color: string;
  backgroundColor: string;
  fontSize: string;
  fontFamily: string;
};

const SOCKET_ROUTE = /\/api\/chat\/ws/;

/** A government portal that embeds the widget, with CSS that would wreck an unprotected one. */
function hostPage(hubUrl: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>某市人民政府门户网站</title>
<style>
  * { font-family: serif !important; color: green; }
  body { margin: 0; font-size: 30px; }
  div, section, form { border: 3px dashed orange; padding: 9px; }
  button { background: yellow !important; font-size: 40px; }
  input { display: none; }
</style></head>
<body><div><h1>某市人民政府门户网站</h1><p>欢迎访问。</p></div>
<script src="${hubUrl}/webchat/widget.js" data-title="市民热线在线咨询" data-position="right" defer></script>
</body></html>`;
}

describe("web chat in a browser", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let workers: Workers;
  let hubUrl: string;
  let hostServer: http.Server;
  let hostUrl: string;
  let browser: Browser;
  let screenshots: string;

  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    workers = startWorkers(t.hub);
    hubUrl = await app.listen({ port: 0, host: "127.0.0.1" });
    // Another origin (localhost, not 127.0.0.1; another port), as on a real portal.
    hostServer = http.createServer((_req, res) =>
      res.setHeader("content-type", "text/html; charset=utf-8").end(hostPage(hubUrl)),
    );
    await new Promise<void>((resolve) => hostServer.listen(0, "localhost", resolve));
    hostUrl = `http://localhost:${(hostServer.address() as AddressInfo).port}/`;
    browser = await launchBrowser();
    screenshots = process.env.WEBCHAT_SCREENSHOTS ?? (await fs.mkdtemp(path.join(os.tmpdir(), "webchat-shots-")));
    await fs.mkdir(screenshots, { recursive: true });
  }, 600_000); // installing Chromium on a bare machine takes minutes

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => hostServer?.close(resolve));
    await app?.close();
    await workers?.close();
    await t?.close();
    if (!process.env.WEBCHAT_SCREENSHOTS && screenshots) await fs.rm(screenshots, { recursive: true, force: true });
  });

  async function newContext(width = 1280): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 740 : 800 } });
    context.setDefaultTimeout(15_000);
    return context;
  }

  /** Opens the host page; records the chat API calls the widget makes over HTTP (bodies and session headers). */
  async function openPortal(context: BrowserContext, url = hostUrl) {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const posts: string[] = [];
    const postSessions: (string | undefined)[] = [];
    const urls: string[] = [];
    page.on("request", (request) => {
      urls.push(request.url());
      if (request.method() === "POST" && request.url().endsWith("/api/chat/messages")) {
        posts.push(request.postData() ?? "");
        postSessions.push(request.headers()["x-chat-session"]);
      }
    });
    page.on("websocket", (socket) => urls.push(socket.url()));
    await page.goto(url);
    return { page, posts, postSessions, urls, errors };
  }

  /** The conversation of the session the widget keeps (the hub knows it by the token's hash). */
  async function storedConversationId(page: Page): Promise<string> {
    const token = await page.evaluate(() => localStorage.getItem("govhub.webchat.session"));
    return conversationIdFor("webchat", sessionUserId(token!));
  }

  const chat = (page: Page) => ({
    input: page.getByRole("textbox", { name: "输入您的问题" }),
    async open() {
      await page.getByRole("button", { name: "在线咨询" }).click();
      await this.input.waitFor();
    },
    async say(text: string) {
      await this.input.fill(text);
      await this.input.press("Enter");
    },
    // Not the start screen: its buttons may name the same item.
    botSaying: (text: string | RegExp) => page.locator(".msg.bot:not(.start)", { hasText: text }),
    /** A whole guide, shown folded under its title. */
    guide: (title: string) =>
      page.locator(".msg.bot.guide", { has: page.locator(".guide-title", { hasText: new RegExp(`^${title}$`) }) }),
    ticketNumber: () => page.locator(".ticket-number strong").last(),
  });

  it("answers a question and files a complaint over the WebSocket, showing its ticket number", async () => {
    const context = await newContext();
    const { page, posts, errors } = await openPortal(context);
    const widget = chat(page);
    await widget.open();

    await widget.say("身份证丢了怎么办");
    const answer = widget.botSaying("居民身份证补领");
    await answer.waitFor();
    expect(await answer.textContent()).toContain("所需材料");

    await widget.say("阳光小区门口路灯坏了一个月没人修");
    await page.locator(".ticket").waitFor();
    const number = (await widget.ticketNumber().textContent())!;
    expect(number).toMatch(/^GD\d{8}-\d{6}$/);
    expect(await page.locator(".ticket-status").last().textContent()).toBe("状态：已登记，正在分派");
    const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number } });
    expect(ticket.text).toBe("阳光小区门口路灯坏了一个月没人修");

    // The worker assigns it; "查询进度" reads the new status from GET /api/tickets/:number (cross-origin).
    await eventually(async () =>
      (await t.hub.db.prisma.ticket.findUnique({ where: { number } }))?.status === "assigned" ? true : undefined,
    );
    await page.getByRole("button", { name: "查询进度" }).click();
    await page.locator(".ticket-status", { hasText: "已分派，等待部门签收" }).waitFor();
    expect(await page.locator(".ticket-department").textContent()).toMatch(/^承办部门：.+/);

    expect(posts).toEqual([]); // all of it went over the socket
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the department's progress live, catches up after the page was closed, and takes 5 处理很及时 as the rating", async () => {
    const context = await newContext();
    const { page, errors } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    await widget.say("光明路幸福小区门口的井盖丢了，从昨天开始的");
    await page.locator(".ticket").waitFor();
    const number = (await widget.ticketNumber().textContent())!;
    const prisma = t.hub.db.prisma;
    const ticket = await eventually(async () => {
      const found = await prisma.ticket.findUnique({ where: { number } });
      return found?.status === "assigned" ? found : undefined;
    });
    // Live: the notice comes down the open socket, no reload, no question asked.
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:li");
    await widget.botSaying(`工单号 ${number}）已由`).waitFor();

    // The citizen closes the page; the department replies meanwhile.
    await page.close();
    await t.hub.cases.actions.apply(
      { id: ticket.id },
      { type: "resolve", reply: "井盖已补装，感谢您的反映。" },
      "staff:li",
    );
    await eventually(async () =>
      (await prisma.delivery.findFirst({ where: { reason: { contains: `${number}:resolved` }, status: "sent" } }))
        ? true
        : undefined,
    );
    // Back again: what arrived while the page was closed is shown, with the rating buttons.
    const again = await openPortal(context);
    const back = chat(again.page);
    await back.open();
    const resolved = back.botSaying("井盖已补装");
    await resolved.waitFor();
    expect(await resolved.getByRole("button", { name: "5 非常满意" }).count()).toBe(1);
    await back.say("5 处理很及时");
    await back.botSaying("感谢您的评价").waitFor();
    expect(await prisma.ticket.findUniqueOrThrow({ where: { number } })).toMatchObject({
      status: "closed",
      rating: 5,
      ratingComment: "处理很及时",
    });
    expect([...errors, ...again.errors]).toEqual([]);
    await context.close();
  });

  it("keeps the host page's styles out of the widget", async () => {
    const context = await newContext();
    const { page } = await openPortal(context);
    const launcher = page.getByRole("button", { name: "在线咨询" });
    const style = await launcher.evaluate((el) => {
      const css = getComputedStyle(el);
      return { background: css.backgroundColor, fontSize: css.fontSize, fontFamily: css.fontFamily };
    });
    expect(style).toEqual({
      background: "rgb(200, 22, 29)",
      fontSize: "16px",
      fontFamily: expect.not.stringMatching(/^serif$/),
    });
    await chat(page).open();
    expect(await chat(page).input.isVisible()).toBe(true); // the page hides every <input>, but not ours
    await context.close();
  });

  it("shows a typing state while the answer is on its way", async () => {
    const context = await newContext();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Pass frames through, holding back the reply until the typing state has been seen.
    await context.routeWebSocket(SOCKET_ROUTE, (ws) => {
      const server = ws.connectToServer();
      server.onMessage(async (message) => {
        if (JSON.parse(String(message)).type === "reply") await held;
        ws.send(message);
      });
    });
    const { page } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    await widget.say("身份证丢了怎么办");
    const typing = page.locator(".typing");
    await typing.waitFor({ state: "visible" });
    expect(await typing.getAttribute("aria-label")).toBe("正在回复");
    release();
    await widget.botSaying("居民身份证补领").waitFor();
    await typing.waitFor({ state: "hidden" });
    await context.close();
  });

  it("keeps the session and the conversation across a reload", async () => {
    const context = await newContext();
    const { page, urls } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    await widget.say("你好");
    await widget.botSaying("您好").first().waitFor(); // the answer (the start screen is not counted)
    // Issued by the hub: 128 random bits.
    const sessionId = await page.evaluate(() => localStorage.getItem("govhub.webchat.session"));
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    await page.reload();
    await widget.input.waitFor(); // the panel stays open
    expect(await page.locator(".msg.me", { hasText: "你好" }).count()).toBe(1);
    await widget.say("身份证丢了怎么办");
    await widget.botSaying("居民身份证补领").waitFor();
    expect(await page.evaluate(() => localStorage.getItem("govhub.webchat.session"))).toBe(sessionId);
    // The token never travelled in a URL (socket or request).
    expect(urls.filter((url) => url.includes(sessionId!))).toEqual([]);

    // The hub recorded both messages in one conversation.
    const messages = await t.hub.db.prisma.message.findMany({
      where: { conversationId: await storedConversationId(page) },
      orderBy: { createdAt: "asc" },
    });
    expect(messages.map((m) => m.text)).toEqual(["你好", "身份证丢了怎么办"]);
    await context.close();
  });

  it("switches to the elder-friendly mode and remembers it", async () => {
    const context = await newContext();
    const { page } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    const toggle = page.getByRole("button", { name: "长辈模式" });
    const fontSize = () => widget.input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    const normal = await fontSize();

    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    expect(await fontSize()).toBeGreaterThanOrEqual(normal * 1.25);
    expect(await page.locator(".root").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(0, 0, 0)");

    await page.reload();
    await widget.input.waitFor();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await toggle.click();
    expect(await fontSize()).toBe(normal);
    await context.close();
  });

  it("uses the HTTP API when the WebSocket cannot connect", async () => {
    const context = await newContext();
    await context.routeWebSocket(SOCKET_ROUTE, (ws) => ws.close({ code: 1011, reason: "blocked by the test" }));
    const { page, posts, postSessions } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    await widget.say("身份证丢了怎么办");
    await widget.botSaying("居民身份证补领").waitFor();
    await widget.say("阳光小区门口路灯坏了一个月没人修");
    await page.locator(".ticket").waitFor();
    expect(await widget.ticketNumber().textContent()).toMatch(/^GD\d{8}-\d{6}$/);
    expect(posts.map((body) => JSON.parse(body).text)).toEqual([
      "身份证丢了怎么办",
      "阳光小区门口路灯坏了一个月没人修",
    ]);
    // The first message had no session; the second carried, in its header, the one the first was given.
    expect(postSessions[0]).toBeUndefined();
    expect(postSessions[1]).toBe(await page.evaluate(() => localStorage.getItem("govhub.webchat.session")));
    await context.close();
  });

  it("tells the citizen when neither transport gets through", async () => {
    const context = await newContext();
    await context.routeWebSocket(SOCKET_ROUTE, (ws) => ws.close({ code: 1011 }));
    await context.route("**/api/chat/messages", (route) => route.abort("internetdisconnected"));
    const { page } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    await widget.say("身份证丢了怎么办");
    await page.locator(".msg.notice", { hasText: "网络好像断开了" }).waitFor();
    expect(await page.locator(".typing").isVisible()).toBe(false);
    await context.close();
  });

  it("resends over HTTP, under the same message id, what the socket took before it dropped", async () => {
    const context = await newContext();
    const frames: { messageId: string }[] = [];
    await context.routeWebSocket(SOCKET_ROUTE, (ws) => {
      const server = ws.connectToServer();
      // The first message reaches the hub, then the connection drops before the answer comes back.
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message));
        if (frame.type === "message") frames.push(frame); // not the hello
        server.send(message);
      });
      server.onMessage((message) => {
        if (JSON.parse(String(message)).type === "reply" && frames.length === 1) void ws.close({ code: 1006 });
        else ws.send(message);
      });
    });
    const { page, posts } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    await widget.say("投诉建设路楼下烧烤店油烟太大，晚上十二点还在营业");
    await page.locator(".ticket").waitFor();
    const number = await widget.ticketNumber().textContent();

    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!).messageId).toBe(frames[0]!.messageId);
    // The hub filed one ticket and answered the resend from its record.
    const token = await page.evaluate(() => localStorage.getItem("govhub.webchat.session"));
    const tickets = await t.hub.db.prisma.ticket.findMany({ where: { channelUserId: sessionUserId(token!) } });
    expect(tickets.map((ticket) => ticket.number)).toEqual([number]);
    await context.close();
  });

  it("offers the dialogue's clarifying options as buttons, and answers the one clicked", async () => {
    const context = await newContext();
    const { page, errors } = await openPortal(context);
    const widget = chat(page);
    await widget.open();
    // Too short to tell which service is meant: the hub asks, with numbered options.
    await widget.say("社保卡");
    const question = widget.botSaying("您想问的是哪一项");
    await question.waitFor();
    const buttons = question.locator(".quick button");
    const labels = await buttons.allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(2);
    labels.forEach((label, i) => expect(label).toMatch(new RegExp(`^${i + 1}\\. \\S`)));
    const chosen = labels[1]!.replace(/^2\. /, "");

    await buttons.nth(1).click();
    const answer = widget.guide(chosen);
    await answer.waitFor();
    expect(await answer.textContent()).toContain("所需材料");
    expect(await page.locator(".msg.me").allTextContents()).toEqual(["社保卡", labels[1]]);
    expect(await buttons.nth(0).isDisabled()).toBe(true); // a later answer retires the old options

    // The button sent the option's number; the hub read it as a pick of the item it had offered.
    const sent = await t.hub.db.prisma.message.findMany({
      where: { conversationId: await storedConversationId(page) },
      orderBy: { createdAt: "asc" },
    });
    expect(sent.map((m) => m.text)).toEqual(["社保卡", "2"]);
    const options = (sent[0]!.outcome as { understanding: { decision: string; options: { name: string }[] } })
      .understanding;
    expect(options.decision).toBe("clarify");
    expect(options.options.map((o, i) => `${i + 1}. ${o.name}`)).toEqual(labels);
    expect((sent[1]!.outcome as { understanding: unknown }).understanding).toMatchObject({
      decision: "answer",
      serviceItem: { name: chosen },
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it.each([
    ["phone", 375],
    ["desktop", 1280],
  ])("fits a %s screen (%i px)", async (name, width) => {
    const context = await newContext(width);
    const { page } = await openPortal(context);
    await page.screenshot({ path: path.join(screenshots, `webchat-${name}-closed.png`) });
    const widget = chat(page);
    await widget.open();
    await widget.say("身份证丢了怎么办");
    await widget.botSaying("居民身份证补领").waitFor();
    await widget.say("阳光小区门口路灯坏了一个月没人修");
    await page.locator(".ticket").waitFor();
    await page.screenshot({ path: path.join(screenshots, `webchat-${name}.png`) });

    const panel = (await page.locator(".panel").boundingBox())!;
    const viewport = page.viewportSize()!;
    if (width < 600) expect(panel).toEqual({ x: 0, y: 0, width: viewport.width, height: viewport.height });
    else expect(panel.x + panel.width).toBeLessThanOrEqual(viewport.width - 10);
    const send = (await page.getByRole("button", { name: "发送" }).boundingBox())!;
    expect(send.x + send.width).toBeLessThanOrEqual(viewport.width);
    expect(send.y + send.height).toBeLessThanOrEqual(viewport.height);
    // Long answers wrap inside the panel instead of scrolling sideways.
    expect(await page.locator(".scroller").evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

    await page.getByRole("button", { name: "长辈模式" }).click();
    await page.screenshot({ path: path.join(screenshots, `webchat-${name}-elder.png`) });
    expect(await page.locator(".scroller").evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await context.close();
  });

  it("on a phone in elder mode, shows a long answer from its title, sections folded, its web address a link", async () => {
    const context = await newContext(375);
    const { page, errors } = await openPortal(context, `${hubUrl}/`);
    const widget = chat(page);
    await widget.input.waitFor();
    await page.getByRole("button", { name: "长辈模式" }).click();
    expect(await page.getByRole("heading", { level: 1, name: "政务服务智能助手" }).count()).toBe(1);
    await widget.say("驾照快到期了怎么换");
    const answer = widget.guide("机动车驾驶证换证");
    await answer.waitFor();
    const item = t.hub.knowledge.current.catalog.items.find((i) => i.name === "机动车驾驶证换证")!;
    // Title and summary first; every section folded under a name a finger can hit.
    expect(await answer.locator(".guide-summary").textContent()).toContain(item.timeLimit.split(/[；;。]/)[0]);
    const names = await answer.locator("summary").allTextContents();
    expect(names).toEqual(["所需材料", "办理流程", "办理时限", "收费标准", "办理地点", "网上办理"]);
    const material = answer.getByText(item.materials[0]!.name, { exact: false }).first();
    expect(await material.isVisible()).toBe(false);
    for (const summary of await answer.locator("summary").all())
      expect((await summary.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: path.join(screenshots, "webchat-phone-elder-answer.png") });
    // The answer's first line is in view, not scrolled past to its end.
    const view = (await page.locator(".scroller").boundingBox())!;
    const box = (await answer.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(view.y - 1);
    expect(box.y).toBeLessThan(view.y + view.height / 2);
    // A tap opens a section; the keyboard opens another.
    await answer.locator("summary", { hasText: "所需材料" }).click();
    expect(await material.isVisible()).toBe(true);
    await answer.locator("summary", { hasText: "网上办理" }).focus();
    await page.keyboard.press("Enter");
    const link = answer.getByRole("link", { name: /^https:\/\/zwfw\.example\.gov\.cn\// });
    await link.waitFor();
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toContain("noopener");
    await page.screenshot({ path: path.join(screenshots, "webchat-phone-elder-answer-open.png") });
    // Buttons a finger can hit.
    const toggle = (await page.getByRole("button", { name: "长辈模式" }).boundingBox())!;
    expect(toggle.height).toBeGreaterThanOrEqual(44);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("offers the most asked items on the empty start screen, and answers the one tapped", async () => {
    const context = await newContext(375);
    const { page, errors } = await openPortal(context, `${hubUrl}/`);
    const widget = chat(page);
    await widget.input.waitFor();
    const start = page.locator(".msg.bot.start");
    await start.getByRole("button").first().waitFor();
    const offered = await start.getByRole("button").allTextContents();
    await page.screenshot({ path: path.join(screenshots, "webchat-start-phone.png") });
    expect(offered.length).toBeGreaterThanOrEqual(3);
    const items = t.hub.knowledge.current.catalog.items.map((item) => item.name);
    for (const name of offered) expect(items).toContain(name);
    await start.getByRole("button", { name: offered[0]! }).click();
    await widget.guide(offered[0]!).waitFor();
    // axe-core (through page.evaluate: the CSP refuses an inline script tag) finds nothing serious.
    await page.evaluate(
      await fs.readFile(path.resolve(import.meta.dirname, "../node_modules/axe-core/axe.min.js"), "utf8"),
    );
    const { violations } = await page.evaluate(() => axe.run());
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`),
    ).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("serves the same widget as the hub's own full-page chat", async () => {
    const context = await newContext(375);
    const { page, errors } = await openPortal(context, `${hubUrl}/`);
    const widget = chat(page);
    await widget.input.waitFor(); // open from the start, no floating button
    expect(await page.getByRole("button", { name: "在线咨询" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "关闭" }).count()).toBe(0);
    await widget.say("身份证丢了怎么办");
    await widget.botSaying("居民身份证补领").waitFor();
    await page.screenshot({ path: path.join(screenshots, "webchat-page-phone.png") });
    expect(errors).toEqual([]);
    await context.close();
  });
});
