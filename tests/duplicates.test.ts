// Duplicates (并案): a complaint repeating an open case is linked to it as a child;
// the department works the parent, and its resolution reaches every linked citizen.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeNames, samePlaces, textSimilarity } from "../src/cases/similarity.ts";
import { eventsOf, fileAndRoute, message, openTestTicket } from "./support/cases.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

const districts = ["东湖区", "西山区"];

describe("complaint similarity", () => {
  it("finds the same problem told in other words", () => {
    expect(
      textSimilarity(
        "东湖区幸福小区门口垃圾堆了三天没人清运",
        "东湖区幸福小区门口的垃圾好几天没人清运了，臭死了",
        districts,
      ),
    ).toBeGreaterThan(0.5);
    expect(textSimilarity("东湖区人民路路灯坏了", "东湖区人民路的路灯不亮了好几天", districts)).toBeGreaterThanOrEqual(
      0.3,
    );
  });

  it("tells different problems and different places apart", () => {
    expect(textSimilarity("东湖区人民路路灯坏了", "东湖区人民路井盖丢了", districts)).toBeLessThan(0.3);
    expect(
      samePlaces(placeNames("东湖区人民路路灯坏了", districts), placeNames("东湖区解放路路灯坏了", districts)),
    ).toBe(false);
    expect([...placeNames("人民路与解放路交叉口路灯不亮", districts)]).toEqual(["人民路", "解放路"]);
    // 广场舞 is a dance, not a square: noise from it on two roads is two problems.
    expect([...placeNames("东湖区人民路晚上广场舞噪音扰民", districts)]).toEqual(["人民路"]);
    expect(
      samePlaces(
        placeNames("东湖区人民路晚上广场舞噪音扰民", districts),
        placeNames("东湖区解放路晚上广场舞噪音扰民", districts),
      ),
    ).toBe(false);
    expect([...placeNames("人民广场跳广场舞太吵", districts)]).toEqual(["人民广场"]);
  });
});

