// The workbench's admin pages in a real browser (the harness of workbench-browser.test.ts,
// tests/support/workbench-browser.ts), on a temporary copy of intents/: 统计 with its figures'
// links and the CSV and Excel downloads; 常用语 created by an admin and used in a 办结 form;
// staff accounts created, disabled and given a new password; departments and routing rules,
// where a new rule changes where the next complaint goes. Every page gets an axe-core scan
// and a screenshot at 1366×768, the routing page one on a 390×844 phone too.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KPI_EXPORT_HEADERS } from "../src/cases/kpi-export.ts";
import { fileAndRoute, road } from "./support/cases.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import type { TestHub } from "./support/test-env.ts";
import { startWorkbenchBrowser, type WorkbenchBrowser } from "./support/workbench-browser.ts";

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM library).
declare function scrollTo(x: number, y: number): void;

const BIKES = "小区门口堆满了共享单车，人行道都走不了";

describe("the workbench's admin pages in a browser", () => {
  let wb: WorkbenchBrowser;
  let t: TestHub;
  let intents: string;

  beforeAll(async () => {
    intents = await fs.mkdtemp(path.join(os.tmpdir(), "workbench-admin-intents-"));
    await fs.cp(INTENTS_DIR, intents, { recursive: true });
    wb = await startWorkbenchBrowser(
      [
        { username: "admin", role: "admin", displayName: "孙管理" },
        { username: "cg.zhang", role: "staff", departmentCode: "CG", displayName: "张伟" },
      ],
      { env: { INTENTS_DIR: intents } },
    );
    t = wb.t;
    // Tickets of the day: some received, one answered.
    for (const text of [`${road()}小区门口垃圾堆了三天没人清运`, `东湖区${road()}路灯不亮`, `${road()}井盖丢了`])
      await fileAndRoute(t.hub, text);
    const answered = await fileAndRoute(t.hub, `东湖区${road()}的路灯坏了一周`);
    await t.hub.cases.actions.apply({ id: answered.id }, { type: "accept" }, "staff:cg.zhang");
    await t.hub.cases.actions.apply({ id: answered.id }, { type: "resolve", reply: "已修复" }, "staff:cg.zhang");
  }, 600_000);

  afterAll(async () => {
    await wb?.close();
    await fs.rm(intents, { recursive: true, force: true });
  });

  /** A screenshot with the pointer out of the way (no hover highlight where the last click was). */
  const shot = async (page: Page, name: string, fullPage = true) => {
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(wb.screenshots, name), fullPage });
  };
  const admin = async (width?: number, height?: number) => {
    const opened = await wb.newPage(width, height);
    await wb.logIn(opened.page, "admin");
    return opened;
  };

  it("统计: every figure links to its tickets; CSV and Excel downloads arrive and parse", async () => {
    const { context, page, errors } = await admin();
    await page.getByRole("link", { name: "统计" }).click();
    const row = page.locator("table.kpis tbody tr", { hasText: "市城市管理局" });
    await row.waitFor();
    expect(await row.locator("a").count()).toBe(10); // the department, its eight figures and 表扬数
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "workbench-dashboard-desktop.png");

    const csvDownload = page.waitForEvent("download");
    await page.getByRole("button", { name: "导出 CSV" }).click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/^办理情况统计-.*\.csv$/);
    const lines = (await fs.readFile((await csv.path())!, "utf8")).replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe(KPI_EXPORT_HEADERS.join(","));
    expect(lines.some((l) => l.startsWith("市城市管理局"))).toBe(true);

    const xlsxDownload = page.waitForEvent("download");
    await page.getByRole("button", { name: "导出 Excel" }).click();
    const xlsx = await fs.readFile((await (await xlsxDownload).path())!);
    expect(xlsx.subarray(0, 2).toString("latin1")).toBe("PK");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect((workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(KPI_EXPORT_HEADERS);

    // 受理量 opens 全部 for the department and period, with as many tickets; 办结量 the answered ones.
    const [received, resolved] = [row.locator('td[data-label="受理量"] a'), row.locator('td[data-label="办结量"] a')];
    const receivedCount = Number(await received.textContent());
    const resolvedCount = Number(await resolved.textContent());
    expect(receivedCount).toBe(4);
    expect(resolvedCount).toBe(1);
    await received.click();
    await page.getByText(`全部：共 ${receivedCount} 件`).waitFor();
    expect(new URL(page.url()).searchParams.get("department")).toBe("CG");
    await page.getByText("只看：投诉、求助和建言（不含表扬）").waitFor();
    await page.goBack();
    await resolved.click();
    await page.getByText(`全部：共 ${resolvedCount} 件`).waitFor();
    await page.getByText("只看：已办结").waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("常用语: an admin adds one, and a clerk uses it in the 办结 form", async () => {
    const { context, page, errors } = await admin();
    await page.goto(`${wb.hubUrl}/workbench/admin?view=templates`);
    await page.getByRole("button", { name: "添加常用语" }).click();
    await page.getByLabel("标题").fill("路灯已修复");
    await page.getByLabel("答复内容").fill("您反映的路灯问题已安排维修，现已恢复照明。感谢您的监督！");
    await page.getByLabel("适用部门代码").fill("CG");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已添加常用语“路灯已修复”。").waitFor();
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "workbench-templates-desktop.png");
    await context.close();

    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯一直不亮`);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:cg.zhang");
    const clerk = await wb.newPage();
    await wb.logIn(clerk.page, "cg.zhang", `${wb.hubUrl}/workbench/tickets/${ticket.number}`);
    await clerk.page.getByRole("button", { name: "办结" }).click();
    await clerk.page.getByLabel("常用语").selectOption({ label: "路灯已修复" });
    expect(await clerk.page.getByLabel("答复内容").inputValue()).toContain("现已恢复照明");
    await clerk.page.getByRole("button", { name: "确认办结" }).click();
    await clerk.page.locator(".ticket-head .status", { hasText: "待评价" }).waitFor();
    const after = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(after.resolution).toContain("现已恢复照明");
    expect([...errors, ...clerk.errors]).toEqual([]);
    await clerk.context.close();
  });

  it("staff accounts: create one, change its department from a list, disable it, reset its password", async () => {
    const { context, page, errors } = await admin();
    await page.getByRole("link", { name: "管理" }).click();
    await page.getByRole("heading", { name: "工作人员账号" }).waitFor();
    await page.locator("#new-username").fill("sl.chen");
    await page.locator("#new-name").fill("陈静");
    await page.locator("#new-password").fill("a good first password");
    await page.locator("#new-role").selectOption("staff");
    await page.locator("#new-department").selectOption("SL");
    await page.getByRole("button", { name: "创建账号" }).click();
    await page.getByText("已创建账号 sl.chen").waitFor();
    await page.getByRole("row", { name: /sl\.chen/ }).waitFor();
    // 编辑: the department is picked from the list, with the account's own chosen.
    await page.getByRole("button", { name: "编辑 sl.chen" }).click();
    const picker = page.locator("#edit-department");
    // The list comes from the API: until it is there the picker says 正在加载部门….
    await picker.locator('option[value="SL"]').waitFor({ state: "attached" });
    expect(await picker.inputValue()).toBe("SL");
    const offered = await picker.locator("option").allTextContents();
    expect(offered[0]).toBe("不属于部门（全市）");
    expect(offered.some((o) => o.includes("（CG）"))).toBe(true);
    await picker.selectOption("CG");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已保存 sl.chen 的账号信息。").waitFor();
    expect(
      (await t.hub.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "sl.chen" } })).departmentCode,
    ).toBe("CG");
    await page.getByRole("button", { name: "编辑 sl.chen" }).click();
    await page.locator("#edit-department").selectOption("SL");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已保存 sl.chen 的账号信息。").waitFor();

    await page.getByRole("button", { name: "停用 sl.chen" }).click();
    await page.getByText("已停用 sl.chen，其登录已全部退出。").waitFor();
    await page.getByRole("button", { name: "重置密码：sl.chen" }).click();
    await page.getByLabel("新密码").fill("another good password");
    await page.getByRole("button", { name: "重置密码", exact: true }).click();
    await page.getByText("已重置 sl.chen 的密码").waitFor();
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "workbench-accounts-desktop.png");

    const account = await t.hub.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "sl.chen" } });
    expect(account).toMatchObject({ active: false, departmentCode: "SL", role: "staff" });
    const login = (password: string) =>
      fetch(`${wb.hubUrl}/api/staff/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "sl.chen", password }),
      });
    expect((await login("another good password")).status).not.toBe(200); // disabled
    await page.getByRole("button", { name: "启用 sl.chen" }).click();
    await page.getByText("已启用 sl.chen。").waitFor();
    expect((await login("a good first password")).status).toBe(401);
    expect((await login("another good password")).status).toBe(200);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("部门与分派规则: a new department and a new rule, which routes the next complaint", async () => {
    const { context, page, errors } = await admin();
    await page.goto(`${wb.hubUrl}/workbench/admin`);
    await page.getByRole("link", { name: "部门与分派规则" }).click();
    await page.getByRole("heading", { name: "分派规则" }).waitFor();
    await page.getByText("gaoxin-city-appearance").waitFor();

    await page.getByRole("button", { name: "添加部门" }).click();
    await page.getByLabel("部门代码").fill("WG");
    await page.getByLabel("部门名称").fill("市网格化服务管理中心");
    await page.getByLabel("关键词").fill("网格员\n网格长");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已添加部门“市网格化服务管理中心”。").waitFor();
    expect(t.hub.knowledge.current.departments.nameOf("WG")).toBe("市网格化服务管理中心");
    // The pickers elsewhere in the app offer it at once (the department list was fetched again).
    await page.getByRole("link", { name: "账号" }).click();
    await page
      .locator("#new-department option", { hasText: "市网格化服务管理中心（WG）" })
      .waitFor({ state: "attached" });
    await page.getByRole("link", { name: "部门与分派规则" }).click();
    await page.getByRole("heading", { name: "分派规则" }).waitFor();

    // A rule without a condition: the server's reason, in the dialog.
    expect((await fileAndRoute(t.hub, BIKES)).departmentCode).toBe("JT");
    await page.getByRole("button", { name: "添加规则" }).click();
    await page.getByLabel("规则编号").fill("shared-bikes");
    await page.getByLabel("分派到").selectOption("CG");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByRole("alert").filter({ hasText: "规则至少需要一个条件" }).waitFor();
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "workbench-rule-dialog-desktop.png", false);
    await page.getByLabel("关键词").fill("共享单车");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已添加规则 shared-bikes。").waitFor();
    expect((await fileAndRoute(t.hub, BIKES)).departmentCode).toBe("CG");

    const rules = () => t.hub.knowledge.current.caseRules.rules.map((r) => r.id);
    const last = rules().length - 1;
    expect(rules()[last]).toBe("shared-bikes");
    await page.getByRole("button", { name: "上移规则 shared-bikes" }).click();
    await page.getByText("已将规则 shared-bikes 上移。").waitFor();
    expect(rules()[last - 1]).toBe("shared-bikes");

    await page.getByRole("button", { name: "停用 市网格化服务管理中心" }).click();
    await page.getByText("已停用“市网格化服务管理中心”").waitFor();
    expect(t.hub.knowledge.current.departments.codes.has("WG")).toBe(false);
    expect(await wb.seriousViolations(page)).toEqual([]);
    // The page is long (every department, every rule): the first screen, then the rules'.
    await page.evaluate(() => scrollTo(0, 0));
    await shot(page, "workbench-routing-desktop.png", false);
    await page.getByRole("heading", { name: "分派规则" }).evaluate((h) => h.scrollIntoView());
    await shot(page, "workbench-rules-desktop.png", false);
    expect(errors).toEqual([]);
    await context.close();

    const phone = await admin(390, 844);
    await phone.page.goto(`${wb.hubUrl}/workbench/admin?view=routing`);
    await phone.page.getByText("shared-bikes").first().waitFor();
    expect(await wb.seriousViolations(phone.page)).toEqual([]);
    await shot(phone.page, "workbench-routing-phone.png", false);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  }, 120_000);
});
