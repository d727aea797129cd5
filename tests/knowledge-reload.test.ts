// A reload of intents/ changes everything read from it at once: not only the catalog
// the understander answers from, but the routing rules, the departments a ticket may
// be transferred to and the working-day calendar — on a file change (the watcher) and
// on POST /api/admin/catalog/reload. A bad edit changes none of them.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { createHub, type Hub } from "../src/hub.ts";
import { CatalogError } from "../src/knowledge/load-catalog.ts";
import { createLogger } from "../src/logger.ts";
import { fileAndRoute, road } from "./support/cases.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { eventually, startTestHub, TEST_REDIS_URL, testConfig, type TestHub } from "./support/test-env.ts";

const TOKEN = "test-admin-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };

// A new street-lighting office (LD) takes the street-light rule from city management
// (CG); the finance office (JR), which nothing else refers to, is closed.
const NEW_DEPARTMENT = `  - code: LD
    name: 市路灯管理处
    phone: "0000-62345300"
    domains: []
    keywords: [路灯管理处]

`;

async function copyIntents(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-knowledge-"));
  await fs.cp(INTENTS_DIR, dir, { recursive: true });
  return dir;
}

async function editFile(file: string, edit: (text: string) => string): Promise<void> {
  const text = await fs.readFile(file, "utf8");
  const edited = edit(text);
  expect(edited, `${file} was not changed`).not.toBe(text);
  await fs.writeFile(file, edited);
}

/** Valid after each step: departments first (LD added, JR gone), then the rule that names LD. */
async function moveStreetLightsToNewOffice(dir: string): Promise<void> {
  await editFile(path.join(dir, "departments.yaml"), (text) =>
    text.replace(/ {2}- code: JR\n[\s\S]*?(?= {2}# 区级部门)/, NEW_DEPARTMENT),
  );
  await editFile(path.join(dir, "routing-rules.yaml"), (text) =>
    text.replace("  - id: street-light\n    department: CG", "  - id: street-light\n    department: LD"),
  );
  await editFile(path.join(dir, "calendar.yaml"), (text) =>
    text.replace("years: {}", 'years:\n  "2031":\n    holidays: [2031-06-10]'),
  );
}

const streetLight = () => `东湖区${road()}的路灯坏了，晚上一片漆黑`;

/** Routes a new complaint, and tries to transfer it to each department given. */
async function routeAndTransfer(hub: Hub, transferTo: string[]) {
  const ticket = await fileAndRoute(hub, streetLight());
  const transfers: Record<string, string> = {};
  for (const code of transferTo) {
    transfers[code] = await hub.cases.actions
      .apply({ id: ticket.id }, { type: "transfer", departmentCode: code, reason: "测试转办" }, "staff:test")
      .then(
        (applied) => `moved to ${applied.ticket.departmentCode}`,
        (error: Error) => `refused: ${error.message}`,
      );
  }
  return { departmentCode: ticket.departmentCode, transfers };
}

async function expectOldKnowledge(hub: Hub): Promise<void> {
  expect(await routeAndTransfer(hub, ["LD", "JR"])).toEqual({
    departmentCode: "CG",
    transfers: { LD: expect.stringMatching(/^refused: .*unknown department "LD"/), JR: "moved to JR" },
  });
  expect(hub.cases.knowledge().calendar.isWorkingDay("2031-06-10")).toBe(true);
}

async function expectNewKnowledge(hub: Hub): Promise<void> {
  expect(await routeAndTransfer(hub, ["JR", "LD"])).toEqual({
    departmentCode: "LD",
    transfers: {
      JR: expect.stringMatching(/^refused: .*unknown department "JR"/),
      LD: expect.stringMatching(/^refused: .*already with department LD/),
    },
  });
  const ticket = await fileAndRoute(hub, `东湖区${road()}井盖丢了`);
  expect(ticket.departmentCode).toBe("CG");
  const moved = await hub.cases.actions.apply(
    { id: ticket.id },
    { type: "transfer", departmentCode: "LD", reason: "测试转办" },
    "staff:test",
  );
  expect(moved.ticket.departmentCode).toBe("LD");
  expect(hub.cases.departmentName("LD")).toBe("市路灯管理处");
  expect(hub.cases.knowledge().calendar.isWorkingDay("2031-06-10")).toBe(false);
  // The understander's catalog is the same snapshot.
  expect(hub.catalog()).toBe(hub.knowledge.current.catalog);
  expect(hub.catalog().departments.map((d) => d.code)).toContain("LD");
}

describe("a knowledge reload on a file change", () => {
  let t: TestHub;
  let intents: string;
  beforeAll(async () => {
    intents = await copyIntents();
    t = await startTestHub("postgresql", { env: { INTENTS_DIR: intents } });
    await t.hub.relay.stop();
  });
  afterAll(async () => {
    await t.close();
    await fs.rm(intents, { recursive: true, force: true });
  });

  it("changes routing rules, departments and the calendar with the catalog", async () => {
    await expectOldKnowledge(t.hub);
    const before = t.hub.knowledge.current;
    await moveStreetLightsToNewOffice(intents);
    await eventually(async () => {
      const now = t.hub.knowledge.current;
      return now.version > before.version && now.departments.codes.has("LD") && now.caseRules.calendar.years["2031"]
        ? true
        : undefined;
    }, 20_000);
    await expectNewKnowledge(t.hub);
  });
});

describe("a knowledge reload through the admin endpoint", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let intents: string;
  const reload = () => app.inject({ method: "POST", url: "/api/admin/catalog/reload", headers: auth });

  beforeAll(async () => {
    intents = await copyIntents();
    t = await startTestHub("postgresql", { env: { ADMIN_TOKEN: TOKEN, INTENTS_DIR: intents } });
    await t.hub.relay.stop();
    // Only the endpoint reloads here.
    t.hub.knowledge.close();
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    await fs.rm(intents, { recursive: true, force: true });
  });

  it("rejects a routing rule that names no department, and routing keeps the old rules", async () => {
    const before = t.hub.knowledge.current;
    const file = path.join(intents, "routing-rules.yaml");
    const original = await fs.readFile(file, "utf8");
    await editFile(file, (text) =>
      text.replace("  - id: street-light\n    department: CG", "  - id: street-light\n    department: NOPE"),
    );
    try {
      const res = await reload();
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.status).toBe("rejected");
      expect(body.problems).toContainEqual(
        expect.stringMatching(
          /routing-rules\.yaml: rules\.\d+ \(street-light\): department: "NOPE" is not in departments\.yaml/,
        ),
      );
      expect(body.serving).toMatchObject({ version: before.version, items: before.catalog.items.length });
      expect(t.hub.knowledge.current).toBe(before);
      await expectOldKnowledge(t.hub);
    } finally {
      await fs.writeFile(file, original);
    }
  });

  it("changes routing rules, departments and the calendar with the catalog", async () => {
    const before = t.hub.knowledge.current;
    await moveStreetLightsToNewOffice(intents);
    const res = await reload();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "reloaded", version: before.version + 1 });
    await expectNewKnowledge(t.hub);
  });
});

