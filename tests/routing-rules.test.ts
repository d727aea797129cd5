// The routing rules table (intents/routing-rules.yaml): validation, matching, the
// dispatcher queue, and manual reassignment on the record.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CatalogError } from "../src/knowledge/load-catalog.ts";
import { loadCaseRules } from "../src/knowledge/load-case-rules.ts";
import { loadKnowledge } from "../src/knowledge/knowledge.ts";
import { RuleRouter } from "../src/routing/rule-router.ts";
import { DepartmentRouter } from "../src/routing/department-router.ts";
import { eventsOf, fileAndRoute, road } from "./support/cases.ts";
import { INTENTS_DIR, shippedCatalog } from "./support/catalog.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

describe("routing rules data", () => {
  it("loads the shipped rules, categories and calendar", async () => {
    const rules = await loadCaseRules(INTENTS_DIR, await shippedCatalog());
    expect(rules.categories.length).toBeGreaterThanOrEqual(10);
    expect(rules.rules.length).toBeGreaterThanOrEqual(10);
    expect(rules.districts).toContain("高新区");
  });

  it("loads them with the catalog, departments, menu and calendar as one snapshot", async () => {
    const knowledge = await loadKnowledge(INTENTS_DIR, { timeZone: "Asia/Shanghai" });
    expect(knowledge.version).toBe(1);
    expect(knowledge.caseRules.rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of knowledge.caseRules.rules)
      expect(knowledge.departments.codes, rule.id).toContain(rule.department);
    expect(knowledge.departments.codes).toContain(knowledge.departments.dispatcher);
    expect(knowledge.departments.nameOf("CG")).toBe(knowledge.catalog.departments.find((d) => d.code === "CG")!.name);
    expect(knowledge.menu.itemCodes().length).toBeGreaterThan(0);
    expect(knowledge.calendar.timeZone).toBe("Asia/Shanghai");
  });

  async function withEdited(file: string, edit: (text: string) => string, fn: (dir: string) => Promise<void>) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "intents-"));
    await fs.cp(INTENTS_DIR, dir, { recursive: true });
    await fs.writeFile(path.join(dir, file), edit(await fs.readFile(path.join(dir, file), "utf8")));
    try {
      await fn(dir);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  it("names the file and field of a rule that points nowhere", async () => {
    await withEdited(
      "routing-rules.yaml",
      (t) => t.replace("department: SL", "department: NOPE").replace("categories: [heating]", "categories: [heat]"),
      async (dir) => {
        const error = await loadCaseRules(dir, await shippedCatalog()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CatalogError);
        const problems = (error as CatalogError).problems;
        expect(problems).toContainEqual(
          expect.stringMatching(
            /routing-rules\.yaml: rules\.\d+ \(water-supply\): department: "NOPE" is not in departments\.yaml/,
          ),
        );
        expect(problems).toContainEqual(
          expect.stringMatching(/rules\.\d+ \(heating\): categories: "heat" is not in case-categories\.yaml/),
        );
      },
    );
  });

  it("refuses a rule without conditions and a deadline without a unit", async () => {
    await withEdited(
      "routing-rules.yaml",
      (t) =>
        t.replace(
          "  - id: manhole\n    department: CG\n    categories: [manhole]",
          "  - id: manhole\n    department: CG",
        ),
      async (dir) => {
        const error = (await loadCaseRules(dir, await shippedCatalog()).catch((e: unknown) => e)) as CatalogError;
        expect(error.problems).toContainEqual(
          expect.stringMatching(/routing-rules\.yaml: rules\.\d+: needs at least one condition/),
        );
      },
    );
    await withEdited(
      "case-categories.yaml",
      (t) => t.replace("deadline: { hours: 24 }", "deadline: { days: 1 }"),
      async (dir) => {
        const error = (await loadCaseRules(dir, await shippedCatalog()).catch((e: unknown) => e)) as CatalogError;
        expect(error.problems.join("\n")).toMatch(/case-categories\.yaml: categories\.\d+\.deadline/);
      },
    );
  });

  it("refuses a calendar date outside its year", async () => {
    await withEdited(
      "calendar.yaml",
      () => 'years:\n  "2027":\n    holidays: [2026-10-01]\n',
      async (dir) => {
        const error = (await loadCaseRules(dir, await shippedCatalog()).catch((e: unknown) => e)) as CatalogError;
        expect(error.problems).toContain(
          'calendar.yaml: years.2027.holidays.0: "2026-10-01" is not a valid date in 2027',
        );
      },
    );
  });
});

