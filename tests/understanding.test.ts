import { beforeAll, describe, expect, it } from "vitest";
import { normalizeText } from "../src/understanding/normalize.ts";
import { Segmenter } from "../src/understanding/segmenter.ts";
import { Understander } from "../src/understanding/understander.ts";
import { shippedCatalog } from "./support/catalog.ts";

describe("normalize", () => {
  it("turns full-width into half-width and drops emoji and repeated punctuation", () => {
    expect(normalizeText("ＡＢＣ１２３４５　身份证😭😭怎么办？？？")).toBe("abc12345 身份证怎么办?");
  });
});

describe("segmenter", () => {
  it("keeps the catalog's words and numbers whole", () => {
    const segmenter = new Segmenter(["住房公积金", "港澳通行证"]);
    const words = segmenter.segment("住房公积金怎么提取，打12345问港澳通行证");
    expect(words).toContain("住房公积金");
    expect(words).toContain("港澳通行证");
    expect(words).toContain("12345");
    expect(words).not.toContain("，");
  });
});

describe("understander on the shipped catalog", () => {
  let understander: Understander;
  beforeAll(async () => {
    understander = new Understander(await shippedCatalog());
  });

  it.each([
    ["身份证丢了怎么办", "居民身份证补领"],
    ["租房子能不能提公积金", "住房公积金租房提取"],
    ["政务服务中心几点上班", "政务服务中心办公时间地址"],
    ["驾照到期了要换", "机动车驾驶证换证"],
    ["孩子刚出生怎么上户口", "新生儿出生登记"],
  ])("answers %s with %s", (question, item) => {
    const result = understander.understand(question);
    expect(result.kind).toBe("service");
    expect(result.serviceItem?.name).toBe(item);
    expect(result.confidence).toBeGreaterThan(0);
  });

  it.each([
    ["小区门口路灯坏了一个月没人修", "城建"],
    ["老板拖欠我们三个月工资不给", "就业"],
  ])("files %s as a complaint in domain %s", (text, domain) => {
    const result = understander.understand(text);
    expect(result.kind).toBe("complaint");
    expect(result.domain).toBe(domain);
  });

  it("recognizes a rude clerk as a complaint", () => {
    expect(understander.understand("办事窗口的工作人员态度太差了").kind).toBe("complaint");
  });

  it("recognizes suggestions, greetings and requests for a human", () => {
    expect(understander.understand("建议在地铁站附近多增设一些共享单车停放点").kind).toBe("suggestion");
    expect(understander.understand("你好").kind).toBe("greeting");
    expect(understander.understand("转人工").kind).toBe("handoff");
  });

  it("does not answer a question outside the catalog with the nearest item", () => {
    for (const text of ["明天天气怎么样", "推荐一部好看的电影", "股票怎么买"]) {
      expect(understander.understand(text).kind, text).toBe("unknown");
    }
  });

  it("handles empty and punctuation-only input", () => {
    expect(understander.understand("？？？").kind).toBe("unknown");
    expect(understander.understand("😀").kind).toBe("unknown");
  });
});
