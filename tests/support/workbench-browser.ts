// The workbench's browser tests' harness: a hub on PostgreSQL and Redis with its queue
// workers, listening on a free port; staff accounts; headless Chromium (playwright-core,
// Debian's chromium and a Chinese font, installed when missing); pages at a size, with
// script errors and unexpected dialogs recorded; logging in; the axe-core scan; where
// screenshots go (WORKBENCH_SCREENSHOTS=<dir> keeps them, else a temporary directory).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { buildApp } from "../../src/build-app.ts";
import { ensureCommand, ensurePackageFile } from "../../src/infra/system-package.ts";
import { createStaffAccount } from "../../src/staff/accounts.ts";
import { startWorkers, type Workers } from "../../src/start-workers.ts";
import { startTestHub, type TestHub, type TestHubOptions } from "./test-env.ts";

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM library).
declare const axe: {
  run(): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[] }>;
};

const CHROMIUM = "/usr/bin/chromium";
const CHINESE_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
export const PASSWORD = "correct horse battery";

export interface StaffAccountSpec {
  username: string;
  role: string;
  departmentCode?: string;
  displayName: string;
}

export interface WorkbenchBrowser {
  t: TestHub;
  app: FastifyInstance;
  hubUrl: string;
  browser: Browser;
  /** Where screenshots go. */
  screenshots: string;
  /** A fresh browser context and page at this viewport (zh-CN, Asia/Shanghai). */
  newPage(width?: number, height?: number): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  logIn(page: Page, username: string, url?: string): Promise<void>;
  /** axe-core's serious and critical violations on the page as it is now. */
  seriousViolations(page: Page): Promise<string[]>;
  close(): Promise<void>;
}

export async function startWorkbenchBrowser(
  accounts: StaffAccountSpec[],
  hubOptions: Omit<TestHubOptions, "workers"> = {},
): Promise<WorkbenchBrowser> {
  await ensureCommand(CHROMIUM, "chromium");
  await ensurePackageFile(CHINESE_FONT, "fonts-wqy-microhei");
  const t = await startTestHub("postgresql", hubOptions);
  const app = await buildApp(t.hub);
  const workers: Workers = startWorkers(t.hub);
  const hubUrl = await app.listen({ port: 0, host: "127.0.0.1" });
  const departments = t.hub.cases.knowledge().departments.codes;
  for (const account of accounts)
    await createStaffAccount(t.hub.db.prisma, { ...account, password: PASSWORD }, departments);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--lang=zh-CN",
    ],
  });
  const screenshots =
    process.env.WORKBENCH_SCREENSHOTS ?? (await fs.mkdtemp(path.join(os.tmpdir(), "workbench-shots-")));
  await fs.mkdir(screenshots, { recursive: true });
  const axeSource = await fs.readFile(
    path.resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js"),
    "utf8",
  );

  return {
    t,
    app,
    hubUrl,
    browser,
    screenshots,
    async newPage(width = 1366, height = 768) {
      const context = await browser.newContext({
        viewport: { width, height },
        locale: "zh-CN",
        timezoneId: "Asia/Shanghai",
      });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("dialog", (dialog) => {
        errors.push(`a dialog opened: ${dialog.message()}`);
        void dialog.dismiss();
      });
      return { context, page, errors };
    },
    async logIn(page, username, url = `${hubUrl}/workbench/`) {
      await page.goto(url);
      await page.getByLabel("用户名").fill(username);
      await page.getByLabel("密码").fill(PASSWORD);
      await page.getByRole("button", { name: "登录" }).click();
      await page.getByRole("button", { name: "退出" }).waitFor();
    },
    async seriousViolations(page) {
      // Through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an inline <script>.
      await page.evaluate(axeSource);
      const { violations } = await page.evaluate(() => axe.run());
      return violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")})`);
    },
    async close() {
      await browser.close();
      await app.close();
      await workers.close();
      await t.close();
      if (!process.env.WORKBENCH_SCREENSHOTS) await fs.rm(screenshots, { recursive: true, force: true });
    },
  };
}