describe("rule router", () => {
  let router: RuleRouter;
  beforeAll(async () => {
    const catalog = await shippedCatalog();
    const rules = await loadCaseRules(INTENTS_DIR, catalog);
    router = new RuleRouter(
      rules.rules,
      rules.categories,
      rules.districts,
      new DepartmentRouter(catalog.departments, catalog.dispatcher),
      catalog.dispatcher,
    );
  });

  it("routes by category found in the words", () => {
    expect(router.route({ text: "小区门口的路灯坏了" })).toMatchObject({
      departmentCode: "CG",
      rule: "rule",
      evidence: "street-light",
      category: "street-light",
    });
  });

  it("prefers the more specific rule: a district's own office", () => {
    expect(router.route({ text: "高新区科技园路灯坏了" })).toMatchObject({
      departmentCode: "GXQ",
      evidence: "gaoxin-city-appearance",
      district: "高新区",
    });
    expect(router.route({ text: "路灯坏了", address: "高新区科技大道1号" })).toMatchObject({
      departmentCode: "GXQ",
      district: "高新区",
    });
  });

  it("routes by keywords and by a category given at intake", () => {
    expect(router.route({ text: "工厂噪音吵得睡不着" })).toMatchObject({
      departmentCode: "HJ",
      evidence: "factory-noise",
    });
    expect(router.route({ text: "这里有个问题", category: "water-supply" })).toMatchObject({
      departmentCode: "SL",
      category: "water-supply",
    });
  });

  it("falls back to the departments' own keywords and domains, then the dispatcher", () => {
    expect(router.route({ text: "医院挂号太难了" })).toMatchObject({ departmentCode: "WJ", rule: "keyword" });
    expect(router.route({ text: "说不清楚的一件事", domain: "交通" })).toMatchObject({
      departmentCode: "CJ",
      rule: "domain",
    });
    expect(router.route({ text: "说不清楚的一件事" })).toMatchObject({
      departmentCode: "RX",
      rule: "dispatcher",
      category: null,
    });
  });
});

describe.each(BACKENDS)("dispatcher queue and reassignment on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it("sends what no rule matches to the dispatch centre, which reassigns it on the record", async () => {
    const ticket = await fileAndRoute(t.hub, "这件事我反映了很多次都没有结果");
    expect(ticket).toMatchObject({ status: "assigned", departmentCode: "RX" });
    expect((await eventsOf(t.hub, ticket.id)).at(-1)!.note).toBe("未匹配到责任部门，转派单中心人工分派");

    const moved = await t.hub.cases.actions.apply(
      { id: ticket.id },
      { type: "reassign", departmentCode: "ZW", reason: "经核实属政务服务问题" },
      "staff:dispatcher1",
    );
    expect(moved.ticket).toMatchObject({ status: "assigned", departmentCode: "ZW" });
    expect((await eventsOf(t.hub, ticket.id)).at(-1)).toMatchObject({
      type: "reassigned",
      actor: "staff:dispatcher1",
      note: "经核实属政务服务问题",
      data: expect.objectContaining({ from: "assigned", to: "assigned", departmentCode: "ZW", fromDepartment: "RX" }),
    });
  });

  it("puts a ticket a department hands back (退单) in the dispatcher queue", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}小区路灯不亮`);
    const returned = await t.hub.cases.actions.apply(
      { id: ticket.id },
      { type: "return", reasonCode: "other", reason: "该路段路灯由供电公司维护" },
      "staff:cg1",
    );
    expect(returned.ticket).toMatchObject({ status: "returned", departmentCode: "RX" });
    const queue = await t.hub.db.prisma.ticket.findMany({
      where: { departmentCode: "RX", status: { in: ["assigned", "returned"] } },
    });
    expect(queue.map((q) => q.id)).toContain(ticket.id);
  });
});
