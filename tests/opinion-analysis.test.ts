// The opinion analysis, component by component, on the shipped intents/ (catalog,
// gazetteer, lexicon), and analyzeMessage as a whole: deterministic and idempotent.
import { beforeAll, describe, expect, it } from "vitest";
import { loadOpinionLexicon } from "../src/knowledge/load-opinion-lexicon.ts";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import type { OpinionLexicon } from "../src/knowledge/opinion-lexicon-schema.ts";
import { loadOpinionAnalyzer } from "../src/opinion/load-opinion-analyzer.ts";
import type { OpinionAnalyzer } from "../src/opinion/opinion-analyzer.ts";
import { PlaceFinder } from "../src/opinion/place-finder.ts";
import { adjustedWeight } from "../src/opinion/sentiment-scorer.ts";
import { SentimentLexicon } from "../src/opinion/sentiment-lexicon.ts";
import { INTENTS_DIR } from "./support/catalog.ts";

let analyzer: OpinionAnalyzer;
let lexicon: OpinionLexicon;
let places: PlaceFinder;
beforeAll(async () => {
  analyzer = await loadOpinionAnalyzer(INTENTS_DIR);
  lexicon = await loadOpinionLexicon(INTENTS_DIR);
  places = new PlaceFinder(await loadGazetteer(INTENTS_DIR));
});

const analyze = (text: string) => analyzer.analyzeMessage(text);
const score = (text: string) => analyze(text).sentimentScore;

describe("sentiment", () => {
  it("reads 满意 as positive and 不满意 as negative", () => {
    expect(analyze("我对这次办事很满意").sentiment).toBe("positive");
    expect(analyze("我对这次办事很不满意").sentiment).toBe("negative");
    expect(analyze("不满意").sentiment).toBe("negative");
    expect(score("不满意")).toBeCloseTo(-score("满意"), 5);
  });

  it("reads 不太好 as negative, but milder than 不好", () => {
    expect(analyze("窗口的服务不太好").sentiment).toBe("negative");
    expect(score("服务不太好")).toBeLessThan(0);
    expect(score("服务不太好")).toBeGreaterThan(score("服务不好"));
  });

  it("strengthens with intensifiers and weakens with diminishers", () => {
    expect(score("非常满意")).toBeGreaterThan(score("满意"));
    expect(score("满意")).toBeGreaterThan(score("有点满意"));
    expect(score("太差了")).toBeLessThan(score("差"));
    expect(score("非常不满意")).toBeLessThan(score("不满意"));
  });

  it("reads a negated negative word as mildly positive, never as strongly as the plain positive", () => {
    expect(score("不差")).toBeGreaterThan(0);
    expect(score("不差")).toBeLessThan(score("好"));
    const lex = new SentimentLexicon(lexicon);
    const bad = lex.sense("差")!;
    expect(adjustedWeight(bad, [1], 1)).toBe(-bad.weight * 0.5);
    expect(adjustedWeight(bad, [1, 1], 1)).toBe(bad.weight * 0.5);
  });

  it("reads 好 before a sentiment word as a degree word, not as praise", () => {
    expect(analyze("好担心").sentiment).toBe("negative");
    expect(score("好担心")).toBeLessThan(score("担心"));
    expect(analyze("好开心").sentiment).toBe("positive");
    expect(analyze("服务很好").sentiment).toBe("positive");
  });

  it("does not read an A-not-A question as a negation (会不会有危险 is no reassurance)", () => {
    expect(analyze("住在下游会不会有危险").sentiment).toBe("negative");
    expect(analyze("住在下游不会有危险").sentiment).not.toBe("negative");
  });

  it("stops a negator at the end of its clause", () => {
    // 不 belongs to 不用排队; the second clause's 满意 stays positive.
    expect(analyze("今天不用排队，很满意").sentiment).toBe("positive");
    expect(analyze("没有，很满意").sentiment).toBe("positive");
  });

  it("weighs what follows a contrast word more than what precedes it", () => {
    expect(analyze("态度还算不错，但是办事太慢了").sentiment).toBe("negative");
    expect(analyze("等了很久，不过工作人员很耐心，非常感谢").sentiment).toBe("positive");
  });

  it("finds a sentiment word split by the segmenter (没人/管)", () => {
    expect(analyze("楼道的灯坏了半年没人管").sentiment).toBe("negative");
  });

  it("leaves plain questions and statements neutral with a score of 0", () => {
    for (const text of ["请问身份证丢了怎么补办", "公积金提取需要带什么材料", "明天几点开门"]) {
      expect(analyze(text), text).toMatchObject({ sentiment: "neutral", sentimentScore: 0, emotion: "中性" });
    }
  });

  it("treats 呵呵 as sarcasm (negative) but does not see irony in praise words", () => {
    expect(analyze("呵呵，又停水了").sentiment).toBe("negative");
    // Known limit: sarcastic praise reads as praise.
    expect(analyze("真是太好了，又停电了").sentiment).not.toBe("negative");
  });

  it("reads 所谓的 as a negator of the praise after it", () => {
    expect(analyze("这就是所谓的便民？").sentiment).toBe("negative");
  });

  it("keeps the score inside (-1, 1)", () => {
    const long = "太差了！".repeat(50);
    expect(score(long)).toBeGreaterThan(-1);
    expect(score(long)).toBeLessThan(-0.9);
  });
});

