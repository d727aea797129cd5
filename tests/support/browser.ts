// What the browser tests share: Debian's headless Chromium (installed with a Chinese font
// when missing) driven by playwright-core, a screenshots folder kept when its variable
// names one, axe-core's serious and critical findings, and the workbench's login.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { ensureCommand, ensurePackageFile } from "../../src/infra/system-package.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const CHINESE_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM library).
declare const axe: {
  run(): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[] }>;
};

/** Chromium (and the font, without which every character of a screenshot is a box), installed if missing. */
export async function launchBrowser(): Promise<Browser> {
  await ensureCommand(CHROMIUM, "chromium");
  await ensurePackageFile(CHINESE_FONT, "fonts-wqy-microhei");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--lang=zh-CN",
    ],
  });
}

/** The folder named by `variable` (kept), or a temporary one that remove() deletes. */
export async function screenshotsDir(variable: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const kept = process.env[variable];
  const dir = kept ?? (await fs.mkdtemp(path.join(os.tmpdir(), "shots-")));
  await fs.mkdir(dir, { recursive: true });
  return { dir, remove: () => (kept ? Promise.resolve() : fs.rm(dir, { recursive: true, force: true })) };
}

/** A browser context as a member of the public or staff in the city would have it; uncaught page errors collected. */
export async function newPage(
  browser: Browser,
  width = 1366,
  height = 768,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
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
}

let axeSource: string | undefined;

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= await fs.readFile(path.resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js"), "utf8");
  // Through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an inline <script>.
  await page.evaluate(axeSource);
  const { violations } = await page.evaluate(() => axe.run());
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")})`);
}

/** Logs in to the workbench at `url` and waits for the app. */
export async function logInToWorkbench(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByRole("button", { name: "退出" }).waitFor();
}
