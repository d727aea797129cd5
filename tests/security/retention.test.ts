// Issue 11, finding 15: personal data is not kept forever. RETENTION_DAYS after a case is
// finished its words and the citizen's contact data are erased, the audit chain still
// verifies, the database allows no other change to history, a citizen's data can be
// exported on request, and the worker applies the policy on a schedule.
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionStore } from "../../connectors/webchat/chat-session.ts";
import { buildApp } from "../../src/build-app.ts";
import { verifyAuditTrail } from "../../src/cases/audit-verify.ts";
import { exportCitizenData } from "../../src/cases/privacy-export.ts";
import { purgeExpired } from "../../src/cases/retention.ts";
import { scheduleRetention } from "../../src/cases/retention-worker.ts";
import { conversationIdFor } from "../../src/conversation/conversation-id.ts";
import { QueueNames } from "../../src/queue/queue-names.ts";
import { eventsOf, fileAndRoute, message, road } from "../support/cases.ts";
import { chatSessions } from "../support/chat-sessions.ts";
import { BACKENDS, eventually, startTestHub, type TestHub } from "../support/test-env.ts";

const root = path.resolve(import.meta.dirname, "../..");
const DAY = 86_400_000;
const PHONE = "13812345678";

describe.each(BACKENDS)("retention on %s", (backend) => {
  let t: TestHub;
  let app: FastifyInstance;
  let chat: ReturnType<typeof chatSessions>;
  beforeAll(async () => {
    t = await startTestHub(backend, { env: { RETENTION_DAYS: "30" } });
    app = await buildApp(t.hub);
    chat = chatSessions(app);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const prisma = () => t.hub.db.prisma;
  const policy = { days: 30 };
  const later = (days: number) => new Date(Date.now() + days * DAY);

  /** A web chat citizen with a complaint worked to the end: replied, rated, with an internal note. */
  async function finishedCase() {
    await chat(`citizen-${road()}`, "你好");
    const conversation = (await prisma().conversation.findFirst({ orderBy: { createdAt: "desc" } }))!;
    const channelUserId = conversation.channelUserId;
    const ticket = await fileAndRoute(t.hub, `${road()}幸福小区门口污水外溢，联系电话${PHONE}`, {
      channelUserId,
      address: "幸福小区3栋",
      latitude: 30.1,
      longitude: 120.2,
    });
    const act = t.hub.cases.actions;
    await act.apply({ id: ticket.id }, { type: "note", text: `已与张伟${PHONE}沟通` }, "staff:li");
    await act.apply({ id: ticket.id }, { type: "accept" }, "staff:li");
    await act.apply({ id: ticket.id }, { type: "resolve", reply: `已电话联系张伟${PHONE}，已疏通` }, "staff:li");
    await act.apply(
      { id: ticket.id },
      { type: "rate", rating: 5, comment: `很及时，我电话${PHONE}` },
      "citizen:webchat",
    );
    return { ticket: await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } }), channelUserId };
  }

  it("erases a finished case's personal data past the policy, on the record, and the audit trail still verifies", async () => {
    const { ticket, channelUserId } = await finishedCase();
    expect(ticket.status).toBe("closed");
    const open = await fileAndRoute(t.hub, `${road()}路灯不亮，电话${PHONE}`);

    // Not yet due: nothing of it changes.
    await purgeExpired(prisma(), policy, later(10));
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).text).toContain(PHONE);

    const report = await purgeExpired(prisma(), policy, later(31));
    expect(report.tickets).toBeGreaterThanOrEqual(1);

    const purged = await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(purged).toMatchObject({
      text: "",
      address: null,
      latitude: null,
      longitude: null,
      details: {},
      resolution: null,
      ratingComment: null,
      channelUserId: "",
    });
    expect(purged.purgedAt).not.toBeNull();
    // What happened stays: number, status, department, rating.
    expect(purged).toMatchObject({
      number: ticket.number,
      status: "closed",
      rating: 5,
      departmentCode: ticket.departmentCode,
    });
    const events = await eventsOf(t.hub, ticket.id);
    expect(JSON.stringify(events)).not.toContain(PHONE);
    expect(JSON.stringify(events)).not.toContain("张伟");
    expect(events.at(-1)).toMatchObject({ type: "purged", actor: "system:retention" });
    expect(events.slice(0, -1).every((e) => e.purgedAt !== null && e.note === null)).toBe(true);
    expect(events.find((e) => e.type === "resolved")!.data).toMatchObject({ to: "resolved" });

    // The citizen's messages and conversation are erased too; the open case and its citizen are not.
    const conversation = await prisma().conversation.findUniqueOrThrow({
      where: { id: conversationIdFor("webchat", channelUserId) },
    });
    expect(conversation.channelUserId).toBe(`purged:${conversation.id}`);
    expect(conversation.purgedAt).not.toBeNull();
    const messages = await prisma().message.findMany({ where: { conversationId: conversation.id } });
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.text === "" && m.raw === null && m.outcome === null)).toBe(true);
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: open.id } })).text).toContain(PHONE);

    const audit = await verifyAuditTrail(prisma());
    expect(audit.problems).toEqual([]);
    expect(audit.unverifiable).toBe(0);

    // Running it again changes nothing more.
    const again = await purgeExpired(prisma(), policy, later(31));
    expect(again.tickets).toBe(0);
    expect((await eventsOf(t.hub, ticket.id)).length).toBe(events.length);
  });

  it("lets the database change history only the way the policy erases it", async () => {
    const ticket = await fileAndRoute(t.hub, `${road()}噪音扰民，电话${PHONE}`);
    const [created] = await eventsOf(t.hub, ticket.id);
    const refused = (sql: string) =>
      expect(prisma().$executeRawUnsafe(sql, created!.id)).rejects.toThrow(/append-only/);
    await refused(`UPDATE "TicketEvent" SET "note" = 'rewritten' WHERE "id" = $1`);
    await refused(`UPDATE "TicketEvent" SET "note" = NULL, "type" = 'other', "purgedAt" = now() WHERE "id" = $1`);
    await refused(`UPDATE "TicketEvent" SET "note" = NULL, "data" = '{}'::jsonb, "purgedAt" = now() WHERE "id" = $1`);
    await refused(`DELETE FROM "TicketEvent" WHERE "id" = $1`);

    // Erasing by hand is possible with database rights, but not quietly: no purge is on the record.
    await prisma().$executeRawUnsafe(
      `UPDATE "TicketEvent" SET "note" = NULL, "purgedAt" = now() WHERE "id" = $1`,
      created!.id,
    );
    const audit = await verifyAuditTrail(prisma());
    expect(audit.problems).toContainEqual(
      expect.objectContaining({
        ticketNumber: ticket.number,
        seq: 1,
        problem: expect.stringContaining("erased outside the retention policy"),
      }),
    );
  });

  it("forgets an erased web chat session, and a citizen who writes again starts afresh", async () => {
    let now = Date.now();
    const sessions = new SessionStore(prisma(), () => now);
    const res = await app.inject({ method: "POST", url: "/api/chat/messages", payload: { text: "你好" } });
    const token = res.headers["x-chat-session"] as string;
    expect((await sessions.resume(token)).isNew).toBe(false);

    await purgeExpired(prisma(), policy, later(31));
    // Remembered for a while by a process that saw it; asked again after that, and refused.
    now += 11 * 60_000;
    const resumed = await sessions.resume(token);
    expect(resumed.isNew).toBe(true);
    expect(resumed.token).not.toBe(token);
    expect((await new SessionStore(prisma()).resume(token)).isNew).toBe(true);

    // A WeChat citizen (the same openid every time) comes back after the erasure.
    const openid = `o-${road()}`;
    await t.hub.pipeline.handle(message("办身份证要带什么", openid, "wechat"));
    await purgeExpired(prisma(), policy, later(31));
    const id = conversationIdFor("wechat", openid);
    expect((await prisma().conversation.findUniqueOrThrow({ where: { id } })).purgedAt).not.toBeNull();
    await t.hub.pipeline.handle(message("你好", openid, "wechat"));
    const revived = await prisma().conversation.findUniqueOrThrow({ where: { id } });
    expect(revived).toMatchObject({ channelUserId: openid, purgedAt: null });
    const texts = (await prisma().message.findMany({ where: { conversationId: id, direction: "in" } })).map(
      (m) => m.text,
    );
    expect(texts).toContain("你好");
    expect(texts).not.toContain("办身份证要带什么");
  });

  it("exports everything held about one citizen, without staff's internal notes", async () => {
    await chat("exporter", "你好");
    const conversation = (await prisma().conversation.findFirst({ orderBy: { createdAt: "desc" } }))!;
    const ticket = await fileAndRoute(t.hub, `${road()}占道经营`, { channelUserId: conversation.channelUserId });
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "note", text: "内部：此人多次投诉" }, "staff:li");
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:li");
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已清理占道摊位" }, "staff:li");

    const data = await exportCitizenData(prisma(), "webchat", conversation.channelUserId);
    expect(data.messages.map((m) => m.text)).toContain("你好");
    expect(data.tickets).toEqual([
      expect.objectContaining({
        number: ticket.number,
        text: ticket.text,
        reply: "已清理占道摊位",
        status: "resolved",
      }),
    ]);
    expect(data.tickets[0]!.history.map((h) => h.status)).toContain("resolved");
    expect(JSON.stringify(data)).not.toContain("此人多次投诉");
    expect(JSON.stringify(data)).not.toContain("staff:li");
  });

  it("is scheduled by the worker, and RETENTION_CRON=off removes the schedule", async () => {
    const queue = t.hub.queues.get(QueueNames.retention)!;
    await scheduleRetention(queue, { days: 30, cron: "30 3 * * *", timeZone: "Asia/Shanghai" });
    expect(await queue.getJobScheduler("retention")).toMatchObject({ pattern: "30 3 * * *", tz: "Asia/Shanghai" });
    await scheduleRetention(queue, { days: 30, cron: undefined, timeZone: "Asia/Shanghai" });
    expect(await queue.getJobScheduler("retention")).toBeUndefined();
  });

  it.runIf(backend === "postgresql")(
    "runs from the command line: purge and export",
    async () => {
      const { ticket, channelUserId } = await finishedCase();
      // Make it old enough for the policy today.
      await prisma()
        .$executeRaw`UPDATE "Ticket" SET "updatedAt" = now() - interval '40 days' WHERE "id" = ${ticket.id}`;
      const env = { ...process.env, DATABASE_URL: t.databaseUrl, RETENTION_DAYS: "30", LOG_LEVEL: "silent" };
      const tsx = path.join(root, "node_modules/.bin/tsx");
      const dry = spawnSync(tsx, ["src/privacy-cli.ts", "purge", "--dry-run", "--json"], {
        cwd: root,
        env,
        encoding: "utf8",
      });
      expect(dry.status, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, tickets: expect.any(Number) });
      expect(JSON.parse(dry.stdout).tickets).toBeGreaterThanOrEqual(1);

      const run = spawnSync(tsx, ["src/privacy-cli.ts", "purge", "--json"], { cwd: root, env, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).tickets).toBeGreaterThanOrEqual(1);
      expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).purgedAt).not.toBeNull();

      const exported = spawnSync(
        tsx,
        ["src/privacy-cli.ts", "export", "--channel", "webchat", "--user", channelUserId],
        {
          cwd: root,
          env,
          encoding: "utf8",
        },
      );
      expect(exported.status, exported.stderr).toBe(0);
      const data = JSON.parse(exported.stdout);
      expect(data.tickets[0]).toMatchObject({ number: ticket.number, text: "" });
      expect(data.tickets[0].purgedAt).not.toBeNull();
      const audit = await prisma().staffAudit.findFirst({
        where: { action: "privacy_export" },
        orderBy: { createdAt: "desc" },
      });
      expect(audit?.target).toMatch(/^webchat:/);

      const usage = spawnSync(tsx, ["src/privacy-cli.ts", "export"], { cwd: root, env, encoding: "utf8" });
      expect(usage.status).toBe(2);
      expect(usage.stderr).toContain("usage:");
      // Four tsx processes: each starts in seconds, more on a busy machine (30 s timed out in CI).
    },
    120_000,
  );

  it("applies the policy when the worker's job runs", async () => {
    const { ticket } = await finishedCase();
    await prisma().$executeRaw`UPDATE "Ticket" SET "updatedAt" = now() - interval '40 days' WHERE "id" = ${ticket.id}`;
    const { createRetentionWorker } = await import("../../src/cases/retention-worker.ts");
    const worker = createRetentionWorker({
      redisUrl: t.hub.redisUrl,
      prefix: t.hub.config.queuePrefix,
      prisma: prisma(),
      log: t.hub.log,
      policy,
    });
    try {
      await t.hub.queues.get(QueueNames.retention)!.add("purge", {}, { jobId: `purge-${ticket.id}` });
      await eventually(async () =>
        (await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).purgedAt ? true : undefined,
      );
    } finally {
      await worker.close();
    }
  });
});