describe("emotion", () => {
  it.each([
    ["气死了，投诉了三次都没人管", "愤怒"],
    ["孩子发烧三天了，好担心，睡不着", "焦虑/担忧"],
    ["小区电梯老是突然下坠，太吓人了", "焦虑/担忧"],
    ["老人走了，心里好难过", "悲伤"],
    ["谢谢你们，问题当天就解决了", "喜悦/感谢"],
    ["请问社保卡在哪里办", "中性"],
  ])("%s → %s", (text, emotion) => {
    expect(analyze(text).emotion).toBe(emotion);
  });

  it("lets negative words without an emotion speak for the default emotion", () => {
    // 臭气熏天 (no emotion of its own) outweighs the weak fear word 不敢.
    expect(analyze("垃圾站臭气熏天，根本不敢开窗").emotion).toBe("愤怒");
    expect(analyze("停水了，好担心").emotion).toBe("焦虑/担忧");
  });

  it("does not count a negated emotion word (我不怕 is no fear)", () => {
    expect(analyze("我不怕").emotion).not.toBe("焦虑/担忧");
  });

  it("gives a negative message without an emotion word the lexicon's default emotion", () => {
    const result = analyze("路灯坏了");
    expect(result.sentiment).toBe("negative");
    expect(result.emotion).toBe(lexicon.thresholds.defaultNegativeEmotion);
  });

  it("agrees with the sentiment", () => {
    for (const text of ["很满意", "太差了", "你好", "担心", "哈哈哈，太好了"]) {
      const { sentiment, emotion } = analyze(text);
      if (sentiment === "positive") expect(emotion).toBe("喜悦/感谢");
      if (sentiment === "neutral") expect(emotion).toBe("中性");
      if (sentiment === "negative") expect(["愤怒", "焦虑/担忧", "悲伤"]).toContain(emotion);
    }
  });
});

describe("keywords", () => {
  it("keeps the catalog's item words and the gazetteer's names whole", () => {
    const first = analyze("住房公积金租房提取太难了，跑了人民路街道三趟").keywords;
    expect(first).toContain("住房公积金租房提取");
    expect(first).toContain("人民路街道");
    const second = analyze("住房公积金一直提不出来，市民服务中心说要等").keywords;
    expect(second).toContain("住房公积金");
    expect(second).toContain("市民服务中心");
    expect([...first, ...second].some((k) => ["住房", "人民路", "市民", "服务中心"].includes(k))).toBe(false);
  });

  it("gives at most five, without stop words, function words, digits or single characters", () => {
    const { keywords } = analyze("请问一下，我们小区3号楼的电梯已经坏了10天了，物业一直不修，希望尽快处理，谢谢");
    expect(keywords.length).toBeLessThanOrEqual(5);
    expect(keywords).toContain("电梯");
    expect(keywords).toContain("物业");
    for (const word of ["请问", "一下", "我们", "已经", "希望", "10"]) expect(keywords).not.toContain(word);
    for (const keyword of keywords) expect(keyword.length).toBeGreaterThanOrEqual(2);
  });

  it("finds the city's own words for matters, which jieba cuts apart, each once", () => {
    // Case categories' and departments' keywords (intents/case-categories.yaml, departments.yaml).
    expect(analyze("和平路的井盖松了，车一压就响").keywords).toEqual(expect.arrayContaining(["井盖", "和平路"]));
    expect(analyze("楼下有人飞线充电，太危险了").keywords).toContain("飞线充电");
    const stalls = analyze("学校门口天天有人占道经营").keywords;
    expect(stalls).toContain("占道经营");
    expect(stalls).not.toContain("经营");
    // A word inside a longer one found (垃圾 in 垃圾桶) is not a keyword of its own.
    const bins = analyze("小区的垃圾桶满了没人清，垃圾桶旁边全是苍蝇").keywords;
    expect(bins.filter((k) => k.startsWith("垃圾"))).toEqual(["垃圾桶"]);
  });

  it("gives none for an empty message", () => {
    expect(analyze("")).toEqual({ sentiment: "neutral", sentimentScore: 0, emotion: "中性", keywords: [], places: [] });
  });
});

