// Catalog administration for staff admins, on a temporary copy of intents/: the snapshot's
// status, the unanswered questions, and adding a question as an example of an item — the
// YAML file keeps its comments and layout, the catalog reloads, and the question is answered.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { message } from "./support/cases.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { staffClients } from "./support/staff-accounts.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const QUESTION = "咋给闺女整个身份卡";

describe("catalog administration for staff admins", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let client: Awaited<ReturnType<typeof staffClients>>;
  let intents: string;
  let itemFile: string;

  beforeAll(async () => {
    intents = await fs.mkdtemp(path.join(os.tmpdir(), "hub-catalog-admin-"));
    await fs.cp(INTENTS_DIR, intents, { recursive: true });
    itemFile = path.join(intents, "items", "GA001.yaml");
    t = await startTestHub("postgresql", { env: { INTENTS_DIR: intents } });
    app = await buildApp(t.hub);
    client = await staffClients(t.hub, app);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
    await fs.rm(intents, { recursive: true, force: true });
  });

  const ask = async (text: string) => (await t.hub.pipeline.handle(message(text))).understanding;

  it("shows admins the catalog now serving, and no one else", async () => {
    const res = await client.get("admin", "/api/staff/admin/catalog");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      version: t.hub.knowledge.current.version,
      items: t.hub.knowledge.current.catalog.items.length,
      loadedAt: t.hub.knowledge.current.loadedAt.toISOString(),
    });
    expect(res.json().items).toBeGreaterThan(30);
    expect(res.headers["cache-control"]).toBe("no-store");
    for (const url of ["/api/staff/admin/catalog", "/api/staff/admin/unanswered"])
      expect((await client.get("supervisor", url)).statusCode).toBe(403);
    expect((await app.inject({ method: "GET", url: "/api/staff/admin/catalog" })).statusCode).toBe(401);
  });

  it("lists the questions the hub could not answer", async () => {
    expect(await ask(QUESTION)).toMatchObject({ decision: "fallback" });
    const res = await client.get("admin", "/api/staff/admin/unanswered?days=1");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().groups.map((g: { text: string }) => g.text)).toContain(QUESTION);
  });

  it("adds a question to an item's examples, keeping the file's comments, and answers it after the reload", async () => {
    const before = await fs.readFile(itemFile, "utf8");
    const version = t.hub.knowledge.current.version;
    const res = await client.send("admin", "POST", "/api/staff/admin/catalog/examples", {
      itemCode: "GA001",
      question: `  ${QUESTION} `,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      itemCode: "GA001",
      itemName: "居民身份证首次申领",
      question: QUESTION,
      file: path.join("items", "GA001.yaml"),
    });
    expect(res.json().version).toBeGreaterThan(version);

    // The only change is the new example, after the last one; comments and flow lists stay.
    const after = await fs.readFile(itemFile, "utf8");
    const lastExample = "  - 孩子办身份证能不能在网上预约\n";
    expect(after).toBe(before.replace(lastExample, `${lastExample}  - ${QUESTION}\n`));
    expect(after).toContain("# 示例数据（sample data）");

    expect(await ask(QUESTION)).toMatchObject({ kind: "service", decision: "answer", serviceItem: { code: "GA001" } });
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { action: "add_catalog_example" } });
    expect(audit.map((a) => [a.username, a.target])).toEqual([["admin", "GA001"]]);
  });

  it("refuses a repeated question, an unknown item, personal data and non-admins", async () => {
    const post = (who: string, body: object) => client.send(who, "POST", "/api/staff/admin/catalog/examples", body);
    expect((await post("admin", { itemCode: "GA001", question: QUESTION })).statusCode).toBe(409);
    expect((await post("admin", { itemCode: "NOPE01", question: "随便问问" })).statusCode).toBe(404);
    const phone = await post("admin", { itemCode: "GA001", question: "我电话13812345678能办身份证吗" });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().message).toContain("个人信息");
    expect((await post("supervisor", { itemCode: "GA001", question: "别的问法" })).statusCode).toBe(403);
    expect((await fs.readFile(itemFile, "utf8")).match(/闺女/g)).toHaveLength(1);
  });

  it("puts the file back when the catalog it makes is rejected", async () => {
    // Another file breaks meanwhile: the reload is refused, and the item file must not keep the edit.
    const departments = path.join(intents, "departments.yaml");
    const good = await fs.readFile(departments, "utf8");
    await fs.writeFile(departments, good.replace("dispatcher: RX", "dispatcher: NOWHERE"));
    const before = await fs.readFile(itemFile, "utf8");
    const res = await client.send("admin", "POST", "/api/staff/admin/catalog/examples", {
      itemCode: "GA001",
      question: "小孩身份证首次去哪办",
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().status).toBe("rejected");
    expect(res.json().problems.join("\n")).toContain("dispatcher");
    expect(await fs.readFile(itemFile, "utf8")).toBe(before);
    await fs.writeFile(departments, good);
  });
});