describe.each(BACKENDS)("并案 on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const citizen = () => `web-${randomUUID().slice(0, 8)}`;

  it("links a repeat of an open case to it as a child, and tells that citizen", async () => {
    const parent = await fileAndRoute(t.hub, "西山区幸福小区门口垃圾堆了三天没人清运");
    expect(parent.status).toBe("assigned");
    const child = await fileAndRoute(t.hub, "西山区幸福小区门口的垃圾好几天没人清运了，臭死了", {
      channelUserId: citizen(),
    });
    expect(child).toMatchObject({
      status: "merged",
      parentId: parent.id,
      departmentCode: parent.departmentCode,
      category: "garbage",
    });
    const childEvents = await eventsOf(t.hub, child.id);
    expect(childEvents.at(-1)).toMatchObject({
      type: "merged",
      actor: "system:router",
      note: `与工单 ${parent.number} 反映同一问题，并案办理`,
    });
    expect((childEvents.at(-1)!.data as { similarity: number }).similarity).toBeGreaterThan(0.3);
    expect((await eventsOf(t.hub, parent.id)).at(-1)).toMatchObject({
      type: "linked",
      data: { childNumber: child.number },
    });
    const notice = await t.hub.db.prisma.delivery.findFirstOrThrow({
      where: { reason: `ticket:${child.number}:merged` },
    });
    expect((notice.replies as { text: string }[])[0]!.text).toContain(`与工单 ${parent.number} 反映的是同一问题`);
  });

  it("does not merge a different place, a different problem, or an old case", async () => {
    await fileAndRoute(t.hub, "东湖区人民路路灯坏了");
    expect((await fileAndRoute(t.hub, "东湖区解放路路灯坏了")).status).toBe("assigned");
    expect((await fileAndRoute(t.hub, "东湖区人民路井盖丢了")).status).toBe("assigned");
    const old = await fileAndRoute(t.hub, "北城区光明小区门口垃圾堆了三天没人清运", {
      at: new Date(Date.now() - 80 * 3600 * 1000),
    });
    expect(old.status).toBe("assigned");
    expect((await fileAndRoute(t.hub, "北城区光明小区门口的垃圾三天没人清运")).status).toBe("assigned");
  });

  it("merges only the repeats among tickets routed together, each into its own case", async () => {
    const garbage = await fileAndRoute(t.hub, "南湖区复兴小区门口垃圾堆了三天没人清运");
    const light = await fileAndRoute(t.hub, "北城区友谊路的路灯坏了一个星期");
    const texts = [
      "南湖区复兴小区门口的垃圾好几天没人清运了", // repeats garbage
      "北城区友谊路路灯坏了一个星期没人修", // repeats light
      "北城区红旗路路灯坏了一个星期没人修", // another road
      "南湖区复兴小区晚上广场舞噪音扰民", // same place, another problem
    ];
    const filed = await Promise.all(texts.map((text) => openTestTicket(t.hub, text)));
    // Routed at the same time, so the routing worker looks them up in one batch.
    await Promise.all(filed.map((f) => t.hub.cases.route(f.id)));
    const rows = await t.hub.db.prisma.ticket.findMany({ where: { id: { in: filed.map((f) => f.id) } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(filed.map((f) => [byId.get(f.id)!.status, byId.get(f.id)!.parentId])).toEqual([
      ["merged", garbage.id],
      ["merged", light.id],
      ["assigned", null],
      ["assigned", null],
    ]);
  });

  it("without a district, finds the repeat by coordinates (within 300 m), with or without a road name", async () => {
    const at = { latitude: 30.5512, longitude: 114.3121 };
    const near = { latitude: 30.5516, longitude: 114.3125 };
    const far = { latitude: 30.5712, longitude: 114.3321 };
    const unnamed = await fileAndRoute(t.hub, "公交站台旁边井盖丢了很危险", at);
    const named = await fileAndRoute(t.hub, "嘉运路公交站台旁边垃圾堆了三天没人清运", at);
    expect([unnamed.district, named.district]).toEqual([null, null]);
    expect(await fileAndRoute(t.hub, "公交站台旁边的井盖丢了，很危险", near)).toMatchObject({
      status: "merged",
      parentId: unnamed.id,
    });
    expect(await fileAndRoute(t.hub, "嘉运路公交站台旁边的垃圾三天没人清运", near)).toMatchObject({
      status: "merged",
      parentId: named.id,
    });
    expect((await fileAndRoute(t.hub, "公交站台旁边井盖丢了很危险", far)).status).toBe("assigned");
    expect((await fileAndRoute(t.hub, "嘉运路公交站台旁边垃圾堆了三天没人清运", far)).status).toBe("assigned");
  });

  it("notifies every linked citizen when the parent is resolved", async () => {
    const parent = await fileAndRoute(t.hub, "南湖区和平路的路灯不亮了好几天", { channelUserId: citizen() });
    const users = [citizen(), citizen()];
    const children = [];
    for (const user of users)
      children.push(await fileAndRoute(t.hub, "南湖区和平路的路灯坏了，好几天不亮了", { channelUserId: user }));
    expect(children.map((c) => c.status)).toEqual(["merged", "merged"]);

    await t.hub.cases.actions.apply({ id: parent.id }, { type: "accept" }, "staff:cg");
    await t.hub.cases.actions.apply(
      { id: parent.id },
      { type: "resolve", reply: "和平路路灯线路已修复。" },
      "staff:cg",
    );
    for (const [i, child] of children.entries()) {
      expect((await eventsOf(t.hub, child.id)).at(-1)).toMatchObject({ type: "parent_resolved", actor: "staff:cg" });
      const notice = await t.hub.db.prisma.delivery.findFirstOrThrow({
        where: { reason: `ticket:${child.number}:parent_resolved` },
      });
      expect(notice.channelUserId).toBe(users[i]);
      expect((notice.replies as { text: string }[])[0]!.text).toContain("和平路路灯线路已修复。");
    }
    const status = await t.hub.pipeline.handle(message(`查询工单 ${children[0]!.number}`, users[0]));
    expect(status.replies[0]!.text).toContain(`已与工单 ${parent.number} 合并办理，已办结，等待您的评价`);
  });

  it("lets the dispatcher merge by hand, into an open case only", async () => {
    const parent = await fileAndRoute(t.hub, "高新区科技园门口的井盖丢了");
    const other = await fileAndRoute(t.hub, "有个井盖不见了，很危险");
    const merged = await t.hub.cases.actions.apply(
      { id: other.id },
      { type: "merge", parentId: parent.id, parentNumber: parent.number, reason: "同一井盖" },
      "staff:dispatcher",
    );
    expect(merged.ticket).toMatchObject({ status: "merged", parentId: parent.id });
    await t.hub.cases.actions.apply({ id: parent.id }, { type: "reject", reason: "测试" }, "staff:dispatcher");
    const late = await fileAndRoute(t.hub, "另一件事，说不清楚");
    await expect(
      t.hub.cases.actions.apply(
        { id: late.id },
        { type: "merge", parentId: parent.id, parentNumber: parent.number, reason: "x" },
        "staff:dispatcher",
      ),
    ).rejects.toMatchObject({ kind: "conflict" });
    expect((await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: late.id } })).status).toBe("assigned");
  });
});