describe("places", () => {
  it("resolves names and aliases to the gazetteer's standard name, code and level", () => {
    expect(places.find("市一院门口天天堵车")).toEqual([
      { name: "市第一人民医院", code: "990102P007", level: "landmark" },
    ]);
    expect(places.find("高新技术产业开发区的路灯")).toEqual([{ name: "高新区", code: "990171", level: "district" }]);
  });

  it("takes the longest name where names overlap", () => {
    expect(places.find("和平路社区门口").map((p) => p.name)).toEqual(["和平路社区"]);
    expect(places.find("和平路上全是积水").map((p) => p.name)).toEqual(["和平路"]);
  });

  it("does not report a place's parents beside it", () => {
    const found = places.find("东湖区人民路街道阳光社区停水了");
    expect(found).toEqual([{ name: "阳光社区", code: "990102001003", level: "community" }]);
    // A parent mentioned alone is reported.
    expect(places.find("人民路街道停水了").map((p) => p.level)).toEqual(["street"]);
    // Unrelated places are all reported, in order of mention, each once.
    expect(places.find("南湖区和北城区，还有南湖区").map((p) => p.name)).toEqual(["南湖区", "北城区"]);
  });

  it("gives a name two communities share to the one under the street the message names", () => {
    const inBeicheng = places.find("幸福街道幸福社区");
    const inDonghu = places.find("解放路街道幸福社区");
    expect(inBeicheng.map((p) => p.code)).toEqual(["990105006002"]);
    expect(inDonghu.map((p) => p.code)).toEqual(["990102002004"]);
    // Without a hint: the first in the file.
    expect(places.find("幸福社区").map((p) => p.code)).toEqual(["990102002004"]);
  });

  it("finds places in messages written in full-width or traditional characters", () => {
    expect(analyze("東湖區人民廣場").places.map((p) => p.name)).toEqual(["人民广场"]);
  });
});

describe("the trained model", () => {
  let lexiconOnly: OpinionAnalyzer;
  beforeAll(async () => {
    lexiconOnly = await loadOpinionAnalyzer(INTENTS_DIR, { modelDir: false });
  });

  it("is left out on request", () => {
    expect(lexiconOnly.components.map((c) => c.name)).not.toContain("model");
  });

  it("never changes a clear lexicon verdict or one that rests on a negation", () => {
    for (const text of [
      "不满意",
      "非常满意",
      "好担心",
      "态度还算不错，但是办事太慢了",
      "谢谢你们，辛苦了",
      "心疼",
      "不差",
      "我不怕",
    ]) {
      expect(analyze(text), text).toEqual(lexiconOnly.analyzeMessage(text));
    }
  });

  it("decides only messages without a sentiment word, consistently and within the lexicon's reach", () => {
    // Complaints and thanks without a lexicon word: some of them the model reads.
    const texts = [
      "孩子下个月入学，户口还没迁过来",
      "下水道的污水流到了楼道里",
      "网格员每周都来看望我家老人",
      "请问社保卡在哪里办",
      "楼下的烧烤摊开到凌晨三点",
    ];
    let decided = 0;
    for (const text of texts) {
      const bare = lexiconOnly.analyzeMessage(text);
      expect(bare.sentimentScore, text).toBe(0);
      const withModel = analyze(text);
      if (withModel.sentiment === "neutral") {
        expect(withModel).toEqual(bare);
        continue;
      }
      decided++;
      expect(Math.abs(withModel.sentimentScore), text).toBeGreaterThanOrEqual(0.25);
      expect(Math.abs(withModel.sentimentScore), text).toBeLessThan(0.5);
      if (withModel.sentiment === "positive") expect(withModel.emotion).toBe("喜悦/感谢");
      else expect(["愤怒", "焦虑/担忧", "悲伤"]).toContain(withModel.emotion);
      expect(withModel.keywords).toEqual(bare.keywords);
      expect(withModel.places).toEqual(bare.places);
    }
    expect(decided).toBeGreaterThan(0);
  });
});

describe("analyzeMessage", () => {
  it("answers the documented shape", () => {
    const result = analyze("东湖区阳光小区停水三天了，太不像话了！");
    expect(Object.keys(result)).toEqual(["sentiment", "sentimentScore", "emotion", "keywords", "places"]);
    expect(result.sentiment).toBe("negative");
    expect(result.places).toEqual([{ name: "阳光小区", code: "990102P011", level: "landmark" }]);
  });

  it("is deterministic and idempotent: the same text gives the same analysis, whatever came before", async () => {
    const texts = ["不满意", "人民路街道阳光社区停水", "谢谢你们", "好担心"];
    const first = texts.map(analyze);
    for (const text of ["太差了，气死了", "东湖公园", ...texts]) analyze(text);
    expect(texts.map(analyze)).toEqual(first);
    const other = await loadOpinionAnalyzer(INTENTS_DIR);
    expect(texts.map((t) => other.analyzeMessage(t))).toEqual(first);
  });

  it("runs its components in order: text, sentiment, model, emotion, keywords, places", () => {
    expect(analyzer.components.map((c) => c.name)).toEqual([
      "text",
      "sentiment",
      "model",
      "emotion",
      "keywords",
      "places",
    ]);
  });
});
