import { describe, expect, it } from "vitest";
import { clusterQuestions, shingles } from "../src/conversation/question-clusters.ts";
import { jaccard } from "../src/language/text/jaccard.ts";

describe("question clusters", () => {
  it("puts wordings of one question together and keeps different questions apart", () => {
    const clusters = clusterQuestions([
      { text: "怎么申请专利", count: 3 },
      { text: "专利怎么申请？", count: 1 },
      { text: "我的电话138****5678，怎么申请专利", count: 1 },
      { text: "宽带怎么安装", count: 2 },
      { text: "家里宽带怎么安装啊", count: 1 },
      { text: "怎么办狗证", count: 1 },
    ]);
    expect(clusters.map((c) => [c.representative.text, c.count])).toEqual([
      ["怎么申请专利", 5],
      ["宽带怎么安装", 3],
      ["怎么办狗证", 1],
    ]);
  });

  it("compares texts by character bigrams, ignoring digits and punctuation", () => {
    expect([...shingles("身份證，123丢了")]).toEqual(["身份", "份证", "证丢", "丢了"]);
    expect(jaccard(shingles("身份证丢了"), shingles("身份证丢了！！"))).toBe(1);
    expect(jaccard(shingles("身份证丢了"), shingles("宽带安装"))).toBe(0);
  });
});
