// The department workbench (/workbench/) in a real browser: headless Chromium driven by
// playwright-core against a hub on PostgreSQL and Redis with its queue workers. One
// browser, one hub. Set WORKBENCH_SCREENSHOTS=<dir> to keep the screenshots it takes
// (docs/ has three of them).
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileAndRoute, road } from "./support/cases.ts";
import { eventually, type TestHub } from "./support/test-env.ts";
import { PASSWORD, startWorkbenchBrowser, type WorkbenchBrowser } from "./support/workbench-browser.ts";

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM library).
declare const document: { activeElement: { textContent: string | null; id: string } | null };
declare const sessionStorage: { getItem(key: string): string | null };

const XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)>";

describe("the department workbench in a browser", () => {
  let wb: WorkbenchBrowser;
  let t: TestHub;
  let hubUrl: string;
  let screenshots: string;
  let chatToken: string | undefined;
  const newPage = (width?: number, height?: number) => wb.newPage(width, height);
  const logIn = (page: Page, username: string, url?: string) => wb.logIn(page, username, url);
  const seriousViolations = (page: Page) => wb.seriousViolations(page);

  beforeAll(async () => {
    // Rate limits on (the suites' default is off), with a small login lockout to see it in the page.
    wb = await startWorkbenchBrowser(
      [
        { username: "cg.zhang", role: "staff", departmentCode: "CG", displayName: "张伟" },
        { username: "ga.li", role: "staff", departmentCode: "GA", displayName: "李娜" },
        { username: "dispatcher", role: "dispatcher", displayName: "赵派单" },
        { username: "gj.wang", role: "staff", departmentCode: "GA", displayName: "王刚" },
        { username: "supervisor", role: "supervisor", displayName: "钱督办" },
      ],
      { env: { RATE_LIMIT: "on", RATE_LIMIT_LOGIN_ACCOUNT: "3/15m" } },
    );
    ({ t, hubUrl, screenshots } = wb);
    // A few of the department's tickets, so the inbox looks like a working day's.
    for (const text of [
      `${road()}小区门口垃圾堆了三天没人清运，味道很大`,
      `西湖区${road()}人行道井盖丢了，晚上很危险`,
      `东湖区${road()}有流动摊贩占道经营，行人只能走机动车道`,
    ])
      await fileAndRoute(t.hub, text);
  }, 600_000);

  afterAll(async () => {
    await wb?.close();
  });

  /** The citizen's web chat, over its HTTP API, keeping the session the hub issues. */
  async function chat(text: string): Promise<{ text: string; ticket?: string }> {
    const res = await fetch(`${hubUrl}/api/chat/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(chatToken && { "x-chat-session": chatToken }) },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(200);
    chatToken = res.headers.get("x-chat-session") ?? chatToken;
    const body = (await res.json()) as { replies: { text: string }[]; ticket?: { number: string } };
    return { text: body.replies.map((r) => r.text).join("\n"), ticket: body.ticket?.number };
  }

  it("refuses a wrong password politely, and logs in", async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`${hubUrl}/workbench/`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(screenshots, "workbench-login-desktop.png") });
    await page.getByLabel("用户名").fill("cg.zhang");
    await page.getByLabel("密码").fill("not the password");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("alert").filter({ hasText: "用户名或密码不正确" }).waitFor();
    await page.getByLabel("密码").fill(PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByText("部门工作人员 · ").waitFor();
    expect(await page.getByLabel("当前登录").textContent()).toContain("张伟");
    // The token lives in this tab's sessionStorage, never in a cookie; 退出 ends it on the server too.
    const token = await page.evaluate(() => sessionStorage.getItem("govhub.workbench.token"));
    expect(token).toBeTruthy();
    expect(await context.cookies()).toEqual([]);
    await page.getByRole("button", { name: "退出" }).click();
    await page.getByText("您已安全退出。").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("govhub.workbench.token"))).toBeNull();
    const me = await fetch(`${hubUrl}/api/staff/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("tells a locked-out account when to try again (429)", async () => {
    const { context, page } = await newPage(390, 844);
    await page.goto(`${hubUrl}/workbench/`);
    for (let i = 0; i < 3; i++) {
      await page.getByLabel("用户名").fill("gj.wang");
      await page.getByLabel("密码").fill(`wrong password ${i}`);
      await page.getByRole("button", { name: "登录" }).click();
      await page.getByRole("alert").filter({ hasText: "用户名或密码不正确" }).waitFor();
    }
    await page.getByLabel("密码").fill(PASSWORD); // right, but too late
    await page.getByRole("button", { name: "登录" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: /登录失败次数过多.*分钟后再试/ })
      .waitFor();
    await context.close();
  });

  it("takes a chat complaint from 签收 (keyboard only) to 办结, and the citizen's chat shows the reply", async () => {
    const number = (await chat(`东湖区${road()}路灯坏了一个月没人修，晚上很黑`)).ticket!;
    expect(number).toMatch(/^GD\d{8}-\d{6}$/);
    await eventually(async () => {
      const ticket = await t.hub.db.prisma.ticket.findUnique({ where: { number } });
      return ticket?.status === "assigned" ? ticket : undefined;
    });

    const { context, page, errors } = await newPage();
    await logIn(page, "cg.zhang");
    // The inbox's 待签收 tab lists it (the list refreshes by itself; a reload is not needed).
    const link = page.getByRole("link", { name: number });
    await link.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(screenshots, "workbench-inbox-desktop.png") });
    // Search by number: only that ticket is listed.
    await page.getByLabel("工单号或内容").fill(number);
    await page.getByRole("button", { name: "查询" }).click();
    await page.getByText("待签收：共 1 件").waitFor();
    expect(await page.locator("td.number").allTextContents()).toEqual([number]);
    await link.click();
    await page.getByRole("heading", { name: `工单 ${number}` }).waitFor();
    await page.getByText("来源渠道").waitFor();
    expect(await page.locator(".facts").textContent()).toContain("网页");

    // Keyboard only: Tab to 签收, Enter.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === "签收") break;
    }
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("签收");
    await page.keyboard.press("Enter");
    await page.getByText("已签收。").waitFor();
    expect((await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).status).toBe("accepted");
    // 签收 is gone; the focus went to the ticket's heading, and the next Tab reaches the next step.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("开始办理");

    // 办结 opens a form whose first field, 答复内容, has the focus; Escape cancels it.
    await page.getByRole("button", { name: "办结", exact: true }).click();
    const reply = page.getByLabel("答复内容");
    await reply.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await reply.getAttribute("id"));
    await page.keyboard.press("Escape");
    await reply.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "办结", exact: true }).click();
    await page.getByLabel("答复内容").fill("已安排维修人员更换路灯，现已恢复照明。");
    await page.getByRole("button", { name: "确认办结" }).click();
    await page.getByText("已办结，答复已发送给群众。").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(screenshots, "workbench-ticket-desktop.png"), fullPage: true });
    const history = await page.locator(".history").textContent();
    expect(history).toContain("签收");
    expect(history).toContain("cg.zhang");

    // The citizen asks in the chat and reads the department's reply.
    expect((await chat(`查询工单 ${number}`)).text).toContain("办理结果：已安排维修人员更换路灯，现已恢复照明。");
    expect(errors).toEqual([]);
    await context.close();

    // Another department's staff: not found, at the same URL.
    const other = await newPage(390, 844);
    await logIn(other.page, "ga.li", `${hubUrl}/workbench/tickets/${number}`);
    await other.page.getByText(`未找到工单 ${number}`).waitFor();
    await other.context.close();
  });

  it("labels a suggestion 建言, and its 办结 asks for 采纳意见 before the reply", async () => {
    const { context, page, errors } = await newPage();
    const ticket = await fileAndRoute(t.hub, `建议在东湖区${road()}增设几个垃圾分类投放点`, { kind: "suggestion" });
    expect(ticket.departmentCode).toBe("CG");
    await logIn(page, "cg.zhang", `${hubUrl}/workbench/tickets/${ticket.number}`);
    await page.getByRole("heading", { name: `工单 ${ticket.number}` }).waitFor();
    expect(await page.locator(".ticket-head .kind").textContent()).toBe("建言");
    await page.getByRole("button", { name: "签收", exact: true }).click();
    await page.getByText("已签收。").waitFor();
    await page.getByRole("button", { name: "办结", exact: true }).click();
    const verdict = page.getByRole("group", { name: "采纳意见" });
    await verdict.waitFor();
    expect(
      await verdict.getByRole("radio").evaluateAll((radios) => radios.map((r) => r.parentElement?.textContent?.trim())),
    ).toEqual(["采纳", "部分采纳", "暂不采纳"]);
    await page.getByLabel("答复内容").fill("投放点已列入明年计划，先在小区门口增设一处。");
    // Without a verdict the form is not sent.
    await page.getByRole("button", { name: "确认办结" }).click();
    expect((await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: ticket.number } })).status).toBe(
      "accepted",
    );
    await page.getByLabel("部分采纳").check();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "确认办结" }).click();
    await page.getByText("已办结，答复已发送给群众。").waitFor();
    expect(await page.locator(".facts").textContent()).toContain("采纳意见部分采纳");
    expect(await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: ticket.number } })).toMatchObject({
      status: "resolved",
      verdict: "partially_adopted",
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a new ticket without a reload, its markup as text, and fits a phone", async () => {
    const { context, page, errors } = await newPage(390, 844);
    await logIn(page, "cg.zhang");
    await page.locator("table.tickets, .empty").first().waitFor();
    // Filed while the inbox is open: the next refresh (every 15 s) lists it.
    const ticket = await fileAndRoute(t.hub, `${XSS} 东湖区${road()}路灯不亮`);
    expect(ticket.departmentCode).toBe("CG");
    await page.getByRole("link", { name: ticket.number }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(screenshots, "workbench-phone.png"), fullPage: true });
    await page.getByRole("link", { name: ticket.number }).click();
    const text = page.locator(".citizen-text");
    await text.waitFor();
    expect(await text.textContent()).toContain(XSS);
    expect(await page.locator(".citizen-text img, .citizen-text script").count()).toBe(0);
    // Someone else acts first: 签收 on the stale page gets a 409, and the page shows the ticket as it now is.
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:colleague");
    await page.getByRole("button", { name: "签收" }).click();
    await page.getByText("已为您显示最新内容").waitFor();
    await page.locator(".ticket-head .status", { hasText: "已签收" }).waitFor();
    expect(await page.getByRole("button", { name: "签收" }).count()).toBe(0);
    expect(errors).toEqual([]); // no alert dialog, no script error
    await context.close();
  });

  it("refuses a cross-site form post to an action (no bearer header: 401, nothing changes)", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯不亮`);
    const action = `${hubUrl}/api/staff/tickets/${ticket.number}/actions`;
    // An attacker's page on another origin, with a form that posts by itself.
    const evil = http.createServer((_req, res) =>
      res.setHeader("content-type", "text/html; charset=utf-8").end(`<!doctype html><html><body>
<form id="f" method="POST" action="${action}" enctype="text/plain">
<input name='{"action":"accept","x":"' value='"}'></form>
<script>document.getElementById("f").submit()</script></body></html>`),
    );
    await new Promise<void>((resolve) => evil.listen(0, "localhost", resolve));
    const { context, page } = await newPage();
    await logIn(page, "cg.zhang"); // the victim is logged in in this browser
    const refused = page.waitForResponse((response) => response.url() === action);
    await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
    expect((await refused).status()).toBe(401);
    const after = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect([after.status, after.version]).toEqual([ticket.status, ticket.version]);
    await context.close();
    await new Promise((resolve) => evil.close(resolve));
  });

  it("reassigns the dispatch queue's tickets in bulk (派单中心)", async () => {
    const first = await fileAndRoute(t.hub, `${road()}的事情反映了很久，希望有关部门尽快处理`);
    const second = await fileAndRoute(t.hub, `${road()}的情况反映了很久，希望有关部门尽快处理`);
    expect([first.departmentCode, second.departmentCode]).toEqual(["RX", "RX"]);
    const { context, page, errors } = await newPage();
    await logIn(page, "dispatcher");
    await page.getByRole("link", { name: "派单中心" }).click();
    await page.getByRole("heading", { name: "派单中心" }).waitFor();
    await page.getByRole("checkbox", { name: `选择工单 ${first.number}` }).check();
    await page.getByRole("checkbox", { name: `选择工单 ${second.number}` }).check();
    // The picker lists the catalog's departments (GET /api/staff/departments).
    await page.getByLabel("改派至部门").selectOption("CG");
    await page.getByRole("button", { name: "改派所选 2 件" }).click();
    await page.getByText("已改派 2 件。").waitFor();
    for (const ticket of [first, second]) {
      const now = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
      expect([now.status, now.departmentCode]).toEqual(["assigned", "CG"]);
    }
    await page.getByRole("heading", { name: "并案建议" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("退单 with a reason code, then the dispatcher 改派 to the right department", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯不亮，晚上很黑`);
    expect(ticket.departmentCode).toBe("CG");
    const clerk = await newPage();
    await logIn(clerk.page, "cg.zhang", `${hubUrl}/workbench/tickets/${ticket.number}`);
    await clerk.page.getByRole("heading", { name: `工单 ${ticket.number}` }).waitFor();
    await clerk.page.getByRole("button", { name: "退单", exact: true }).click();
    await clerk.page.getByRole("radio", { name: "属地不符" }).check();
    await clerk.page.getByLabel("退单说明").fill("该路段属于西湖区管辖");
    await clerk.page.getByRole("button", { name: "确认退单" }).click();
    await eventually(async () =>
      (await t.hub.db.prisma.ticket.findUnique({ where: { id: ticket.id } }))?.status === "returned" ? true : undefined,
    );
    const returned = await t.hub.db.prisma.ticketEvent.findFirst({ where: { ticketId: ticket.id, type: "returned" } });
    expect(returned?.data).toMatchObject({ reasonCode: "wrong_area" });
    expect(clerk.errors).toEqual([]);
    await clerk.context.close();

    const dispatch = await newPage();
    await logIn(dispatch.page, "dispatcher", `${hubUrl}/workbench/tickets/${ticket.number}`);
    await dispatch.page.getByRole("button", { name: "改派", exact: true }).click();
    await dispatch.page.getByLabel("改派至部门").selectOption("GA");
    await dispatch.page.getByLabel("改派原因").fill("按属地改派");
    await dispatch.page.getByRole("button", { name: "确认改派" }).click();
    await eventually(async () => {
      const now = await t.hub.db.prisma.ticket.findUnique({ where: { id: ticket.id } });
      return now?.status === "assigned" && now.departmentCode === "GA" ? true : undefined;
    });
    expect(dispatch.errors).toEqual([]);
    await dispatch.context.close();
  });

  it("lets a supervisor 督办 a ticket: on the record, and a notice to the department", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}井盖丢了，很危险`);
    const { context, page, errors } = await newPage();
    await logIn(page, "supervisor", `${hubUrl}/workbench/tickets/${ticket.number}`);
    await page.getByRole("button", { name: "督办", exact: true }).click();
    await page.getByLabel("督办意见").fill("请今天之内到现场处置");
    await page.getByRole("button", { name: "确认督办" }).click();
    const notice = await eventually(
      async () =>
        (await t.hub.db.prisma.staffNotice.findFirst({ where: { ticketId: ticket.id, kind: "supervision" } })) ??
        undefined,
    );
    expect(notice.audience).toBe(`department:${ticket.departmentCode}`);
    expect(notice.text).toContain("请今天之内到现场处置");
    const events = await t.hub.db.prisma.ticketEvent.findMany({ where: { ticketId: ticket.id } });
    expect(events.map((e) => e.type)).toContain("supervised");
    // The history on the page shows it, and so does the 督办 page's record.
    await page.getByText("请今天之内到现场处置").first().waitFor();
    await page.goto(`${hubUrl}/workbench/supervise?view=history`);
    await page.getByRole("link", { name: ticket.number }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("sends an expired session back to the login page", async () => {
    const { context, page } = await newPage();
    await logIn(page, "ga.li");
    // Every first request answered (a later one would meet the expired session before the reload).
    await page.locator("table.tickets, .empty").first().waitFor();
    await page.waitForLoadState("networkidle");
    await t.hub.db.prisma.staffSession.updateMany({
      where: { staff: { username: "ga.li" } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await page.reload();
    await page.getByText("登录已过期，请重新登录").waitFor();
    await page.getByLabel("用户名").waitFor();
    await context.close();
  });

  it("a citizen's web chat complaint, resolved in the workbench, reaches the open chat live and is rated there", async () => {
    // The citizen, on a phone, in the hub's own full-page chat.
    const citizen = await newPage(390, 844);
    await citizen.page.goto(`${hubUrl}/`);
    const input = citizen.page.getByRole("textbox", { name: "输入您的问题" });
    await input.fill(`东湖区${road()}的路灯坏了半个月，晚上黑漆漆的很不安全`);
    await input.press("Enter");
    const number = (await citizen.page.locator(".ticket-number strong").last().textContent({ timeout: 15_000 }))!;
    expect(number).toMatch(/^GD\d{8}-\d{6}$/);
    await eventually(async () => {
      const ticket = await t.hub.db.prisma.ticket.findUnique({ where: { number } });
      return ticket?.status === "assigned" ? ticket : undefined;
    });

    // The department, in the workbench: 签收, then 办结 with a reply.
    const clerk = await newPage();
    await logIn(clerk.page, "cg.zhang", `${hubUrl}/workbench/tickets/${number}`);
    await clerk.page.getByRole("heading", { name: `工单 ${number}` }).waitFor();
    await clerk.page.getByRole("button", { name: "签收", exact: true }).click();
    await clerk.page.getByText("已签收。").waitFor();
    await clerk.page.getByRole("button", { name: "办结", exact: true }).click();
    await clerk.page.getByLabel("答复内容").fill("路灯已于今日修复，感谢您的反映。");
    await clerk.page.getByRole("button", { name: "确认办结" }).click();
    await clerk.page.getByText("已办结，答复已发送给群众。").waitFor();

    // The citizen's chat, never reloaded: the result and the rating request arrive by themselves.
    const result = citizen.page.locator(".msg.bot", { hasText: "路灯已于今日修复" });
    await result.waitFor();
    const five = result.getByRole("button", { name: "5 非常满意" });
    expect(await five.count()).toBe(1);
    await input.fill("5 处理很及时");
    await input.press("Enter");
    await citizen.page.locator(".msg.bot", { hasText: "感谢您的评价" }).waitFor();
    expect(await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).toMatchObject({
      status: "closed",
      rating: 5,
      ratingComment: "处理很及时",
    });
    // The clerk sees the rating on the ticket after a refresh, and its event in the history.
    await clerk.page.reload();
    await clerk.page.getByRole("heading", { name: `工单 ${number}` }).waitFor();
    expect(await clerk.page.locator(".facts").textContent()).toContain("5 分：处理很及时");
    expect(await clerk.page.locator(".history").textContent()).toContain("群众评价");
    expect([...citizen.errors, ...clerk.errors]).toEqual([]);
    await citizen.context.close();
    await clerk.context.close();
  });
});
