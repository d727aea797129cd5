// The intake's decisions on their own (src/conversation/complaint-intake.ts): what it
// asks, when it files, and what it files, with the shipped intents/complaint-intake.yaml.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type IntakeState, intakeTurn, parseIntake, readSlots } from "../src/conversation/complaint-intake.ts";
import { type IntakeRules, loadIntakeRules } from "../src/knowledge/intake-rules.ts";

const INTENTS = path.resolve(import.meta.dirname, "../intents");
const now = new Date("2026-12-07T02:00:00Z");
const timing = { dropAfterMs: 30 * 60_000 };
let rules: IntakeRules;
beforeAll(async () => {
  rules = await loadIntakeRules(INTENTS);
});

const turn = (state: IntakeState | undefined, text: string, isComplaint: boolean, at = now) =>
  intakeTurn(rules, state, { text, isComplaint, now: at, timeZone: "Asia/Shanghai", hotline: "12345" }, timing);

describe("complaint intake", () => {
  it.each(["我要投诉", "太过分了", "你们这个系统太差了", "我要举报！"])(
    "a bare intent (%s) asks what happened, where and since when; nothing is filed",
    (text) => {
      const decision = turn(undefined, text, true);
      expect(decision.type).toBe("ask");
      if (decision.type !== "ask") return;
      expect(decision.state.awaiting).toEqual(["what", "where", "since"]);
      expect(decision.replies.join()).toContain("发生了什么");
      expect(decision.state.said).toEqual([]);
    },
  );

  it("files at once when one message says what and where", () => {
    const decision = turn(undefined, "幸福小区3栋门口的路灯坏了", true);
    expect(decision).toEqual({ type: "file", text: "幸福小区3栋门口的路灯坏了", replies: [] });
  });

  it("asks only for what is missing, and files with everything the citizen said", () => {
    const first = turn(undefined, "楼下餐馆油烟太大了，熏得家里没法开窗", true);
    expect(first.type).toBe("ask");
    if (first.type !== "ask") return;
    expect(first.state.awaiting).toEqual(["where", "since"]);
    expect(first.replies[0]).not.toContain("发生了什么");
    const second = turn(first.state, "人民路88号，上个月开始的", false);
    expect(second).toEqual({
      type: "file",
      text: "楼下餐馆油烟太大了，熏得家里没法开窗\n人民路88号，上个月开始的",
      replies: [],
    });
  });

  it("takes a reply that names no known place as the answer to the question asked", () => {
    const first = turn(undefined, "垃圾好几天没人收了，臭得不行", true);
    if (first.type !== "ask") throw new Error(first.type);
    expect(first.state.since).toBeDefined();
    expect(first.state.awaiting).toEqual(["where"]);
    const second = turn(first.state, "东门那个垃圾站", false);
    expect(second.type).toBe("file");
  });

  it("takes a location sent during the intake as the place, whatever was asked; alone it starts nothing", () => {
    const place = (state: IntakeState | undefined, label: string) =>
      intakeTurn(
        rules,
        state,
        { text: `位置：${label}`, isComplaint: false, now, timeZone: "Asia/Shanghai", hotline: "12345", place: label },
        timing,
      );
    expect(place(undefined, "人民广场")).toEqual({ type: "pass" });
    const bare = turn(undefined, "我要投诉", true);
    if (bare.type !== "ask") throw new Error(bare.type);
    expect(bare.state.awaiting[0]).toBe("what");
    // Awaiting "what", a location does not stand for it: the place is kept, and what is asked again.
    const located = place(bare.state, "幸福小区东门");
    if (located.type !== "ask") throw new Error(located.type);
    expect(located.state).toMatchObject({ where: "幸福小区东门", what: false, awaiting: ["what", "since"] });
    const filed = turn(located.state, "垃圾堆了一个星期没人清运", false);
    expect(filed).toMatchObject({ type: "file", text: "位置：幸福小区东门\n垃圾堆了一个星期没人清运" });
  });

  it("gives the emergency numbers first on an urgent report, once", () => {
    const first = turn(undefined, "闻到很大的煤气味", true);
    if (first.type !== "ask") throw new Error(first.type);
    expect(first.replies[0]).toContain("119");
    expect(first.replies).toHaveLength(2);
    const second = turn(first.state, "阳光小区5号楼二单元，刚刚开始的，煤气味还在", true);
    expect(second.type).toBe("file");
    if (second.type === "file") expect(second.replies).toEqual([]);
    expect(turn(undefined, "人民广场有人晕倒了", true)).toMatchObject({
      type: "file",
      replies: [expect.stringContaining("120")],
    });
  });

  it("stops after the questions run out: files what it has, or drops an intake with nothing in it", () => {
    const a = turn(undefined, "我要投诉", true);
    if (a.type !== "ask") throw new Error(a.type);
    const b = turn(a.state, "哎", true);
    if (b.type !== "ask") throw new Error(b.type);
    expect(b.replies[0]).toContain("还需要再确认");
    expect(turn(b.state, "唉", true)).toMatchObject({ type: "drop" });

    const c = turn(undefined, "噪音吵得睡不着觉", true);
    if (c.type !== "ask") throw new Error(c.type);
    const d = turn(c.state, "嗯嗯", true);
    if (d.type !== "ask") throw new Error(d.type);
    expect(turn(d.state, "唉", true)).toMatchObject({ type: "file", text: expect.stringContaining("噪音") });
  });

  it("is cancelled on request, passes other messages, and expires when the citizen goes quiet", () => {
    const a = turn(undefined, "我要投诉", true);
    if (a.type !== "ask") throw new Error(a.type);
    expect(turn(a.state, "算了", false)).toMatchObject({ type: "drop" });
    expect(turn(undefined, "身份证怎么补办", false)).toEqual({ type: "pass" });
    const later = new Date(now.getTime() + 31 * 60_000);
    expect(turn(a.state, "东门那个垃圾站", false, later)).toEqual({ type: "pass" });
  });

  it("reads places, times and urgency", () => {
    expect(readSlots(rules, "建国路和人民路交叉口，昨天晚上开始", now, "Asia/Shanghai")).toMatchObject({
      where: expect.stringContaining("建国路"),
      since: expect.any(String),
    });
    expect(readSlots(rules, "我要投诉", now, "Asia/Shanghai")).toEqual({ what: false });
  });

  it("round-trips its state through JSON and refuses a malformed one", () => {
    const a = turn(undefined, "垃圾好几天没人收了", true);
    if (a.type !== "ask") throw new Error(a.type);
    expect(parseIntake(JSON.parse(JSON.stringify(a.state)))).toEqual(a.state);
    expect(parseIntake({ ...a.state, awaiting: ["nonsense"] })).toBeUndefined();
    expect(parseIntake("x")).toBeUndefined();
  });
});
