import { describe, expect, it } from "vitest";
import { namesOf } from "../src/knowledge/department-names.ts";
import { DepartmentRouter } from "../src/routing/department-router.ts";
import {
  canonicalJson,
  checkChain,
  contentHash,
  findBrokenLink,
  GENESIS_HASH,
  legacyEventHash,
  publicData,
  type StoredEvent,
} from "../src/tickets/event-chain.ts";
import { chainedEvent } from "../src/tickets/ticket-events.ts";
import { formatTicketNumber, isTicketNumber, localDay } from "../src/tickets/ticket-number.ts";

describe("ticket numbers", () => {
  it("uses the city's local date", () => {
    // 2026-11-22 17:30 UTC is already 23 November in Beijing time.
    expect(localDay(new Date("2026-11-22T17:30:00Z"), "Asia/Shanghai")).toBe("20261123");
    expect(localDay(new Date("2026-11-22T15:59:00Z"), "Asia/Shanghai")).toBe("20261122");
  });

  it("formats and recognizes readable numbers", () => {
    expect(formatTicketNumber("20261122", 123)).toBe("GD20261122-000123");
    expect(isTicketNumber("GD20261122-000123")).toBe(true);
    expect(isTicketNumber("GD2026112-000123")).toBe(false);
  });
});

describe("department routing", () => {
  const router = new DepartmentRouter(
    [
      { code: "CG", name: "城管局", domains: ["城建"], keywords: ["路灯", "井盖"], aliases: [] },
      { code: "GA", name: "公安局", domains: ["治安"], keywords: ["噪音扰民"], aliases: [] },
      { code: "HB", name: "环保局", domains: ["环保"], keywords: ["噪音"], aliases: [] },
    ],
    "PD",
  );

  it("prefers a department's keyword", () => {
    expect(router.route({ text: "小区路灯坏了", domain: "治安" })).toEqual({
      departmentCode: "CG",
      rule: "keyword",
      evidence: "路灯",
    });
  });

  it("prefers the longest keyword", () => {
    expect(router.route({ text: "楼下夜里噪音扰民" })).toMatchObject({ departmentCode: "GA", evidence: "噪音扰民" });
  });

  it("falls back to the domain, then to the dispatcher", () => {
    expect(router.route({ text: "有人打架", domain: "治安" })).toEqual({
      departmentCode: "GA",
      rule: "domain",
      evidence: "治安",
    });
    expect(router.route({ text: "说不清楚的事", domain: null })).toEqual({ departmentCode: "PD", rule: "dispatcher" });
  });
});

describe("the names praise may give a department", () => {
  const department = (code: string, name: string, aliases: string[] = []) => ({
    code,
    name,
    aliases,
    domains: [],
    keywords: [],
  });

  it("reads the full name, the name without 市 or brackets, the part in brackets, and the aliases", () => {
    expect(namesOf(department("CJ", "市公安局交通警察支队（车辆管理所）", ["交警"]))).toEqual([
      "市公安局交通警察支队（车辆管理所）",
      "市公安局交通警察支队",
      "公安局交通警察支队",
      "车辆管理所",
      "交警",
    ]);
    // The part in brackets keeps its own 市 (市民服务中心).
    expect(namesOf(department("ZW", "市政务服务管理局（市民服务中心）"))).toContain("市民服务中心");
  });

  it("routes to the department named, the longest name winning", () => {
    const router = new DepartmentRouter(
      [department("GA", "市公安局", ["派出所"]), department("CJ", "市公安局交通警察支队", ["交警"])],
      "PD",
    );
    expect(router.named("感谢公安局交通警察支队的民警")).toEqual({
      departmentCode: "CJ",
      rule: "named",
      evidence: "公安局交通警察支队",
    });
    expect(router.named("表扬派出所的李警官")).toMatchObject({ departmentCode: "GA", evidence: "派出所" });
    expect(router.named("表扬一下")).toBeUndefined();
  });
});

describe("event hash chain", () => {
  const at = new Date("2026-11-22T08:00:00.000Z");
  function chain(n: number): StoredEvent[] {
    const events: StoredEvent[] = [];
    let head = { eventCount: 0, headHash: null as string | null };
    for (let seq = 1; seq <= n; seq++) {
      const event = chainedEvent(
        "t1",
        head,
        {
          type: `e${seq}`,
          actor: "system",
          note: `note ${seq}`,
          data: { b: 1, a: [seq], reply: `已电话联系138001380${seq}0` },
        },
        at,
      );
      events.push(event);
      head = { eventCount: seq, headHash: event.hash };
    }
    return events;
  }
  /** What the retention policy (and the database trigger) allows: erase note and personal keys. */
  function erased(event: StoredEvent): StoredEvent {
    return { ...event, note: null, data: publicData(event.data), purgedAt: new Date() };
  }

  it("accepts an intact chain", () => {
    expect(findBrokenLink(chain(3))).toBeUndefined();
  });

  it("does not depend on JSON key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it("finds an edited event", () => {
    const events = chain(3);
    events[1] = { ...events[1]!, note: "quietly rewritten" };
    expect(findBrokenLink(events)).toEqual({ seq: 2, reason: "content does not match its hash" });
  });

  it("finds a removed event", () => {
    const events = chain(3);
    events.splice(1, 1);
    expect(findBrokenLink(events)).toMatchObject({ seq: 3 });
  });

  it("still verifies after personal content is erased, and keeps checking the rest of the event", () => {
    const events = chain(3).map(erased);
    expect(events[0]!.note).toBeNull();
    expect(events[0]!.data).toEqual({ b: 1, a: [1] });
    expect(checkChain(events)).toEqual({ unverifiable: 0 });
    const changed = [...events];
    changed[1] = { ...changed[1]!, data: { b: 2, a: [2] } };
    expect(findBrokenLink(changed)).toEqual({ seq: 2, reason: "content does not match its hash" });
    const relabelled = [...events];
    relabelled[2] = { ...relabelled[2]!, actor: "staff:someone-else" };
    expect(findBrokenLink(relabelled)).toMatchObject({ seq: 3 });
  });

  it("notices content put back wrongly on an event that is not marked erased", () => {
    const events = chain(2);
    events[0] = { ...events[0]!, data: publicData(events[0]!.data) };
    expect(findBrokenLink(events)).toEqual({ seq: 1, reason: "content does not match its hash" });
  });

  it("checks events from before content hashing by their content, and counts erased ones as unverifiable", () => {
    const fields = {
      ticketId: "t1",
      seq: 1,
      type: "created",
      actor: "citizen:webchat",
      note: "x",
      data: {},
      createdAt: at,
    };
    const legacy: StoredEvent = {
      ...fields,
      contentHash: null,
      purgedAt: null,
      prevHash: GENESIS_HASH,
      hash: legacyEventHash(GENESIS_HASH, fields),
    };
    expect(checkChain([legacy])).toEqual({ unverifiable: 0 });
    expect(findBrokenLink([{ ...legacy, note: "y" }])).toMatchObject({ seq: 1 });
    expect(checkChain([{ ...legacy, note: null, purgedAt: at }])).toEqual({ unverifiable: 1 });
  });

  it("hashes personal content apart from the rest", () => {
    const [event] = chain(1);
    expect(event!.contentHash).toBe(contentHash({ note: "note 1", data: { reply: "已电话联系13800138010", a: [9] } }));
    expect(event!.contentHash).not.toBe(contentHash({ note: "note 1", data: {} }));
  });
});
