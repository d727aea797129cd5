// The workbench's browser tests' harness: a hub on PostgreSQL and Redis with its queue
// workers, listening on a free port, and staff accounts; with the browser pieces every
// browser test shares (tests/support/browser.ts): Chromium, pages, logging in, the axe-core
// scan, and where screenshots go (WORKBENCH_SCREENSHOTS=<dir> keeps them).
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { buildApp } from "../../src/build-app.ts";
import { createStaffAccount } from "../../src/staff/accounts.ts";
import { startWorkers, type Workers } from "../../src/start-workers.ts";
import { launchBrowser, logInToWorkbench, newPage, screenshotsDir, seriousViolations } from "./browser.ts";
import { startTestHub, type TestHub, type TestHubOptions } from "./test-env.ts";

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
  const t = await startTestHub("postgresql", hubOptions);
  const app = await buildApp(t.hub);
  const workers: Workers = startWorkers(t.hub);
  const hubUrl = await app.listen({ port: 0, host: "127.0.0.1" });
  const departments = t.hub.cases.knowledge().departments.codes;
  for (const account of accounts)
    await createStaffAccount(t.hub.db.prisma, { ...account, password: PASSWORD }, departments);
  const browser = await launchBrowser();
  const shots = await screenshotsDir("WORKBENCH_SCREENSHOTS");

  return {
    t,
    app,
    hubUrl,
    browser,
    screenshots: shots.dir,
    newPage: (width = 1366, height = 768) => newPage(browser, width, height),
    logIn: (page, username, url = `${hubUrl}/workbench/`) => logInToWorkbench(page, url, username, PASSWORD),
    seriousViolations,
    async close() {
      await browser.close();
      await app.close();
      await workers.close();
      await t.close();
      await shots.remove();
    },
  };
}
