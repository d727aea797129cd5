// A question can name an item in full and still ask about something else: the object only
// modifies the word the question is about (政务服务中心的食堂: the canteen), or an item its object
// names in full (低保, 护照) meets a word that belongs to another domain. Such a question names
// no more than the item's object: the re-ranker reads it so, and the item is at most offered.
// Words the item's guide speaks of (公租房 + 租金: its fee), words several guides mention (照片,
// 电话) and facet words (多少钱) stay its own.
import { describe, expect, it } from "vitest";
import { HeadConcepts, HeadLevel } from "../src/language/components/head-concepts.ts";
import { Understander } from "../src/language/understander.ts";
import { headItem, shippedCatalog } from "./support/catalog.ts";

const housing = {
  ...headItem("ZJ101", "公共租赁住房申请", { objects: ["公租房"] }),
  department: "ZJ",
  fee: "申请不收费；租金按本市标准收取",
};
const welfare = { ...headItem("MZ103", "最低生活保障申请", { objects: ["低保"] }), department: "MZ" };
const licence = {
  ...headItem("CJ101", "驾驶证换证", { objects: ["驾驶证"], actions: ["换"] }),
  department: "CJ",
  steps: ["到指定医院体检", "到车管所窗口换证"],
};
const heads = new HeadConcepts([housing, welfare, licence], [], [], ["多少钱", "材料"]);

describe("what an item covers", () => {
  it("reads the item's guide: name, aliases, head words, steps, fee", () => {
    expect(heads.covers(0, "租金")).toBe(true);
    expect(heads.covers(0, "物业费")).toBe(false);
    expect(heads.covers(2, "体检")).toBe(true);
    expect(heads.covers(2, "驾校")).toBe(false);
    // Asking again reads the remembered answer.
    expect(heads.covers(0, "租金")).toBe(true);
  });

  it("knows facet words, domains and items whose object alone names them", () => {
    expect(heads.isFacetWord("材料")).toBe(true);
    expect(heads.isFacetWord("多少")).toBe(true);
    expect(heads.isFacetWord("开车")).toBe(false);
    expect(heads.sameDomain(0, 1)).toBe(false);
    expect(heads.sameDomain(1, 1)).toBe(true);
    expect(heads.objectOnly(1)).toBe(true);
    expect(heads.objectOnly(2)).toBe(false);
    expect(heads.objectIn("公租房小区", 0)).toBe(true);
    expect(heads.objectIn("小区", 0)).toBe(false);
    // A word several items' guides mention is common to services (every test item's steps say 办理).
    expect(heads.isCommonWord("办理")).toBe(true);
    expect(heads.isCommonWord("体检")).toBe(false);
  });

  it("leaves the head level of the words alone: the matcher decides what the question asks about", () => {
    expect(heads.level(heads.query("公租房小区的物业费谁交", []), 0)).toBe(HeadLevel.full);
  });
});

describe("questions that name an item and ask about something else, in the shipped catalog", () => {
  it("does not answer them with the item", async () => {
    const understander = new Understander(await shippedCatalog());
    for (const text of [
      "政务服务中心的食堂几点开饭",
      "公租房小区的物业费谁交",
      "政务服务中心的保安招人吗",
      "低保对象的孩子考大学能加分吗",
      "离婚律师费一般多少",
      "护照能带几瓶酒",
      "居住证持有人能摇号买车吗",
    ]) {
      const u = understander.understand(text);
      expect(u.decision, text).not.toBe("answer");
    }
  });

  it("still answers a part of the item that several services have (照片, 电话, 有效期)", async () => {
    const understander = new Understander(await shippedCatalog());
    for (const [text, code] of [
      ["护照照片能自己带吗", "GA007"],
      ["护照有效期是几年", "GA007"],
      ["政务中心电话多少", "ZW001"],
      ["退休金计算方法", "RS006"],
      ["结婚登记处在哪里", "MZ001"],
    ]) {
      const u = understander.understand(text!);
      expect(u.decision, text).toBe("answer");
      expect(u.serviceItem?.code, text).toBe(code);
    }
  });

  it("still answers what the item's guide speaks of, and its facets", async () => {
    const understander = new Understander(await shippedCatalog());
    for (const [text, code] of [
      ["公租房租金怎么交", "ZJ001"],
      ["父母的房子继承要办什么手续", "ZR001"],
      ["政务服务中心周日开门吗", "ZW001"],
      ["低保金一个月多少钱", "MZ003"],
      ["结婚登记需要带户口本吗", "MZ001"],
      ["离婚登记的冷静期是多久", "MZ002"],
      ["失业金能领多久", "RS003"],
    ]) {
      const u = understander.understand(text!);
      expect(u.decision, text).toBe("answer");
      expect(u.serviceItem?.code, text).toBe(code);
    }
  });
});
