// Account administration over HTTP against PostgreSQL: changing one's own password, and
// admins listing, changing, disabling and resetting accounts; sessions end when they must.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { login, PASSWORD, staffClients } from "./support/staff-accounts.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const NEW_PASSWORD = "a brand new passphrase";

describe("staff account administration", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let client: Awaited<ReturnType<typeof staffClients>>;

  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    client = await staffClients(t.hub, app);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const me = (token: string) =>
    app.inject({ method: "GET", url: "/api/staff/me", headers: { authorization: `Bearer ${token}` } });
  const changePassword = (token: string, currentPassword: string, newPassword: string) =>
    app.inject({
      method: "POST",
      url: "/api/staff/password",
      headers: { authorization: `Bearer ${token}` },
      payload: { currentPassword, newPassword },
    });

  it("changes one's own password with the current one, ending the other sessions only", async () => {
    const here = await login(app, "supervisor");
    const elsewhere = await login(app, "supervisor");
    expect((await changePassword(here, "not the password", NEW_PASSWORD)).statusCode).toBe(403);
    const short = await changePassword(here, PASSWORD, "short");
    expect([short.statusCode, short.json().field]).toEqual([400, "body.newPassword"]);

    const res = await changePassword(here, PASSWORD, NEW_PASSWORD);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().sessionsEnded).toBe(2); // the other login, and the one from staffClients
    expect((await me(here)).statusCode).toBe(200);
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/staff/login",
          payload: { username: "supervisor", password: PASSWORD },
        })
      ).statusCode,
    ).toBe(401);
    await login(app, "supervisor", NEW_PASSWORD);
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { action: "change_password" } });
    expect(audit.map((a) => a.username)).toEqual(["supervisor"]);
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
  });

  it("lists accounts for admins only", async () => {
    const res = await client.get("admin", "/api/staff/accounts");
    expect(res.statusCode, res.body).toBe(200);
    const ga = res.json().accounts.find((a: { username: string }) => a.username === "ga.li");
    expect(ga).toMatchObject({ displayName: "李四", role: "staff", departmentCode: "GA", active: true });
    expect(JSON.stringify(res.json())).not.toMatch(/passwordHash|argon2/);
    expect((await client.get("ga.li", "/api/staff/accounts")).statusCode).toBe(403);
  });

  it("changes name, role and department, checking them", async () => {
    const moved = await client.send("admin", "PATCH", "/api/staff/accounts/ga.li", {
      displayName: "李四（借调）",
      departmentCode: "HJ",
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().account).toMatchObject({ displayName: "李四（借调）", departmentCode: "HJ", role: "staff" });
    // The live session follows at once: ga.li now sees HJ's figures, not GA's.
    expect((await client.get("ga.li", "/api/staff/me")).json().departmentCode).toBe("HJ");

    const unknown = await client.send("admin", "PATCH", "/api/staff/accounts/ga.li", { departmentCode: "NOPE" });
    expect([unknown.statusCode, unknown.json().field]).toEqual([400, "body.departmentCode"]);
    const noDepartment = await client.send("admin", "PATCH", "/api/staff/accounts/ga.li", { departmentCode: null });
    expect([noDepartment.statusCode, noDepartment.json().field]).toEqual([400, "body.departmentCode"]);
    expect((await client.send("admin", "PATCH", "/api/staff/accounts/nobody", { active: false })).statusCode).toBe(404);
    expect((await client.send("admin", "PATCH", "/api/staff/accounts/ga.li", {})).statusCode).toBe(400);
    expect((await client.send("cg.zhang", "PATCH", "/api/staff/accounts/ga.li", { role: "admin" })).statusCode).toBe(
      403,
    );
  });

  it("disables an account: its token stops working at once, and it cannot log in", async () => {
    const token = await login(app, "cg.zhang");
    expect((await me(token)).statusCode).toBe(200);
    const res = await client.send("admin", "PATCH", "/api/staff/accounts/cg.zhang", { active: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().sessionsEnded).toBe(2);
    expect((await me(token)).statusCode).toBe(401);
    expect((await client.get("cg.zhang", "/api/staff/me")).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/staff/login",
          payload: { username: "cg.zhang", password: PASSWORD },
        })
      ).statusCode,
    ).toBe(401);
    // Enabled again: a new login works; the old sessions stay ended.
    await client.send("admin", "PATCH", "/api/staff/accounts/cg.zhang", { active: true });
    expect((await me(token)).statusCode).toBe(401);
    await login(app, "cg.zhang");
  });

  it("resets a password, ending every session of the account", async () => {
    const token = await login(app, "ga.li");
    const weak = await client.send("admin", "POST", "/api/staff/accounts/ga.li/reset-password", { newPassword: "123" });
    expect([weak.statusCode, weak.json().field]).toEqual([400, "body.newPassword"]);
    const res = await client.send("admin", "POST", "/api/staff/accounts/ga.li/reset-password", {
      newPassword: NEW_PASSWORD,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    await login(app, "ga.li", NEW_PASSWORD);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/staff/accounts/ga.li/reset-password",
          headers: { authorization: `Bearer ${await login(app, "supervisor", NEW_PASSWORD)}` },
          payload: { newPassword: NEW_PASSWORD },
        })
      ).statusCode,
    ).toBe(403);
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { action: "reset_password" } });
    expect(audit.map((a) => [a.username, a.target])).toEqual([["admin", "ga.li"]]);
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
  });

  it("never disables or demotes the last active admin, even concurrently", async () => {
    const self = await client.send("admin", "PATCH", "/api/staff/accounts/admin", { active: false });
    expect(self.statusCode).toBe(409);
    expect(self.json().message).toContain("最后一个启用的管理员");
    expect((await client.send("admin", "PATCH", "/api/staff/accounts/admin", { role: "supervisor" })).statusCode).toBe(
      409,
    );

    // With a second admin, each tries to demote the other at the same moment: one wins.
    await client.send("admin", "PATCH", "/api/staff/accounts/supervisor", { role: "admin" });
    const supervisorToken = await login(app, "supervisor", NEW_PASSWORD);
    const [a, b] = await Promise.all([
      client.send("admin", "PATCH", "/api/staff/accounts/supervisor", { role: "supervisor" }),
      app.inject({
        method: "PATCH",
        url: "/api/staff/accounts/admin",
        headers: { authorization: `Bearer ${supervisorToken}` },
        payload: { role: "supervisor" },
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const admins = await t.hub.db.prisma.staffAccount.count({ where: { role: "admin", active: true } });
    expect(admins).toBe(1);
  });
});
