// Reply templates (常用语) over HTTP against PostgreSQL: who sees which, admins manage them.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { staffClients } from "./support/staff-accounts.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

describe("reply templates", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let client: Awaited<ReturnType<typeof staffClients>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    client = await staffClients(t.hub, app);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const titles = (res: { json(): { templates: { title: string }[] } }) => res.json().templates.map((x) => x.title);

  it("lets admins create templates for one department or for all", async () => {
    for (const [key, body] of Object.entries({
      city: { title: "感谢来电", text: "感谢您对我们工作的支持。" },
      cg: { departmentCode: "CG", title: "路灯已修复", text: "您反映的路灯问题已安排维修，现已恢复照明。" },
      ga: { departmentCode: "GA", title: "已出警", text: "辖区派出所已出警处置。" },
    })) {
      const res = await client.send("admin", "POST", "/api/staff/reply-templates", body);
      expect(res.statusCode, res.body).toBe(201);
      ids[key] = res.json().id;
    }
    const city = await t.hub.db.prisma.replyTemplate.findUniqueOrThrow({ where: { id: ids.city! } });
    expect(city.departmentCode).toBeNull();
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { action: "create_reply_template" } });
    expect(audit).toHaveLength(3);
  });

  it("shows department staff their own and the city-wide ones, others all or by department", async () => {
    expect(titles(await client.get("cg.zhang", "/api/staff/reply-templates"))).toEqual(["感谢来电", "路灯已修复"]);
    expect((await client.get("cg.zhang", "/api/staff/reply-templates?department=GA")).statusCode).toBe(403);
    expect(titles(await client.get("supervisor", "/api/staff/reply-templates"))).toEqual([
      "感谢来电",
      "路灯已修复",
      "已出警",
    ]);
    expect(titles(await client.get("supervisor", "/api/staff/reply-templates?department=GA"))).toEqual([
      "感谢来电",
      "已出警",
    ]);
  });

  it("lets admins replace and delete them, and no one else", async () => {
    const edited = await client.send("admin", "PUT", `/api/staff/reply-templates/${ids.cg}`, {
      departmentCode: "CG",
      title: "路灯已修复",
      text: "您反映的路灯已修复，感谢您的监督。",
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().text).toBe("您反映的路灯已修复，感谢您的监督。");
    expect(new Date(edited.json().updatedAt).getTime()).toBeGreaterThan(new Date(edited.json().createdAt).getTime());

    const forbidden = { title: "x", text: "y" };
    expect((await client.send("cg.zhang", "POST", "/api/staff/reply-templates", forbidden)).statusCode).toBe(403);
    expect((await client.send("supervisor", "PUT", `/api/staff/reply-templates/${ids.cg}`, forbidden)).statusCode).toBe(
      403,
    );
    expect((await client.send("cg.zhang", "DELETE", `/api/staff/reply-templates/${ids.cg}`)).statusCode).toBe(403);

    expect((await client.send("admin", "DELETE", `/api/staff/reply-templates/${ids.ga}`)).statusCode).toBe(204);
    expect((await client.send("admin", "DELETE", `/api/staff/reply-templates/${ids.ga}`)).statusCode).toBe(404);
    expect(
      (await client.send("admin", "PUT", `/api/staff/reply-templates/${ids.ga}`, { title: "a", text: "b" })).statusCode,
    ).toBe(404);
    expect(titles(await client.get("supervisor", "/api/staff/reply-templates"))).toEqual(["感谢来电", "路灯已修复"]);
  });

  it("checks the department and the text", async () => {
    const unknown = await client.send("admin", "POST", "/api/staff/reply-templates", {
      departmentCode: "NOPE",
      title: "a",
      text: "b",
    });
    expect([unknown.statusCode, unknown.json().field]).toEqual([400, "body.departmentCode"]);
    const blank = await client.send("admin", "POST", "/api/staff/reply-templates", { title: "a", text: "   " });
    expect([blank.statusCode, blank.json().field]).toEqual([400, "body.text"]);
    expect((await client.get("supervisor", "/api/staff/reply-templates/x")).statusCode).toBe(404);
    expect((await client.send("admin", "DELETE", "/api/staff/reply-templates/not-a-uuid")).statusCode).toBe(400);
  });
});
