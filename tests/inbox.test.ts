// The workbench inbox (GET /api/staff/inbox) on real databases: each tab holds what its
// rule says (the SQL agrees with the pure predicate), counts match the lists, department
// staff see only their own department, search by number, text and phone (refused to
// those who do not see contact details), sorting by deadline, and the audit entry.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { INBOX_TABS, TAB_PREDICATES, type TabContext } from "../src/cases/inbox-tabs.ts";
import { fileAndRoute, road } from "./support/cases.ts";
import { seedTickets } from "./support/ticket-seed.ts";
import { EVERY_ROLE, staffClients } from "./support/staff-accounts.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

describe.each(BACKENDS)("workbench inbox on %s", (backend) => {
  let t: TestHub;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  const tickets: Record<string, { id: string; number: string }> = {};

  beforeAll(async () => {
    t = await startTestHub(backend);
    app = await buildApp(t.hub);
    Object.assign(tokens, (await staffClients(t.hub, app, EVERY_ROLE)).tokens);
    // One ticket in each state the tabs tell apart.
    const actions = t.hub.cases.actions;
    const light = (extra = "") => fileAndRoute(t.hub, `东湖区${road()}路灯坏了${extra}`);
    tickets.pending = await light("，联系电话138 1234 5678");
    tickets.accepted = await light();
    await actions.apply({ id: tickets.accepted.id }, { type: "accept" }, "staff:cg.zhang");
    tickets.suspended = await light();
    await actions.apply({ id: tickets.suspended.id }, { type: "accept" }, "staff:cg.zhang");
    await actions.apply({ id: tickets.suspended.id }, { type: "suspend", reason: "等待补充" }, "staff:cg.zhang");
    tickets.overdue = await light();
    const overdueRow = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: tickets.overdue.id } });
    await actions.apply(
      { id: tickets.overdue.id },
      { type: "escalate", deadlineAt: overdueRow.deadlineAt! },
      "system:timer",
    );
    tickets.dueSoon = await light("，百分之百_急");
    await t.hub.db.prisma.ticket.update({
      where: { id: tickets.dueSoon.id },
      data: { deadlineAt: new Date(Date.now() + 60_000) },
    });
    tickets.returned = await light();
    await actions.apply({ id: tickets.returned.id }, { type: "return", reasonCode: "wrong_area" }, "staff:cg.zhang");
    tickets.resolved = await light();
    await actions.apply({ id: tickets.resolved.id }, { type: "accept" }, "staff:cg.zhang");
    await actions.apply({ id: tickets.resolved.id }, { type: "resolve", reply: "已修复" }, "staff:cg.zhang");
    tickets.closed = await light();
    await actions.apply({ id: tickets.closed.id }, { type: "accept" }, "staff:cg.zhang");
    await actions.apply({ id: tickets.closed.id }, { type: "resolve", reply: "已修复" }, "staff:cg.zhang");
    await actions.apply({ id: tickets.closed.id }, { type: "close" }, "staff:supervisor");
    tickets.merged = await light();
    await actions.apply(
      { id: tickets.merged.id },
      { type: "merge", parentId: tickets.pending.id, parentNumber: tickets.pending.number, reason: "同一盏路灯" },
      "staff:dispatcher",
    );
    tickets.police = await fileAndRoute(t.hub, `${road()}楼上邻居半夜噪音扰民，电话13812345678`);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const get = (who: string, url: string) =>
    app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens[who]}` } });
  const numbers = (body: { tickets: { number: string }[] }) => body.tickets.map((x) => x.number);

  it("puts each ticket in the tabs its rules say, with counts that match the lists", async () => {
    const expected: Record<string, string[]> = {
      pending: ["pending", "overdue", "dueSoon"],
      in_progress: ["accepted", "suspended"],
      overdue: ["overdue"],
      due_soon: ["dueSoon"],
      awaiting_rating: ["resolved"],
      done: ["closed"],
      all: ["pending", "accepted", "suspended", "overdue", "dueSoon", "resolved", "closed"],
    };
    for (const tab of INBOX_TABS) {
      const res = await get("cg.zhang", `/api/staff/inbox?tab=${tab}&limit=100`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.total, tab).toBe(body.counts[tab]);
      expect(body.tickets.length, tab).toBe(body.counts[tab]);
      for (const name of expected[tab] ?? []) expect(numbers(body), `${tab}: ${name}`).toContain(tickets[name]!.number);
      // A ticket merged into another (并案) is in no tab, 全部 included: it is worked with its parent.
      expect(numbers(body), tab).not.toContain(tickets.merged!.number);
    }
    const admin = (await get("admin", "/api/staff/inbox?tab=returned&limit=100")).json();
    expect(numbers(admin)).toContain(tickets.returned!.number);
    const dispatch = (await get("dispatcher", "/api/staff/inbox?tab=dispatch&limit=100")).json();
    expect(numbers(dispatch)).toContain(tickets.returned!.number);
    expect(dispatch.counts.dispatch).toBe(dispatch.total);
  });

  it("narrows any tab to the answered tickets (the KPIs' 办结量) with resolved=true", async () => {
    // The 统计 page's links: the department, the filing period, 全部, and resolved=true for 办结量.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const period = `from=${today}&to=${today}&department=CG`;
    const body = (await get("admin", `/api/staff/inbox?tab=all&resolved=true&${period}&limit=100`)).json();
    expect(numbers(body).sort()).toEqual([tickets.resolved!.number, tickets.closed!.number].sort());
    expect(body.counts.pending).toBe(0);
    const kpis = (await get("admin", `/api/staff/kpis?${period}`)).json();
    expect(kpis.departments).toHaveLength(1);
    expect(kpis.departments[0].resolved).toBe(body.total);
    const all = (await get("admin", `/api/staff/inbox?tab=all&${period}&limit=100`)).json();
    expect(kpis.departments[0].received).toBe(all.total);
  });

  it("narrows to the work 统计 counts (kind=work) or to the praise (kind=praise), as 受理量 and 表扬数 do", async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const period = `from=${today}&to=${today}&department=CG`;
    await seedTickets(t.hub.db.prisma, [{ createdAt: new Date(), kind: "praise", text: "表扬城管队员" }]);
    try {
      const kpis = (await get("admin", `/api/staff/kpis?${period}`)).json();
      const list = async (kind: string) =>
        (await get("admin", `/api/staff/inbox?tab=all&kind=${kind}&${period}&limit=100`)).json();
      const [work, praise] = [await list("work"), await list("praise")];
      expect(kpis.departments[0]).toMatchObject({ received: work.total, praise: 1 });
      expect(praise.total).toBe(1);
      expect(praise.tickets[0].text).toContain("表扬");
      expect(numbers(work)).not.toContain(praise.tickets[0].number);
      expect((await get("admin", `/api/staff/inbox?kind=complaint`)).statusCode).toBe(400);
    } finally {
      await t.hub.db.prisma.ticket.deleteMany({ where: { kind: "praise" } });
    }
  });

  it("runs the same rule in SQL as the pure predicate, for every tab", async () => {
    const calendar = t.hub.cases.knowledge().calendar;
    const now = new Date();
    const ctx: TabContext = {
      now,
      dueSoonUntil: calendar.addWorkingTime(now, 8 * 3600_000),
      dispatcher: t.hub.cases.knowledge().departments.dispatcher,
    };
    const rows = await t.hub.db.prisma.ticket.findMany();
    const body = (await get("admin", "/api/staff/inbox?tab=pending&limit=100")).json();
    for (const tab of INBOX_TABS)
      expect(body.counts[tab], tab).toBe(rows.filter((r) => TAB_PREDICATES[tab](r, ctx)).length);
  });

  it("limits department staff to their own department", async () => {
    for (const tab of INBOX_TABS) {
      const body = (await get("ga.li", `/api/staff/inbox?tab=${tab}&limit=100`)).json();
      expect(body.tickets.every((x: { departmentCode: string }) => x.departmentCode === "GA")).toBe(true);
      expect(numbers(body)).not.toContain(tickets.pending!.number);
    }
    expect((await get("ga.li", "/api/staff/inbox?department=CG")).statusCode).toBe(403);
    const sup = (await get("supervisor", "/api/staff/inbox?tab=pending&department=GA&limit=100")).json();
    expect(numbers(sup)).toEqual([tickets.police!.number]);
  });

  it("sorts by deadline (soonest first, none last), then number; pages with limit and offset", async () => {
    const body = (await get("cg.zhang", "/api/staff/inbox?tab=pending&limit=100")).json();
    const deadlines = body.tickets.map((x: { deadlineAt: string | null }) => x.deadlineAt);
    const sorted = [...deadlines].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
    expect(deadlines).toEqual(sorted);
    expect(body.tickets[0].number).toBe(tickets.dueSoon!.number);
    expect(body.tickets[0].workingSecondsLeft).toBeGreaterThanOrEqual(0); // 0 on a weekend
    expect(body.tickets[0].workingSecondsLeft).toBeLessThanOrEqual(60);
    const overdue = body.tickets.find((x: { number: string }) => x.number === tickets.overdue!.number);
    expect(overdue.overdue).toBe(true);
    const page = (await get("cg.zhang", "/api/staff/inbox?tab=pending&limit=1&offset=1")).json();
    expect(numbers(page)).toEqual([body.tickets[1].number]);
    expect(page.total).toBe(body.total);
    expect((await get("cg.zhang", "/api/staff/inbox?limit=101")).statusCode).toBe(400);
  });

  it("finds a ticket by its number, or by text with wildcards taken literally", async () => {
    const byNumber = (await get("cg.zhang", `/api/staff/inbox?tab=in_progress&q=${tickets.accepted!.number}`)).json();
    expect(numbers(byNumber)).toEqual([tickets.accepted!.number]);
    expect(byNumber.counts.pending).toBe(0);
    const byText = (
      await get("cg.zhang", `/api/staff/inbox?tab=pending&q=${encodeURIComponent("百分之百_急")}`)
    ).json();
    expect(numbers(byText)).toEqual([tickets.dueSoon!.number]);
    const wildcard = (await get("cg.zhang", `/api/staff/inbox?tab=pending&q=${encodeURIComponent("%")}`)).json();
    expect(wildcard.total).toBe(0);
  });

  it("searches by phone for the handling department only, and never writes the number to the audit log", async () => {
    const found = (await get("cg.zhang", "/api/staff/inbox?tab=pending&phone=13812345678")).json();
    expect(numbers(found)).toEqual([tickets.pending!.number]);
    expect(found.tickets[0].text).toContain("138 1234 5678");
    const foreign = (await get("ga.li", "/api/staff/inbox?tab=pending&phone=138-1234-5678")).json();
    expect(numbers(foreign)).toEqual([tickets.police!.number]);
    for (const who of ["dispatcher", "supervisor", "admin"]) {
      const refused = await get(who, "/api/staff/inbox?phone=13812345678");
      expect(refused.statusCode, who).toBe(403);
      expect(refused.json().message).toMatch(/^[\x20-\x7e]+$/);
    }
    const typed = (await get("admin", "/api/staff/inbox?tab=pending&q=13812345678")).json();
    expect(typed.total).toBeGreaterThanOrEqual(1);
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { action: "view_inbox" } });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain("13812345678");
    expect(JSON.stringify(audit)).not.toContain("138-1234-5678");
    const withPhone = audit.find((a) => (a.detail as { query: { phone?: string } }).query.phone);
    expect((withPhone!.detail as { query: { phone: string } }).query.phone).toContain("*");
  });

  it("filters by filing period like GET /tickets", async () => {
    const future = (await get("admin", "/api/staff/inbox?tab=pending&from=2099-01-01")).json();
    expect(future.total).toBe(0);
    const today = (await get("admin", "/api/staff/inbox?tab=pending&to=2099-01-01&limit=100")).json();
    expect(today.total).toBeGreaterThan(0);
  });
});
