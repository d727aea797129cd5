// Service stages (intents/service-stages.yaml): a question naming an item's object with a
// stage no item on that object offers (公积金 + 密码, 退休证 + 补, 营业执照 + 注销) is not about
// the item and falls back; the item's own stage (身份证 + 换领, 护照 + 补发) is still answered.
import { describe, expect, it } from "vitest";
import { HeadConcepts, HeadLevel } from "../src/language/components/head-concepts.ts";
import { Understander } from "../src/language/understander.ts";
import { headItem, shippedCatalog } from "./support/catalog.ts";

const item = headItem;

const stages = [
  { words: ["换领", "到期"], verbs: ["换"] },
  { words: ["补办", "丢了"], verbs: ["补"] },
  { words: ["注销"], verbs: [] },
  { words: ["密码", "重置"], verbs: [] },
  { words: ["查询", "记录"], verbs: [] },
];
const renew = item("GA102", "身份证换领", { objects: ["身份证"], actions: ["换", "到期"] });
const replace = item("GA103", "身份证补领", { objects: ["身份证"], actions: ["补", "丢"] });
const fund = item("GJJ101", "公积金租房提取", { objects: ["公积金"], actions: ["租房"] });
const retire = item("RS106", "退休申请", { objects: ["退休"] });
const shop = item("SJ101", "个体户设立登记", { objects: ["个体"], actions: ["执照", "办"] });
const record = item("GA109", "无犯罪记录证明开具", { objects: ["犯罪记录"] }, ["犯罪记录查询"]);
const items = [renew, replace, fund, retire, shop, record];
const heads = new HeadConcepts(items, ["考"], stages);
const level = (text: string, index: number) => heads.level(heads.query(text, []), index);

describe("service stages", () => {
  it("takes a question naming the object with a stage no item on it offers as about something else", () => {
    expect(level("公积金密码忘了怎么重置", 2)).toBe(HeadLevel.foreign);
    // Even for an item whose object needs no action (which a foreign *action* leaves at object level).
    expect(level("退休证丢了能补办吗", 3)).toBe(HeadLevel.foreign);
    expect(level("退休手续怎么办", 3)).toBe(HeadLevel.full);
    // Without the stage data, the same questions are about the items.
    const without = new HeadConcepts(items, ["考"]);
    expect(without.level(without.query("退休证丢了能补办吗", []), 3)).toBe(HeadLevel.full);
    expect(without.level(without.query("公积金密码忘了怎么重置", []), 2)).toBe(HeadLevel.object);
  });

  it("answers the item's own stage, and leaves a stage a sibling on the same object offers to the sibling", () => {
    expect(level("身份证到期了怎么换领", 0)).toBe(HeadLevel.full);
    expect(level("身份证丢了怎么补办", 1)).toBe(HeadLevel.full);
    // 补办 is GA103's: for GA102 it is the object without its action, not a foreign stage.
    expect(level("身份证丢了怎么补办", 0)).toBe(HeadLevel.object);
    // 注销 is no 身份证 item's.
    expect(level("人走了身份证要注销吗", 0)).toBe(HeadLevel.foreign);
    expect(level("人走了身份证要注销吗", 1)).toBe(HeadLevel.foreign);
  });

  it("lets a foreign stage outweigh the item's other actions, but not its own stage", () => {
    // 执照 and 办 are SJ101's actions, yet the question asks to close the shop, not to open it.
    expect(level("个体户执照怎么注销", 4)).toBe(HeadLevel.foreign);
    expect(level("个体户执照怎么办", 4)).toBe(HeadLevel.full);
    // An own stage word keeps the item: 换领 with 注销 in the same question.
    expect(level("身份证换领以后旧的要注销吗", 0)).toBe(HeadLevel.full);
  });

  it("counts a one-character verb only as the item's own head action", () => {
    // 补 is a verb of 补领 and GA103's action: it is a stage of GA103 (and offers 补领 to 身份证).
    expect(level("身份证能不能补", 1)).toBe(HeadLevel.full);
    // 换 likewise for GA102, even beside a foreign-looking word.
    expect(level("身份证重置后要换吗", 0)).toBe(HeadLevel.full);
    // Alone, 补 is no stage: 补贴 does not ask for a replacement of the 公积金.
    expect(level("公积金有补贴吗", 2)).toBe(HeadLevel.object);
  });

  it("does not take a stage word inside the item's object as its stage (犯罪记录: 记录)", () => {
    // 记录 is part of the object; 查询 is the item's (its alias), 密码 no item's.
    expect(level("犯罪记录查询", 5)).toBe(HeadLevel.full);
    expect(level("犯罪记录密码重置", 5)).toBe(HeadLevel.foreign);
  });
});

describe("service stages in the shipped catalog", () => {
  it("loads the stages: words of two characters or more, verbs of one", async () => {
    const catalog = await shippedCatalog();
    expect(catalog.serviceStages!.length).toBeGreaterThanOrEqual(10);
    for (const stage of catalog.serviceStages!) {
      for (const word of stage.words) expect(word.length, `${stage.name}: ${word}`).toBeGreaterThanOrEqual(2);
      for (const verb of stage.verbs) expect(verb.length).toBe(1);
    }
  });

  it("falls back on questions naming an item's object with a stage no item offers, and answers the items' own stages", async () => {
    const understander = new Understander(await shippedCatalog());
    for (const text of [
      "公积金联名卡的密码忘了怎么重置",
      "驾驶证想降级成C1怎么申请",
      "公租房到期了想续租要办啥",
      "低保想退出要怎么办理",
      "退休证找不到了能补一个吗",
      "营业执照不用了怎么注销",
      "公积金贷款能提前还款吗",
      "医保卡密码怎么修改",
    ]) {
      const u = understander.understand(text);
      expect(u.decision, text).toBe("fallback");
    }
    for (const [text, code] of [
      ["身份证到期了怎么换领", "GA002"],
      ["社保卡丢了怎么挂失", "RS002"],
      ["居住证到期了去哪签注", "GA004"],
      ["护照丢了怎么补发", "GA007"],
      ["食品经营许可证快过期了怎么续", "SJ003"],
      ["户口本上名字改了，身份证要去换吗", "GA002"],
    ]) {
      const u = understander.understand(text!);
      expect(u.decision, text).toBe("answer");
      expect(u.serviceItem?.code, text).toBe(code);
    }
  });

  it("keeps nearly every item's own examples about it by their words alone", async () => {
    const catalog = await shippedCatalog();
    const understander = new Understander(catalog);
    const shipped = new HeadConcepts(catalog.items, catalog.outOfScopeActions, catalog.serviceStages);
    const foreign: string[] = [];
    for (const [index, it] of catalog.items.entries()) {
      for (const example of it.examples) {
        const analyzed = understander.analyze(example);
        if (shipped.wordLevel(shipped.query(analyzed.text, analyzed.tokens), index) === HeadLevel.foreign)
          foreign.push(`${it.code} ${example}`);
      }
    }
    // Known: 结婚证找不到了还能办离婚吗 (MZ002: 补领 is the 结婚证's), 搬家了打疫苗要换社区医院吗 (WJ002).
    expect(foreign.length, foreign.join("\n")).toBeLessThanOrEqual(2);
  });
});
