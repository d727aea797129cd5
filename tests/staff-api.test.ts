// The department API: logins, roles and department scope, acting on tickets over
// HTTP (409 on conflicts), internal notes, the citizen's conversation, KPIs, and the
// staff audit log. Also `npm run staff -- create`.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { createStaffAccount } from "../src/staff/accounts.ts";
import { eventsOf, fileAndRoute, openTestTicket, road } from "./support/cases.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

const root = path.resolve(import.meta.dirname, "..");
const PASSWORD = "correct horse battery";

describe.each(BACKENDS)("department API on %s", (backend) => {
  let t: TestHub;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub(backend);
    app = await buildApp(t.hub);
    const departments = t.hub.cases.knowledge().departments.codes;
    const accounts = [
      { username: "admin", role: "admin", displayName: "管理员" },
      { username: "dispatcher", role: "dispatcher", displayName: "派单员" },
      { username: "supervisor", role: "supervisor", displayName: "督办员" },
      { username: "cg.zhang", role: "staff", departmentCode: "CG", displayName: "张三" },
      { username: "ga.li", role: "staff", departmentCode: "GA", displayName: "李四" },
    ];
    for (const a of accounts) {
      await createStaffAccount(t.hub.db.prisma, { ...a, password: PASSWORD }, departments);
      tokens[a.username] = await login(a.username);
    }
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  async function login(username: string, password = PASSWORD): Promise<string> {
    const res = await app.inject({ method: "POST", url: "/api/staff/login", payload: { username, password } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token;
  }
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, url: string) => app.inject({ method: "GET", url, headers: as(who) });
  const post = (who: string, url: string, payload: object) =>
    app.inject({ method: "POST", url, headers: as(who), payload });
  const act = (who: string, number: string, payload: object) =>
    post(who, `/api/staff/tickets/${number}/actions`, payload);

  it("logs in with the right password only, stores only the token's hash, and logs out", async () => {
    const wrong = await app.inject({
      method: "POST",
      url: "/api/staff/login",
      payload: { username: "cg.zhang", password: "not it at all" },
    });
    expect(wrong.statusCode).toBe(401);
    const nobody = await app.inject({
      method: "POST",
      url: "/api/staff/login",
      payload: { username: "nobody", password: PASSWORD },
    });
    expect(nobody.statusCode).toBe(401);
    const token = await login("cg.zhang");
    const stored = await t.hub.db.prisma.staffSession.findMany({ where: { staff: { username: "cg.zhang" } } });
    expect(stored.map((s) => s.tokenHash)).toContain(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(token);
    const account = await t.hub.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "cg.zhang" } });
    expect(account.passwordHash).toMatch(/^\$argon2id\$/);

    const me = await app.inject({ method: "GET", url: "/api/staff/me", headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toEqual({ username: "cg.zhang", displayName: "张三", role: "staff", departmentCode: "CG" });
    expect(
      (await app.inject({ method: "POST", url: "/api/staff/logout", headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: "GET", url: "/api/staff/me", headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(401);
    expect((await app.inject({ method: "GET", url: "/api/staff/tickets" })).statusCode).toBe(401);
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { username: { in: ["cg.zhang", "nobody"] } } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["login_failed", "login", "logout"]));
  });

  it("refuses an expired session", async () => {
    const token = await login("ga.li");
    await t.hub.db.prisma.staffSession.updateMany({
      where: { tokenHash: createHash("sha256").update(token).digest("hex") },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await app.inject({
      method: "GET",
      url: "/api/staff/me",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it("shows a department only its own tickets", async () => {
    const light = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    const noise = await fileAndRoute(t.hub, `${road()}楼上邻居半夜噪音扰民`);
    expect([light.departmentCode, noise.departmentCode]).toEqual(["CG", "GA"]);
    const mine = (await get("cg.zhang", "/api/staff/tickets")).json();
    expect(mine.tickets.map((x: { departmentCode: string }) => x.departmentCode)).toEqual(
      expect.arrayContaining(["CG"]),
    );
    expect(mine.tickets.every((x: { departmentCode: string }) => x.departmentCode === "CG")).toBe(true);
    expect((await get("cg.zhang", "/api/staff/tickets?department=GA")).statusCode).toBe(403);
    expect((await get("cg.zhang", `/api/staff/tickets/${noise.number}`)).statusCode).toBe(404);
    expect((await act("cg.zhang", noise.number, { action: "accept" })).statusCode).toBe(404);
    const all = (await get("supervisor", "/api/staff/tickets?limit=200")).json();
    expect(all.tickets.map((x: { number: string }) => x.number)).toEqual(
      expect.arrayContaining([light.number, noise.number]),
    );
  });

  it("filters by status, overdue, department and filing date", async () => {
    const old = await openTestTicket(t.hub, "西山区路灯不亮", { at: new Date("2026-03-02T02:00:00Z") });
    await t.hub.cases.actions.apply(
      { id: old.id },
      { type: "assign", departmentCode: "CG", note: "测试" },
      "system:router",
      { now: new Date("2026-03-02T02:01:00Z") },
    );
    await t.hub.cases.actions.apply(
      { id: old.id },
      { type: "escalate", deadlineAt: new Date("2026-03-05T02:00:00Z") },
      "system:deadline",
      { now: new Date("2026-03-06T02:00:00Z") },
    );
    const res = (
      await get(
        "dispatcher",
        "/api/staff/tickets?status=assigned&overdue=true&department=CG&from=2026-03-02&to=2026-03-02",
      )
    ).json();
    expect(res.tickets.map((x: { number: string }) => x.number)).toEqual([old.number]);
    expect(res.tickets[0]).toMatchObject({ status: "assigned", statusLabel: "已分派，等待部门签收", overdue: true });
    expect((await get("dispatcher", "/api/staff/tickets?from=2026-03-03&to=2026-03-04")).json()).toMatchObject({
      total: 0,
      totalCapped: false,
    });
    const bad = await get("dispatcher", "/api/staff/tickets?status=finished");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("querystring.status.0");
  });

  it("lets department staff work a ticket, recording each step with who did it", async () => {
    const ticket = await fileAndRoute(t.hub, `南湖区${road()}井盖丢了`);
    const accepted = await act("cg.zhang", ticket.number, { action: "accept", note: "已签收" });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: "accepted", department: { code: "CG" } });
    const resolved = await act("cg.zhang", ticket.number, {
      action: "resolve",
      reply: "已补装井盖。",
      expectedVersion: accepted.json().version,
    });
    expect(resolved.json()).toMatchObject({ status: "resolved", resolution: "已补装井盖。", resolvedOnTime: true });
    expect(
      resolved
        .json()
        .events.slice(-2)
        .map((e: { type: string; actor: string }) => [e.type, e.actor]),
    ).toEqual([
      ["accepted", "staff:cg.zhang"],
      ["resolved", "staff:cg.zhang"],
    ]);
    const audit = await t.hub.db.prisma.staffAudit.findMany({
      where: { username: "cg.zhang", action: "ticket_action", target: ticket.number },
    });
    expect(audit.map((a) => (a.detail as { action: string }).action)).toEqual(["accept", "resolve"]);
  });

  it("answers an invalid transition with 409 and a message, a missing reason with 400 naming it, a forbidden action with 403", async () => {
    const ticket = await fileAndRoute(t.hub, `北城区${road()}路灯坏了`);
    const early = await act("cg.zhang", ticket.number, { action: "resolve", reply: "已处理" });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toContain("cannot resolve a ticket that is assigned");
    const noCode = await act("cg.zhang", ticket.number, { action: "return" });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json().field).toBe("body.reasonCode");
    const noReason = await act("cg.zhang", ticket.number, { action: "return", reasonCode: "other" });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe("body.reason");
    const noTarget = await act("cg.zhang", ticket.number, { action: "transfer", reason: "不归我们管" });
    expect(noTarget.json().field).toBe("body.departmentCode");
    expect(
      (await act("cg.zhang", ticket.number, { action: "reassign", departmentCode: "GA", reason: "x" })).statusCode,
    ).toBe(403);
    expect(
      (await act("cg.zhang", ticket.number, { action: "transfer", departmentCode: "NOPE", reason: "x" })).statusCode,
    ).toBe(400);
    const stale = await act("cg.zhang", ticket.number, { action: "accept", expectedVersion: ticket.version - 1 });
    expect(stale.statusCode).toBe(409);
  });

  it("serializes conflicting requests fired at once: one acceptance, the rest 409", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}垃圾没人清运`);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => act("cg.zhang", ticket.number, { action: "accept" })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    expect((await eventsOf(t.hub, ticket.id)).filter((e) => e.type === "accepted")).toHaveLength(1);
  });

  it("lets the dispatcher reassign and supervisors reopen, on the record", async () => {
    const ticket = await fileAndRoute(t.hub, "有件事想反映一下一直没解决");
    expect(ticket.departmentCode).toBe("RX");
    const moved = await act("dispatcher", ticket.number, {
      action: "reassign",
      departmentCode: "CG",
      reason: "经核实属市容问题",
    });
    expect(moved.json()).toMatchObject({ status: "assigned", departmentCode: "CG" });
    expect(moved.json().events.at(-1)).toMatchObject({
      type: "reassigned",
      actor: "staff:dispatcher",
      note: "经核实属市容问题",
    });
    await act("cg.zhang", ticket.number, { action: "accept" });
    await act("cg.zhang", ticket.number, { action: "resolve", reply: "已处理" });
    expect((await act("cg.zhang", ticket.number, { action: "reopen", reason: "x" })).statusCode).toBe(403);
    const reopened = await act("supervisor", ticket.number, { action: "reopen", reason: "回访发现问题仍在" });
    expect(reopened.json()).toMatchObject({ status: "assigned", reopenCount: 1 });
  });

  it("keeps internal notes internal", async () => {
    const ticket = await fileAndRoute(t.hub, `西山区${road()}路灯不亮`);
    const noted = await post("cg.zhang", `/api/staff/tickets/${ticket.number}/notes`, { text: "已联系供电公司协调" });
    expect(noted.statusCode).toBe(200);
    expect(noted.json().events.at(-1)).toMatchObject({
      type: "note",
      actor: "staff:cg.zhang",
      note: "已联系供电公司协调",
    });
    const publicView = await app.inject({ method: "GET", url: `/api/tickets/${ticket.number}` });
    expect(publicView.body).not.toContain("已联系供电公司协调");
    expect(publicView.body).not.toContain("cg.zhang");
    expect((await post("cg.zhang", `/api/staff/tickets/${ticket.number}/notes`, { text: "  " })).statusCode).toBe(400);
  });

  it("shows the citizen's conversation, masked except to the handling department, and audits the read", async () => {
    const user = "web-conv-1";
    await t.hub.pipeline.handle({
      channel: "webchat",
      channelUserId: user,
      text: "你好",
      channelMessageId: "m-conv-1",
      receivedAt: new Date(),
    });
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了，联系电话13812345678`, { channelUserId: user });
    const own = (await get("cg.zhang", `/api/staff/tickets/${ticket.number}/conversation`)).json();
    expect(own.masked).toBe(false);
    expect(own.messages[0]).toMatchObject({ direction: "in", text: "你好" });
    expect(own.messages.some((m: { direction: string }) => m.direction === "out")).toBe(true);
    expect((await get("cg.zhang", `/api/staff/tickets/${ticket.number}`)).json().text).toContain("13812345678");
    const supervisor = (await get("supervisor", `/api/staff/tickets/${ticket.number}`)).json();
    expect(supervisor.text).toContain("138****5678");
    expect((await get("supervisor", `/api/staff/tickets/${ticket.number}/conversation`)).json().masked).toBe(true);
    const audit = await t.hub.db.prisma.staffAudit.findMany({
      where: { action: "view_conversation", target: ticket.number },
    });
    expect(audit.map((a) => a.username).sort()).toEqual(["cg.zhang", "supervisor"]);
  });

  it("computes KPIs per department for a period", async () => {
    const day = new Date("2026-01-05T01:00:00Z"); // Monday 09:00 in Beijing
    const h = (n: number) => new Date(day.getTime() + n * 3600 * 1000);
    const actions = t.hub.cases.actions;
    const make = async (text: string) => {
      const ticket = await openTestTicket(t.hub, text, { at: day });
      await actions.apply(
        { id: ticket.id },
        { type: "assign", departmentCode: "CG", note: "测试", category: "street-light" },
        "system:router",
        { now: day },
      );
      await actions.apply({ id: ticket.id }, { type: "accept" }, "staff:x", { now: h(2) });
      return ticket;
    };
    const onTime = await make("路灯一");
    await actions.apply({ id: onTime.id }, { type: "resolve", reply: "好了" }, "staff:x", { now: h(5) });
    await actions.apply({ id: onTime.id }, { type: "rate", rating: 5 }, "citizen:webchat", { now: h(6) });
    const poor = await make("路灯二");
    await actions.apply({ id: poor.id }, { type: "resolve", reply: "好了" }, "staff:x", { now: h(5) });
    await actions.apply({ id: poor.id }, { type: "rate", rating: 2 }, "citizen:webchat", { now: h(6) }); // reopened
    await make("路灯三"); // accepted only
    const late = await make("路灯四");
    await actions.apply({ id: late.id }, { type: "escalate", deadlineAt: h(4) }, "system:deadline", { now: h(4) });
    await actions.apply({ id: late.id }, { type: "resolve", reply: "好了" }, "staff:x", { now: h(5) });

    const res = await get("supervisor", "/api/staff/kpis?from=2026-01-05&to=2026-01-05&department=CG");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().departments).toEqual([
      {
        departmentCode: "CG",
        departmentName: "市城市管理局（城市管理综合行政执法局）",
        received: 4,
        resolved: 2,
        acceptOnTimeRate: 0.75, // the reopened one waits for acceptance again, now long overdue
        onTimeRate: 0.5,
        medianHoursToAccept: 2,
        medianHoursToResolve: 5,
        rated: 2,
        satisfactionRate: 0.5,
        reopenRate: 0.3333,
        praise: 0,
      },
    ]);
    expect((await get("ga.li", "/api/staff/kpis?from=2026-01-05&to=2026-01-05&department=CG")).statusCode).toBe(403);
    expect((await get("ga.li", "/api/staff/kpis?from=2026-01-05&to=2026-01-05")).json().departments).toEqual([]);
    expect((await get("supervisor", "/api/staff/kpis?from=2026-01-05")).json().field).toBe("querystring.to");
  });

  it("lets an admin create accounts, and no one else", async () => {
    const created = await post("admin", "/api/staff/accounts", {
      username: "hj.wang",
      password: PASSWORD,
      displayName: "王五",
      role: "staff",
      departmentCode: "HJ",
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({ username: "hj.wang", displayName: "王五", role: "staff", departmentCode: "HJ" });
    expect(
      (
        await post("supervisor", "/api/staff/accounts", {
          username: "x.y",
          password: PASSWORD,
          displayName: "x",
          role: "admin",
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await post("admin", "/api/staff/accounts", {
          username: "hj.wang",
          password: PASSWORD,
          displayName: "x",
          role: "staff",
          departmentCode: "HJ",
        })
      ).statusCode,
    ).toBe(409);
    const weak = await post("admin", "/api/staff/accounts", {
      username: "weak",
      password: "short",
      displayName: "x",
      role: "admin",
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().field).toBe("body.password");
    const noDept = await post("admin", "/api/staff/accounts", {
      username: "nodept",
      password: PASSWORD,
      displayName: "x",
      role: "staff",
    });
    expect(noDept.json().field).toBe("body.departmentCode");
  });

  it("shows staff their notices", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了好几天`);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "remind", level: 1, percent: 50 }, "system:deadline");
    const notices = (await get("cg.zhang", "/api/staff/notices")).json().notices;
    expect(notices[0]).toMatchObject({ kind: "reminder", ticketNumber: ticket.number });
    expect(notices[0].text).toContain("办理时限已用50%");
    expect(
      (await get("ga.li", "/api/staff/notices")).json().notices.map((n: { ticketNumber: string }) => n.ticketNumber),
    ).not.toContain(ticket.number);
  });

  it("keeps the staff audit log append-only", async () => {
    const entry = await t.hub.db.prisma.staffAudit.findFirstOrThrow();
    await expect(
      t.hub.db.prisma.staffAudit.update({ where: { id: entry.id }, data: { action: "nothing" } }),
    ).rejects.toThrow(/append-only/);
  });

  it.runIf(backend === "postgresql")("creates the first admin from the command line", async () => {
    const rows = await t.hub.db.sql.query<{ db: string }>("SELECT current_database() AS db");
    const url = new URL(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
    url.pathname = `/${rows[0]!.db}`;
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/staff/staff-cli.ts",
        "create",
        "--username",
        "root",
        "--role",
        "admin",
        "--name",
        "首位管理员",
      ],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url.toString(), STAFF_PASSWORD: PASSWORD, LOG_LEVEL: "silent" },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("created admin root");
    expect(await login("root")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
