// Issue 13, the hand-off in real browsers: a citizen in the hub's web chat asks for 人工;
// an agent logged into the workbench sees them waiting on 人工服务, picks up, reads the
// history, replies — and the citizen's chat shows the reply live, without a reload — then
// hands back, and the citizen's next question is answered by the bot again. axe-core on
// the new page; screenshots at 1366×768 and 390×844 (HANDOFF_SCREENSHOTS=<dir> keeps them).
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { createStaffAccount } from "../src/staff/accounts.ts";
import { startWorkers, type Workers } from "../src/start-workers.ts";
import { launchBrowser, logInToWorkbench, newPage, screenshotsDir, seriousViolations } from "./support/browser.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const PASSWORD = "correct horse battery";

// A browser global used inside page.evaluate callbacks (the project compiles without the DOM library).
declare function scrollTo(x: number, y: number): void;

describe("the hand-off to a person in the browser", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let workers: Workers;
  let hubUrl: string;
  let browser: Browser;
  let shots: Awaited<ReturnType<typeof screenshotsDir>>;

  beforeAll(async () => {
    t = await startTestHub("postgresql", { env: { HANDOFF_HOURS: "always", HANDOFF_PICKUP_MINUTES: "10" } });
    app = await buildApp(t.hub);
    workers = startWorkers(t.hub);
    hubUrl = await app.listen({ port: 0, host: "127.0.0.1" });
    await createStaffAccount(
      t.hub.db.prisma,
      { username: "dispatcher", role: "dispatcher", displayName: "赵接线", password: PASSWORD },
      t.hub.cases.knowledge().departments.codes,
    );
    browser = await launchBrowser();
    shots = await screenshotsDir("HANDOFF_SCREENSHOTS");
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await workers?.close();
    await t?.close();
    await shots?.remove();
  });

  const chat = (page: Page) => ({
    input: page.getByRole("textbox", { name: "输入您的问题" }),
    async say(text: string) {
      await this.input.fill(text);
      await this.input.press("Enter");
    },
    botSaying: (text: string | RegExp) => page.locator(".msg.bot:not(.start)", { hasText: text }),
  });

  it("queues 人工, the agent picks up and replies live, hands back, and the bot answers again", async () => {
    // The citizen, in the hub's own full-page chat on a phone.
    const citizen = await newPage(browser, 390, 844);
    await citizen.page.goto(`${hubUrl}/`);
    const widget = chat(citizen.page);
    await widget.input.waitFor();
    await widget.say("人工");
    await widget.botSaying("已为您转接人工客服").waitFor();
    await widget.say("我想问一下新生儿医保怎么办理，我的电话13812345678");
    await widget.botSaying("客服接入后会看到您的消息").waitFor();

    // The agent, at an office PC.
    const agent = await newPage(browser);
    await logInToWorkbench(agent.page, `${hubUrl}/workbench/`, "dispatcher", PASSWORD);
    await agent.page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "人工服务" }).click();
    await agent.page.getByRole("heading", { name: "人工服务", level: 1 }).waitFor();
    const waiting = agent.page.getByRole("region", { name: /等待接入/ });
    const entry = waiting.getByRole("link", { name: /新生儿医保/ });
    await entry.waitFor();
    // Waiting time, and the phone number masked for the dispatch centre.
    expect(await entry.textContent()).toMatch(/已等待 不到 1 分钟/);
    expect(await entry.textContent()).toContain("138****5678");
    expect(await seriousViolations(agent.page)).toEqual([]);

    await entry.click();
    const history = agent.page.getByRole("list", { name: "对话记录" });
    await history.getByText("我想问一下新生儿医保怎么办理，我的电话138****5678").waitFor();
    await agent.page.screenshot({ path: path.join(shots.dir, "handoff-waiting-desktop.png") });
    await agent.page.getByRole("button", { name: "接入", exact: true }).click();
    await agent.page.getByText("已接入，群众已收到提示。").waitFor();
    await widget.botSaying("人工客服已接入").waitFor();
    // Now 我接待中, with the reply box.
    await agent.page
      .getByRole("region", { name: /我接待中/ })
      .getByRole("link", { name: /新生儿医保/ })
      .waitFor();
    await agent.page
      .getByLabel("回复群众")
      .fill("您好，新生儿医保可在“市医保”公众号网上办理，带出生医学证明和户口簿也可到社保大厅办理。");
    await agent.page.getByRole("button", { name: "发送" }).click();
    await agent.page.getByText("已发送。").waitFor();
    await history.getByText(/^您好，新生儿医保/).waitFor();

    // The citizen sees it live, without a reload.
    await widget.botSaying("人工客服：您好，新生儿医保").waitFor();
    await widget.say("好的，谢谢");
    await history.getByText("好的，谢谢").waitFor(); // polled into the agent's view
    expect(await widget.botSaying(/不客气|很高兴/).count()).toBe(0); // the bot kept out of it
    expect(await seriousViolations(agent.page)).toEqual([]);
    await agent.page.evaluate(() => scrollTo(0, 0)); // the click on 发送 scrolled the page
    await agent.page.screenshot({ path: path.join(shots.dir, "handoff-active-desktop.png") });
    await citizen.page.screenshot({ path: path.join(shots.dir, "handoff-citizen-phone.png") });

    // The agent on a phone sees the same page, one column.
    const phone = await newPage(browser, 390, 844);
    await logInToWorkbench(phone.page, `${hubUrl}/workbench/handoff`, "dispatcher", PASSWORD);
    await phone.page
      .getByRole("region", { name: /我接待中/ })
      .getByRole("link", { name: /好的，谢谢/ })
      .click();
    await phone.page.getByLabel("回复群众").waitFor();
    expect(await seriousViolations(phone.page)).toEqual([]);
    await phone.page.screenshot({ path: path.join(shots.dir, "handoff-phone.png"), fullPage: true });
    await phone.context.close();

    // Back to the bot.
    await agent.page.getByRole("button", { name: "转回智能客服" }).click();
    await agent.page.getByText("已转回智能客服。").waitFor();
    await widget.botSaying("已为您转回智能客服").waitFor();
    await widget.say("身份证丢了怎么补办");
    await widget.botSaying("居民身份证补领").waitFor();

    expect(citizen.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
    await citizen.context.close();
    await agent.context.close();
  }, 180_000);
});
