// GET /api/staff/departments: the departments the workbench's pickers offer (转办, 改派,
// accounts), from the catalog serving now; staff only.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { staffClients } from "./support/staff-accounts.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

describe("staff departments", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let staff: Awaited<ReturnType<typeof staffClients>>;
  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    staff = await staffClients(t.hub, app);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it("lists every department of the catalog with its name, and the dispatch centre", async () => {
    const res = await staff.get("cg.zhang", "/api/staff/departments");
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const expected = t.hub.cases.knowledge().departments;
    expect(body.departments).toEqual(expected.list.map((d) => ({ code: d.code, name: d.name })));
    expect(body.departments.find((d: { code: string }) => d.code === "CG").name).toContain("城市管理");
    expect(body.dispatcher).toBe(expected.dispatcher);
  });

  it("is refused without a login", async () => {
    expect((await app.inject("/api/staff/departments")).statusCode).toBe(401);
  });
});
