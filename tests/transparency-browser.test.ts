// The public transparency page in a real browser (headless Chromium through playwright-core,
// as tests/webchat-browser.test.ts): it shows the seeded figures at desktop and phone width,
// logs no error and no CSP violation, and axe-core finds no serious or critical problem.
// Set TRANSPARENCY_SCREENSHOTS=<dir> to keep the screenshots (docs/ has both).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { startOfLocalDay } from "../src/calendar/zoned-days.ts";
import { monthWindow } from "../src/cases/transparency-stats.ts";
import { ensureCommand, ensurePackageFile } from "../src/infra/system-package.ts";
import { type SeedTicket, seedTickets } from "./support/ticket-seed.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM library).
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
declare const axe: { run(): Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> };

const CHROMIUM = "/usr/bin/chromium";
const CHINESE_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
const ZONE = "Asia/Shanghai";

/** Departments with a weight each; 生态环境局 stays below the minimum most months (其他). */
const DEPARTMENTS: [code: string, categories: string[], weight: number][] = [
  ["CG", ["street-light", "garbage", "illegal-construction", "manhole"], 40],
  ["ZJ", ["property-management", "construction-noise", "heating"], 26],
  ["GA", ["neighbourhood-noise", "illegal-parking"], 18],
  ["RS", ["wage-arrears"], 12],
  ["SJ", ["food-safety", "consumer-rights"], 10],
  ["HJ", ["pollution"], 3],
];

/** A small deterministic generator, so the screenshots are the same on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function seedYear(now: Date): { tickets: SeedTicket[]; latestReceived: number } {
  const next = random(20261207);
  const tickets: SeedTicket[] = [];
  const months = monthWindow(now, ZONE, 12);
  let latestReceived = 0;
  months.forEach((month, index) => {
    const start = startOfLocalDay(`${month}-01`, ZONE).getTime();
    const latest = index === months.length - 1;
    // The current month has only begun: its tickets fall between its first day and now.
    const span = latest ? Math.max(60_000, now.getTime() - start - 60_000) : 27 * 24 * 3600_000;
    const season = latest ? 0.3 : 1 + 0.25 * Math.sin(index / 2);
    for (const [code, categories, weight] of DEPARTMENTS) {
      const count = Math.round(weight * season * (0.8 + 0.4 * next()));
      for (let i = 0; i < count; i++) {
        const createdAt = new Date(start + Math.floor(next() * span));
        const done = next() < (latest ? 0.6 : 0.93);
        const rated = done && next() < 0.7;
        tickets.push({
          createdAt,
          departmentCode: code,
          category: categories[Math.floor(next() * categories.length)]!,
          text: "市民张三反映情况，联系电话13812345678",
          resolvedAt: done ? new Date(createdAt.getTime() + 3600_000) : null,
          resolvedOnTime: done ? next() < 0.9 : null,
          rating: rated ? [5, 5, 5, 4, 4, 3, 2][Math.floor(next() * 7)]! : null,
        });
        if (latest) latestReceived++;
      }
    }
  });
  return { tickets, latestReceived };
}

describe("the transparency page in a browser", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let screenshots: string;
  let latestReceived: number;

  beforeAll(async () => {
    await ensureCommand(CHROMIUM, "chromium");
    await ensurePackageFile(CHINESE_FONT, "fonts-wqy-microhei");
    t = await startTestHub("postgresql");
    const seeded = seedYear(new Date());
    latestReceived = seeded.latestReceived;
    await seedTickets(t.hub.db.prisma, seeded.tickets);
    app = await buildApp(t.hub);
    url = `${await app.listen({ port: 0, host: "127.0.0.1" })}/transparency`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
    screenshots =
      process.env.TRANSPARENCY_SCREENSHOTS ?? (await fs.mkdtemp(path.join(os.tmpdir(), "transparency-shots-")));
    await fs.mkdir(screenshots, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
    if (!process.env.TRANSPARENCY_SCREENSHOTS && screenshots)
      await fs.rm(screenshots, { recursive: true, force: true });
  });

  /** Opens the page; collects console errors (CSP violations are reported there), page errors and other origins asked. */
  async function open(width: number, height: number) {
    const context = await browser.newContext({ viewport: { width, height }, locale: "zh-CN" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on("request", (request) => {
      if (!request.url().startsWith(new URL(url).origin)) foreign.push(request.url());
    });
    await page.goto(url);
    await page.locator("#content").waitFor({ state: "visible" });
    await page.locator("#trend-chart canvas").waitFor();
    return { context, page, problems, foreign };
  }

  async function axeViolations(page: Page) {
    const source = await fs.readFile(path.join("node_modules", "axe-core", "axe.min.js"), "utf8");
    // Not page.addScriptTag({content}): an inline <script> is exactly what the page's CSP
    // refuses (and must). Evaluated through the DevTools protocol, axe runs without loosening it.
    await page.evaluate(source);
    const { violations } = await page.evaluate(() => axe.run());
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} ×${v.nodes.length}`);
  }

  it("shows the latest month's figures, the trend and the department table at 1366×768", async () => {
    const { context, page, problems, foreign } = await open(1366, 768);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("12345 热线办理情况公开");
    const received = page.locator(".card", { hasText: "受理量" }).locator("dd");
    expect(await received.textContent()).toBe(`${latestReceived.toLocaleString("zh-CN")} 件`);
    const table = page.getByRole("table", { name: /各部门办理情况/ });
    const headers = await table.locator("thead th").allTextContents();
    expect(headers).toEqual(["承办部门", "受理量", "办结量", "按时办结率", "满意率"]);
    const rowNames = await table.locator("tbody th").allTextContents();
    expect(rowNames[0]).toBe("市城市管理局（城市管理综合行政执法局）");
    expect(rowNames).not.toContain("市生态环境局"); // 3 or so a month: folded into 其他
    expect(rowNames.at(-1)).toBe("其他");
    expect(await page.locator("#categories li").count()).toBeGreaterThan(1);
    expect(await page.locator("#trend-rows tr").count()).toBe(12);

    // Another month, chosen from the list, fills the same table.
    const options = await page.locator("#month option").allTextContents();
    await page.getByLabel("统计月份").selectOption({ label: options[1]! });
    await expect.poll(() => page.locator("#summary-title").textContent()).toBe(`${options[1]}概况`);
    // The last full month makes the better picture: the current one has only begun.
    await page.screenshot({ path: path.join(screenshots, "transparency-desktop.png"), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it("fits a phone (390×844) without sideways scrolling of the page", async () => {
    const { context, page, problems } = await open(390, 844);
    const width = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(width.scroll).toBeLessThanOrEqual(width.client);
    const chart = (await page.locator("#trend-chart").boundingBox())!;
    expect(chart.width).toBeGreaterThan(300);
    // The department table fits too: its last column is on screen.
    const lastHeader = (await page.getByRole("columnheader", { name: "满意率" }).last().boundingBox())!;
    expect(lastHeader.x + lastHeader.width).toBeLessThanOrEqual(390);
    const options = await page.locator("#month option").allTextContents();
    await page.getByLabel("统计月份").selectOption({ label: options[1]! });
    await expect.poll(() => page.locator("#summary-title").textContent()).toBe(`${options[1]}概况`);
    await page.screenshot({ path: path.join(screenshots, "transparency-phone.png"), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
