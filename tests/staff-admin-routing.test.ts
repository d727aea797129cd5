// Departments and routing rules for staff admins, on a temporary copy of intents/: a new rule
// changes where the next complaint goes once the knowledge has reloaded; edits keep the
// files' comments; bad input is a Chinese 400 and leaves the file as it was; a department
// with tickets is disabled, not deleted; only admins may do any of it.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { fileAndRoute } from "./support/cases.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { staffClients } from "./support/staff-accounts.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const BIKES = "小区门口堆满了共享单车，人行道都走不了";

describe("departments and routing rules for staff admins", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let client: Awaited<ReturnType<typeof staffClients>>;
  let intents: string;
  let rulesFile: string;
  let departmentsFile: string;

  beforeAll(async () => {
    intents = await fs.mkdtemp(path.join(os.tmpdir(), "hub-routing-admin-"));
    await fs.cp(INTENTS_DIR, intents, { recursive: true });
    rulesFile = path.join(intents, "routing-rules.yaml");
    departmentsFile = path.join(intents, "departments.yaml");
    t = await startTestHub("postgresql", { env: { INTENTS_DIR: intents } });
    app = await buildApp(t.hub);
    client = await staffClients(t.hub, app);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
    await fs.rm(intents, { recursive: true, force: true });
  });

  const post = (url: string, body: object, who = "admin") => client.send(who, "POST", `/api/staff/admin${url}`, body);
  const put = (url: string, body: object, who = "admin") => client.send(who, "PUT", `/api/staff/admin${url}`, body);
  const patch = (url: string, body: object, who = "admin") => client.send(who, "PATCH", `/api/staff/admin${url}`, body);
  const remove = (url: string, who = "admin") => client.send(who, "DELETE", `/api/staff/admin${url}`);
  const routedTo = async (text: string) => (await fileAndRoute(t.hub, text)).departmentCode;
  const ruleIds = () => t.hub.knowledge.current.caseRules.rules.map((r) => r.id);

  it("refuses everyone but admins", async () => {
    for (const who of ["supervisor", "cg.zhang"]) {
      for (const url of ["/api/staff/admin/routing-rules", "/api/staff/admin/departments"])
        expect((await client.get(who, url)).statusCode).toBe(403);
      expect((await post("/routing-rules", { id: "x", department: "CG", keywords: ["x"] }, who)).statusCode).toBe(403);
      expect((await put("/routing-rules/street-light", { department: "GA", keywords: ["x"] }, who)).statusCode).toBe(
        403,
      );
      expect((await remove("/routing-rules/street-light", who)).statusCode).toBe(403);
      expect((await post("/departments", { code: "WG", name: "网格中心" }, who)).statusCode).toBe(403);
      expect((await patch("/departments/CG", { disabled: true }, who)).statusCode).toBe(403);
    }
    expect((await app.inject({ method: "GET", url: "/api/staff/admin/routing-rules" })).statusCode).toBe(401);
    expect(ruleIds()).toContain("street-light");
  });

  it("lists the rules in order with what a rule may name, and the departments with their tickets", async () => {
    await fileAndRoute(t.hub, "东湖区人民路的路灯坏了好几天了");
    const rules = await client.get("admin", "/api/staff/admin/routing-rules");
    expect(rules.statusCode, rules.body).toBe(200);
    expect(rules.json().rules.map((r: { id: string }) => r.id)).toEqual(ruleIds());
    expect(rules.json().rules[0]).toEqual({
      id: "gaoxin-city-appearance",
      department: "GXQ",
      districts: ["高新区"],
      categories: ["street-light", "garbage", "manhole", "illegal-construction"],
    });
    expect(rules.json().districts).toContain("高新区");
    expect(rules.json().categories).toContainEqual({ code: "street-light", name: expect.any(String) });

    const departments = await client.get("admin", "/api/staff/admin/departments");
    expect(departments.statusCode, departments.body).toBe(200);
    const cg = departments.json().departments.find((d: { code: string }) => d.code === "CG");
    expect(cg).toMatchObject({ name: expect.stringContaining("城市管理"), disabled: false, tickets: 1, accounts: 1 });
    expect(cg.rules).toContain("street-light");
    expect(departments.json().dispatcher).toBe("RX");
  });

  it("adds a rule that routes the next complaint elsewhere, keeping the file's comments", async () => {
    expect(await routedTo(BIKES)).toBe("JT");
    const before = await fs.readFile(rulesFile, "utf8");
    const version = t.hub.knowledge.current.version;
    const res = await post("/routing-rules", {
      id: "shared-bikes",
      department: "CG",
      keywords: [" 共享单车 ", "共享单车"],
      position: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().rule).toEqual({ id: "shared-bikes", department: "CG", keywords: ["共享单车"] });
    expect(res.json().version).toBeGreaterThan(version);
    expect(ruleIds().slice(0, 3)).toEqual(["gaoxin-city-appearance", "shared-bikes", "street-light"]);

    // Only the new rule's lines differ; every comment stays.
    const after = await fs.readFile(rulesFile, "utf8");
    expect(after).toBe(
      before.replace(
        "\n\n  - id: street-light\n",
        "\n  - id: shared-bikes\n    department: CG\n    keywords: [共享单车]\n\n  - id: street-light\n",
      ),
    );
    expect(await routedTo(BIKES)).toBe("CG");

    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { action: "create_routing_rule" } });
    expect(audit.map((a) => [a.username, a.target])).toEqual([["admin", "shared-bikes"]]);
  });

  it("refuses a bad rule with a Chinese 400 and leaves the file as it was", async () => {
    const before = await fs.readFile(rulesFile, "utf8");
    const cases: [object, number, string][] = [
      [{ id: "bad-1", department: "NOPE", keywords: ["共享单车"] }, 400, "没有代码为 NOPE 的部门"],
      [{ id: "bad-2", department: "CG" }, 400, "至少需要一个条件"],
      [{ id: "bad-3", department: "CG", keywords: ["  "] }, 400, "至少需要一个条件"],
      [{ id: "bad-4", department: "CG", categories: ["no-such-thing"] }, 400, "没有诉求分类“no-such-thing”"],
      [{ id: "bad-5", department: "CG", districts: ["月球区"] }, 400, "“月球区”不在本市的区名单中"],
      [{ id: "shared-bikes", department: "GA", keywords: ["单车"] }, 409, "已有编号为 shared-bikes"],
      [{ id: "Bad Id", department: "CG", keywords: ["x"] }, 400, "body.id"],
    ];
    for (const [body, status, message] of cases) {
      const res = await post("/routing-rules", body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().message).toContain(message);
    }
    const edit = await put("/routing-rules/shared-bikes", { department: "NOPE", keywords: ["共享单车"] });
    expect(edit.statusCode).toBe(400);
    expect((await put("/routing-rules/no-such-rule", { department: "CG", keywords: ["x"] })).statusCode).toBe(404);
    expect((await remove("/routing-rules/no-such-rule")).statusCode).toBe(404);
    const order = await post("/routing-rules/order", { ids: ruleIds().slice(1) });
    expect(order.statusCode).toBe(400);
    expect(order.json().message).toContain("全部派单规则");
    expect(await fs.readFile(rulesFile, "utf8")).toBe(before);
    expect(await routedTo(BIKES)).toBe("CG");
  });

  it("edits, reorders and removes rules, and routing follows", async () => {
    const edited = await put("/routing-rules/shared-bikes", { department: "GA", keywords: ["共享单车"] });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await routedTo(BIKES)).toBe("GA");

    // Two equally specific rules for the same words: the first listed wins, so the order decides.
    const second = await post("/routing-rules", { id: "shared-bikes-cg", department: "CG", keywords: ["共享单车"] });
    expect(second.statusCode, second.body).toBe(201);
    expect(await routedTo(BIKES)).toBe("GA");
    const ids = ruleIds();
    const reordered = [...ids.filter((id) => id !== "shared-bikes-cg"), ids.at(-1)!].reverse();
    const order = await post("/routing-rules/order", { ids: reordered });
    expect(order.statusCode, order.body).toBe(200);
    expect(ruleIds()).toEqual(reordered);
    expect(await routedTo(BIKES)).toBe("CG");
    // The comment above a rule moves with it.
    const text = await fs.readFile(rulesFile, "utf8");
    expect(text).toMatch(/# 工厂噪音属于环境污染，不是生活噪音。\n {2}- id: factory-noise\n/);

    for (const id of ["shared-bikes", "shared-bikes-cg"])
      expect((await remove(`/routing-rules/${id}`)).statusCode).toBe(200);
    expect(await routedTo(BIKES)).toBe("JT");
    expect(ruleIds()).not.toContain("shared-bikes");
  });

  it("creates and edits a department, which rules may then name", async () => {
    const created = await post("/departments", {
      code: "WG",
      name: "市网格化服务管理中心",
      phone: "0000-62345999",
      domains: ["城建"],
      keywords: ["网格员"],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().department).toEqual({
      code: "WG",
      name: "市网格化服务管理中心",
      phone: "0000-62345999",
      domains: ["城建"],
      keywords: ["网格员"],
      disabled: false,
    });
    expect((await client.get("cg.zhang", "/api/staff/departments")).json().departments).toContainEqual({
      code: "WG",
      name: "市网格化服务管理中心",
    });
    expect(await routedTo("我们这片的网格员从来不上门")).toBe("WG");
    expect(await fs.readFile(departmentsFile, "utf8")).toContain("# 区级部门：按 routing-rules.yaml");

    const renamed = await patch("/departments/WG", { name: "市网格化管理中心", keywords: ["网格员", "网格长"] });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().department).toMatchObject({ name: "市网格化管理中心", phone: "0000-62345999" });
    expect(t.hub.knowledge.current.departments.nameOf("WG")).toBe("市网格化管理中心");
    expect(await routedTo("网格长半年没来过了")).toBe("WG");

    // Editing one field of a shipped department changes only that: the phone keeps its quotes.
    const shipped = await fs.readFile(departmentsFile, "utf8");
    const zw = t.hub.knowledge.current.departments.list.find((d) => d.code === "ZW")!;
    const more = await patch("/departments/ZW", { keywords: [...zw.keywords, "办事拖拉"] });
    expect(more.statusCode, more.body).toBe(200);
    expect(await fs.readFile(departmentsFile, "utf8")).toBe(
      shipped.replace("      - 办事难\n", "      - 办事难\n      - 办事拖拉\n"),
    );

    const bad: [string, object, number, string][] = [
      ["post", { code: "CG", name: "重复" }, 409, "已有代码为 CG"],
      ["post", { code: "XX", name: "市城市管理局（城市管理综合行政执法局）" }, 400, "已有名为"],
      ["post", { code: "lower", name: "小写" }, 400, "body.code"],
      ["patch", { disabled: true }, 400, "派单中心不能停用"],
    ];
    const before = await fs.readFile(departmentsFile, "utf8");
    for (const [method, body, status, message] of bad) {
      const res = method === "post" ? await post("/departments", body) : await patch("/departments/RX", body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().message).toContain(message);
    }
    const withRules = await patch("/departments/CG", { disabled: true });
    expect(withRules.statusCode).toBe(400);
    expect(withRules.json().message).toContain("street-light");
    expect(await fs.readFile(departmentsFile, "utf8")).toBe(before);
  });

  it("disables a department with tickets instead of deleting it; one nothing refers to may go", async () => {
    const ticket = await fileAndRoute(t.hub, "网格员态度很差");
    expect(ticket.departmentCode).toBe("WG");
    const refused = await remove("/departments/WG");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain("有 3 件工单");

    const rule = await post("/routing-rules", { id: "grid", department: "WG", keywords: ["网格"] });
    expect(rule.statusCode).toBe(201);
    expect((await patch("/departments/WG", { disabled: true })).statusCode).toBe(400);
    expect((await remove("/routing-rules/grid")).statusCode).toBe(200);

    const disabled = await patch("/departments/WG", { disabled: true });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json().department.disabled).toBe(true);
    expect((await client.get("admin", "/api/staff/departments")).json().departments).toContainEqual({
      code: "WG",
      name: "市网格化管理中心",
      disabled: true,
    });
    // Its keywords no longer route, no rule may name it, no account may join it; its ticket keeps its name.
    expect(await routedTo("网格员又没来")).not.toBe("WG");
    const toDisabled = await post("/routing-rules", { id: "grid", department: "WG", keywords: ["网格"] });
    expect(toDisabled.statusCode).toBe(400);
    expect(toDisabled.json().message).toContain("已停用");
    expect(t.hub.knowledge.current.departments.codes.has("WG")).toBe(false);
    expect(t.hub.knowledge.current.departments.nameOf("WG")).toBe("市网格化管理中心");

    const again = await patch("/departments/WG", { disabled: false });
    expect(again.json().department.disabled).toBe(false);

    const spare = await post("/departments", { code: "TMP", name: "临时部门" });
    expect(spare.statusCode).toBe(201);
    const gone = await remove("/departments/TMP");
    expect(gone.statusCode, gone.body).toBe(200);
    expect(t.hub.knowledge.current.departments.nameOf("TMP")).toBeUndefined();
    const actions = await t.hub.db.prisma.staffAudit.findMany({
      where: { action: { in: ["create_department", "update_department", "delete_department"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(actions.map((a) => `${a.action} ${a.target}`)).toEqual([
      "create_department WG",
      "update_department WG",
      "update_department ZW",
      "update_department WG",
      "update_department WG",
      "create_department TMP",
      "delete_department TMP",
    ]);
  });

  it("puts the file back when the knowledge it makes is rejected", async () => {
    const good = await fs.readFile(departmentsFile, "utf8");
    await fs.writeFile(departmentsFile, good.replace("dispatcher: RX", "dispatcher: NOWHERE"));
    const before = await fs.readFile(rulesFile, "utf8");
    const res = await post("/routing-rules", { id: "late", department: "CG", keywords: ["共享单车"] });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().status).toBe("rejected");
    expect(await fs.readFile(rulesFile, "utf8")).toBe(before);
    await fs.writeFile(departmentsFile, good);
  });
});
