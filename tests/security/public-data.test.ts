// Issue 11, findings 1, 2, 3, 7, 8 and 13: what anyone, and each role of staff, may read
// of a complaint. Open311 publishes a public view (category, status, coarse location, a
// public description) and the full one only to a read key; replies are masked wherever
// published; the public ticket page shows no staff note; a ticket's conversation shows
// only that ticket's part; masked roles get replies and rating comments masked; a merge
// into itself or into its own child is a 409.
// On PostgreSQL only: nothing here depends on the database engine.
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/build-app.ts";
import { ActionRejected } from "../../src/cases/ticket-actions.ts";
import { createStaffAccount } from "../../src/staff/accounts.ts";
import { fileAndRoute, message, road } from "../support/cases.ts";
import { startTestHub, type TestHub } from "../support/test-env.ts";

const PASSWORD = "correct horse battery";
const PHONE = "13812345678";
const MASKED_PHONE = "138****5678";
const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

describe("public and role-masked data", () => {
  let t: TestHub;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub("postgresql", { env: { OPEN311_API_KEYS: "filer", OPEN311_READ_API_KEYS: "reader" } });
    app = await buildApp(t.hub);
    const departments = t.hub.cases.knowledge().departments.codes;
    const accounts = [
      { username: "admin", role: "admin", displayName: "管理员" },
      { username: "dispatcher", role: "dispatcher", displayName: "派单员" },
      { username: "supervisor", role: "supervisor", displayName: "督办员" },
      { username: "cg.zhang", role: "staff", departmentCode: "CG", displayName: "张三" },
    ];
    for (const a of accounts) {
      await createStaffAccount(t.hub.db.prisma, { ...a, password: PASSWORD }, departments);
      const res = await app.inject({
        method: "POST",
        url: "/api/staff/login",
        payload: { username: a.username, password: PASSWORD },
      });
      tokens[a.username] = res.json().token;
    }
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const staffGet = (who: string, url: string) =>
    app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens[who]}` } });
  const act = (who: string, number: string, payload: object) =>
    app.inject({
      method: "POST",
      url: `/api/staff/tickets/${number}/actions`,
      headers: { authorization: `Bearer ${tokens[who]}` },
      payload,
    });
  const open311 = (url: string) => app.inject({ method: "GET", url: `/open311/v2${url}` });
  const say = (user: string, text: string) => t.hub.pipeline.handle(message(text, user));
  const newCitizen = () => `web-${randomUUID().slice(0, 8)}`;

  async function resolve(number: string, reply: string, note?: string) {
    await t.hub.cases.actions.apply({ number }, { type: "accept" }, "staff:cg.zhang");
    await t.hub.cases.actions.apply({ number }, { type: "resolve", reply, ...(note && { note }) }, "staff:cg.zhang");
  }

  describe("1. Open311 publishes a public view; the full one needs a read key", () => {
    it("never publishes a chat citizen's words, address or exact place", async () => {
      const street = road();
      const ticket = await fileAndRoute(
        t.hub,
        `我叫王小明，住东湖区${street}18号幸福家园小区3栋，门口路灯坏了，电话${PHONE}`,
        { latitude: 30.123456, longitude: 114.345678, address: `东湖区${street}18号幸福家园小区3栋` },
      );
      for (const url of ["/requests.json", `/requests.json?service_request_id=${ticket.number}`]) {
        const res = await open311(url);
        expect(res.statusCode).toBe(200);
        const found = res.json().find((r: { service_request_id: string }) => r.service_request_id === ticket.number);
        expect(found).toMatchObject({
          service_code: "street-light",
          service_name: "路灯照明",
          description: "路灯照明",
          status: "open",
          address: `东湖区${street}`,
          address_id: null,
          zipcode: null,
          lat: 30.12,
          long: 114.35,
          media_url: null,
        });
        expect(JSON.stringify(found)).not.toMatch(/王小明|18号|幸福家园|3栋|1381234/);
      }
      const xml = await open311(`/requests/${ticket.number}.xml`);
      expect(xml.statusCode).toBe(200);
      expect(xml.body).toContain("<description>路灯照明</description>");
      expect(xml.body).not.toContain("王小明");
      expect(xml.body).toContain("<lat>30.12</lat>");

      // A read key gets the full view; any other key is refused.
      const [full] = (await open311(`/requests/${ticket.number}.json?api_key=reader`)).json();
      expect(full).toMatchObject({ lat: 30.123456, long: 114.345678, address: `东湖区${street}18号幸福家园小区3栋` });
      expect(full.description).toContain("王小明");
      expect(full.description).not.toContain(PHONE);
      expect((await open311(`/requests/${ticket.number}.json?api_key=filer`)).statusCode).toBe(403);
      expect((await open311("/requests.json?api_key=wrong")).statusCode).toBe(403);
    });

    it("publishes an Open311 request's own description masked, without the submitter's name, photo or address", async () => {
      const street = road();
      const posted = await app.inject({
        method: "POST",
        url: "/open311/v2/requests.json",
        headers: FORM,
        payload: new URLSearchParams({
          api_key: "filer",
          service_code: "street-light",
          lat: "30.987654",
          long: "114.012345",
          address_string: `西山区${street}7号`,
          first_name: "小明",
          last_name: "欧阳",
          email: "xm@example.com",
          phone: "13900001111",
          description: `欧阳小明报告：${street}路灯不亮，请回电${PHONE}或xm@example.com`,
          media_url: "https://example.com/photo.jpg",
        }).toString(),
      });
      expect(posted.statusCode, posted.body).toBe(200);
      const number: string = posted.json()[0].service_request_id;
      const [pub] = (await open311(`/requests/${number}.json`)).json();
      expect(pub.description).toContain("路灯不亮");
      expect(pub.description).toContain(MASKED_PHONE);
      expect(pub.description).not.toMatch(/小明|欧阳|xm@example\.com|13812345678/);
      expect(pub).toMatchObject({ lat: 30.99, long: 114.01, media_url: null, address_id: null });
      expect(pub.address ?? "").not.toContain("7号");
      const [full] = (await open311(`/requests/${number}.json?api_key=reader`)).json();
      expect(full).toMatchObject({ lat: 30.987654, media_url: "https://example.com/photo.jpg" });
    });
  });

  it("2. publishes a department's reply (status_notes) with phone numbers masked, in both views", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    await resolve(ticket.number, `已电话联系张伟${PHONE}确认，路灯已修复。`);
    for (const url of [`/requests/${ticket.number}.json`, `/requests/${ticket.number}.json?api_key=reader`]) {
      const [request] = (await open311(url)).json();
      expect(request.status_notes).toBe(`已电话联系张伟${MASKED_PHONE}确认，路灯已修复。`);
    }
    const xml = await open311(`/requests/${ticket.number}.xml`);
    expect(xml.body).not.toContain(PHONE);
    const page = await app.inject({ url: `/api/tickets/${ticket.number}` });
    expect(page.body).not.toContain(PHONE);
  });

  it("3. shows on the public ticket page the reply meant for the citizen, masked, never a staff note", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    await resolve(ticket.number, `路灯已修复，如有问题请联系${PHONE}。`, "内部备注：该户多次投诉，注意沟通方式");
    const page = await app.inject({ url: `/api/tickets/${ticket.number}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain("内部备注");
    expect(page.body).not.toContain(PHONE);
    const resolved = page.json().events.find((e: { type: string }) => e.type === "resolved");
    expect(resolved.note).toBe(`路灯已修复，如有问题请联系${MASKED_PHONE}。`);

    // A merge's reason is written for the dispatch centre, not the citizen.
    const parent = await fileAndRoute(t.hub, `北城区${road()}井盖丢了`);
    const child = await fileAndRoute(t.hub, `北城区${road()}井盖没了`);
    const merged = await act("dispatcher", child.number, {
      action: "merge",
      parentNumber: parent.number,
      reason: "同一井盖；该户是老上访户",
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const childPage = await app.inject({ url: `/api/tickets/${child.number}` });
    expect(childPage.body).not.toContain("老上访户");
    expect(childPage.json().events.find((e: { type: string }) => e.type === "merged").note).toBe(
      `与工单 ${parent.number} 合并办理`,
    );
  });

  it("7. shows a ticket's part of the conversation only, masked by role", async () => {
    const user = newCitizen();
    await say(user, "你好");
    const light = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`, { channelUserId: user });
    expect(light.departmentCode).toBe("CG");
    await say(user, `补充 ${light.number} 我的电话是${PHONE}`);
    // Another complaint of the same citizen, for another department, with another name and number.
    const other = await say(user, `投诉${road()}楼上邻居半夜噪音扰民，我是李秀英，电话13900001111`);
    expect(other.ticket?.number).toBeDefined();
    const noise = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: other.ticket!.number } });
    await t.hub.cases.route(noise.id);

    const own = (await staffGet("cg.zhang", `/api/staff/tickets/${light.number}/conversation`)).json();
    expect(own.masked).toBe(false);
    const ownText = own.messages.map((m: { text: string }) => m.text).join("\n");
    expect(own.messages[0]).toMatchObject({ direction: "in", text: "你好" });
    expect(ownText).toContain(`我的电话是${PHONE}`);
    expect(ownText).not.toMatch(/李秀英|13900001111|噪音/);
    expect(ownText).not.toContain(noise.number);

    for (const role of ["dispatcher", "supervisor", "admin"]) {
      const seen = (await staffGet(role, `/api/staff/tickets/${light.number}/conversation`)).json();
      expect(seen.masked).toBe(true);
      const text = seen.messages.map((m: { text: string }) => m.text).join("\n");
      expect(text).toContain(`我的电话是${MASKED_PHONE}`);
      expect(text).not.toContain(PHONE);
      expect(text).not.toMatch(/李秀英|13900001111/);
    }
    const noiseView = (await staffGet("admin", `/api/staff/tickets/${noise.number}/conversation`)).json();
    const noiseText = noiseView.messages.map((m: { text: string }) => m.text).join("\n");
    expect(noiseText).toContain("李秀英");
    expect(noiseText).not.toContain("13900001111");
    expect(noiseText).not.toMatch(/你好|我的电话是/);
  });

  it("8. masks the reply and the rating comment for dispatchers, supervisors and admins", async () => {
    const ticket = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    await resolve(ticket.number, `已电话联系${PHONE}确认`);
    await t.hub.cases.actions.apply(
      { number: ticket.number },
      { type: "rate", rating: 5, comment: `很好，师傅电话13900001111` },
      "citizen:webchat",
    );
    const own = (await staffGet("cg.zhang", `/api/staff/tickets/${ticket.number}`)).json();
    expect(own).toMatchObject({ resolution: `已电话联系${PHONE}确认`, ratingComment: "很好，师傅电话13900001111" });
    for (const role of ["dispatcher", "supervisor", "admin"]) {
      const seen = (await staffGet(role, `/api/staff/tickets/${ticket.number}`)).json();
      expect(seen).toMatchObject({
        resolution: `已电话联系${MASKED_PHONE}确认`,
        ratingComment: "很好，师傅电话139****1111",
      });
    }
  });

  it("13. answers 409 to a merge into itself or into its own child, and changes nothing", async () => {
    const parent = await fileAndRoute(t.hub, `南湖区${road()}井盖丢了`);
    const self = await act("dispatcher", parent.number, {
      action: "merge",
      parentNumber: parent.number,
      reason: "重复",
    });
    expect(self.statusCode, self.body).toBe(409);
    expect(self.json().message).toContain("工单不能并入自身");

    const child = await fileAndRoute(t.hub, `南湖区${road()}井盖没了`);
    expect(
      (await act("dispatcher", child.number, { action: "merge", parentNumber: parent.number, reason: "同一井盖" }))
        .statusCode,
    ).toBe(200);
    const cycle = await act("dispatcher", parent.number, {
      action: "merge",
      parentNumber: child.number,
      reason: "重复",
    });
    expect(cycle.statusCode, cycle.body).toBe(409);

    // The lifecycle service refuses a cycle however it is asked.
    const direct = t.hub.cases.actions.apply(
      { id: parent.id },
      { type: "merge", parentId: child.id, parentNumber: child.number, reason: "重复" },
      "staff:dispatcher",
    );
    await expect(direct).rejects.toBeInstanceOf(ActionRejected);
    await expect(direct).rejects.toMatchObject({ kind: "conflict", message: expect.stringContaining("循环") });
    const after = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: parent.id } });
    expect(after).toMatchObject({ status: "assigned", parentId: null });
  });
});