describe("knowledge at start", () => {
  it("stops the start on a bad routing rule or menu, naming the file and the field", async () => {
    const intents = await copyIntents();
    const start = () =>
      createHub({
        config: testConfig({ INTENTS_DIR: intents }),
        redisUrl: TEST_REDIS_URL,
        log: createLogger("silent"),
        database: { backend: "pglite" },
      });
    try {
      await editFile(path.join(intents, "routing-rules.yaml"), (text) =>
        text.replace("  - id: street-light\n    department: CG", "  - id: street-light\n    department: NOPE"),
      );
      const rules = await start().catch((e: unknown) => e);
      expect(rules).toBeInstanceOf(CatalogError);
      expect((rules as Error).message).toMatch(
        /routing-rules\.yaml: rules\.\d+ \(street-light\): department: "NOPE" is not in departments\.yaml/,
      );

      await fs.cp(path.join(INTENTS_DIR, "routing-rules.yaml"), path.join(intents, "routing-rules.yaml"));
      await editFile(path.join(intents, "wechat-menu.yaml"), (text) => text.replace(/item: [A-Z]+\d+/, "item: ZZ999"));
      const menu = await start().catch((e: unknown) => e);
      expect(menu).toBeInstanceOf(CatalogError);
      expect((menu as Error).message).toMatch(/wechat-menu\.yaml: .*no service item ZZ999/);
    } finally {
      await fs.rm(intents, { recursive: true, force: true });
    }
  });
});
