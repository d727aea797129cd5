// Operating logs: one structured line per ticket event (filed, routed, accepted, resolved),
// with ids and codes and no personal data, and probes (health checks) kept out of info.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { createHub, type Hub } from "../src/hub.ts";
import { createLogger } from "../src/logger.ts";
import { message, openTestTicket, road } from "./support/cases.ts";
import { createTestDatabase, TEST_REDIS_URL, testConfig } from "./support/test-env.ts";

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const INFO = 30;
const PHONE = "13912345678";
const NAME = "王小明";
const ID_NUMBER = "110105194912310021";

describe("operating logs", () => {
  let hub: Hub;
  let drop: () => Promise<void>;
  const written: string[] = [];
  const lines = (): Line[] =>
    written
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
    const database = await createTestDatabase("postgresql");
    drop = database.drop;
    const sink = new Writable({
      write(chunk, _enc, done) {
        written.push(String(chunk));
        done();
      },
    });
    hub = await createHub({
      config: testConfig(),
      redisUrl: TEST_REDIS_URL,
      log: createLogger("info", sink),
      database: database.target,
    });
  });
  afterAll(async () => {
    await hub?.close();
    await drop?.();
  });

  it("logs filing, routing, acceptance and resolution once each, without personal data", async () => {
    const place = road();
    const text = `${place}幸福小区3栋门口的路灯坏了，我是${NAME}，电话${PHONE}，身份证${ID_NUMBER}`;
    const outcome = await hub.pipeline.handle({ ...message(text), channelMessageId: randomUUID() });
    expect(outcome.ticket, JSON.stringify(outcome.understanding)).toBeDefined();
    const ticket = await hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: outcome.ticket!.number } });
    await hub.cases.route(ticket.id);
    await hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:cg.zhang");
    await hub.cases.actions.apply(
      { id: ticket.id },
      { type: "resolve", reply: `已联系${NAME}（${PHONE}），路灯已修复` },
      "staff:cg.zhang",
    );

    const mine = lines().filter((l) => l.ticketId === ticket.id);
    expect(mine.map((l) => l.event)).toEqual(["filed", "routed", "accepted", "resolved"]);
    for (const line of mine) {
      expect(line.level).toBe(INFO);
      expect(line).toMatchObject({ ticketNumber: ticket.number, kind: "complaint", channel: "webchat" });
    }
    const routed = await hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(mine[0]).toMatchObject({ msg: "ticket filed", status: "submitted", actorKind: "citizen" });
    expect(mine[1]).toMatchObject({
      msg: "ticket routed",
      status: "assigned",
      from: "submitted",
      department: routed.departmentCode,
      actorKind: "system",
    });
    expect(typeof mine[1]!.rule).toBe("string");
    expect(mine[2]).toMatchObject({ status: "accepted", department: routed.departmentCode, actorKind: "staff" });
    expect(mine[3]).toMatchObject({ status: "resolved", from: "accepted", actorKind: "staff" });

    // Nothing a citizen or staff member wrote, and no one's name, in any line of the run.
    const all = written.join("");
    for (const secret of [NAME, PHONE, "139****5678", ID_NUMBER, "110105********0021", place, "路灯", "cg.zhang"]) {
      expect(all).not.toContain(secret);
    }
  });

  it("logs a deadline breach (督办) and a rating, with the overdue flag and the rating only", async () => {
    const filed = await openTestTicket(hub, `${road()}的垃圾三天没人清运`);
    await hub.cases.route(filed.id);
    const routed = await hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: filed.id } });
    // What the deadline worker applies when the breach timer fires (src/cases/deadline-timers.ts).
    await hub.cases.actions.apply(
      { id: filed.id },
      { type: "escalate", deadlineAt: routed.deadlineAt ?? new Date() },
      "system:deadline",
    );
    await hub.cases.actions.apply({ id: filed.id }, { type: "accept" }, "staff:cg.zhang");
    await hub.cases.actions.apply({ id: filed.id }, { type: "resolve", reply: "已清运" }, "staff:cg.zhang");
    await hub.cases.actions.apply(
      { id: filed.id },
      { type: "rate", rating: 5, comment: `谢谢${NAME}` },
      "citizen:webchat",
    );

    const mine = lines().filter((l) => l.ticketId === filed.id);
    expect(mine.map((l) => l.event)).toEqual(["routed", "overdue", "accepted", "resolved", "rated"]);
    expect(mine[1]).toMatchObject({ msg: "ticket overdue", overdue: true, actorKind: "system" });
    expect(mine[4]).toMatchObject({ msg: "ticket rated", rating: 5, actorKind: "citizen" });
    expect(JSON.stringify(mine)).not.toContain("谢谢");
  });

  it("logs one line per request at info, and health checks not at all at info", async () => {
    const app = await buildApp(hub);
    try {
      const before = written.length;
      expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
      expect((await app.inject({ url: "/readyz" })).statusCode).toBe(200);
      expect(written.slice(before).join("")).toBe("");

      await app.inject({ url: "/api/tickets/GD20990101-000001" });
      const requestLines = written
        .slice(before)
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line);
      expect(requestLines.map((l) => l.msg)).toEqual(["request completed"]);
      expect(requestLines[0]).toMatchObject({
        level: INFO,
        route: "/api/tickets/:number",
        req: { method: "GET" },
        res: { statusCode: 404 },
      });
    } finally {
      await app.close();
    }
  });
});
