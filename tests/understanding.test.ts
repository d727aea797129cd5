import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateUnderstanding, readEvalSets } from "../src/language/understanding-evaluation.ts";
import { HomophoneCorrector } from "../src/language/text/homophone-corrector.ts";
import { FeatureVocabulary } from "../src/language/ml/feature-vocabulary.ts";
import { IntegerMap, shortTextKey } from "../src/language/ml/integer-map.ts";
import { PhraseIndex, removePhrases } from "../src/language/text/phrase-index.ts";
import { normalizeCommonText, normalizeStepByStep, normalizeText } from "../src/language/text/normalize.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";
import { SynonymTable } from "../src/language/text/synonyms.ts";
import { TextAnalyzer } from "../src/language/components/text-analyzer.ts";
import { toSimplified } from "../src/language/text/traditional-to-simplified.ts";
import { Understander } from "../src/language/understander.ts";
import { shippedCatalog } from "./support/catalog.ts";

describe("normalize", () => {
  it("turns full-width into half-width and drops emoji and repeated punctuation", () => {
    expect(normalizeText("ＡＢＣ１２３４５　身份证😭😭怎么办？？？")).toBe("abc12345 身份证怎么办?");
  });

  it("turns traditional characters into simplified ones, phrases first", () => {
    expect(normalizeText("身份證丟了怎麼辦")).toBe("身份证丢了怎么办");
    expect(toSimplified("乾淨的頭髮")).toBe("干净的头发");
    expect(toSimplified("乾坤")).toBe("乾坤");
    // Already simplified text comes back as it was.
    const simplified = "住房公积金怎么提取";
    expect(toSimplified(simplified)).toBe(simplified);
  });

  it("takes the fast path for common text, with the same result as every step in turn", async () => {
    // Each BMP code unit alone, doubled, between spaces and beside letters and punctuation.
    let fast = 0;
    for (let code = 0; code < 0x10000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const c = String.fromCharCode(code);
      for (const text of [c, c + c, ` ${c}　${c} `, `A${c}ｂ`, `？${c}，`]) {
        const common = normalizeCommonText(text);
        if (common === undefined) continue;
        fast++;
        if (common !== normalizeStepByStep(text))
          expect(common, `U+${code.toString(16)} in ${JSON.stringify(text)}`).toBe(normalizeStepByStep(text));
      }
    }
    // Simplified Han, ASCII and full-width ASCII in every context: some 90,000 texts.
    expect(fast).toBeGreaterThan(80_000);
    const sets = await readEvalSets(path.join(import.meta.dirname, "fixtures/eval"));
    const messages = [...sets.service, ...sets.outOfCatalog, ...sets.complaints, ...sets.nonComplaints].map(
      (q) => q.text,
    );
    let common = 0;
    for (const text of messages) {
      if (normalizeCommonText(text) !== undefined) common++;
      expect(normalizeText(text), text).toBe(normalizeStepByStep(text));
    }
    // Most messages are common text (the rest have emoji, traditional characters …).
    expect(common).toBeGreaterThan(messages.length / 2);
  });

  it("leaves text it does not handle to every step in turn", () => {
    for (const text of ["身份證", "怎么办😭", "a\tb", "…", "ｶﾞ", "ⅰ", "x".repeat(300)]) {
      expect(normalizeCommonText(text), text).toBeUndefined();
      expect(normalizeText(text)).toBe(normalizeStepByStep(text));
    }
    expect(normalizeText("  ＡＢＣ，，办  理。。 ")).toBe("abc,办 理。");
  });
});

describe("homophone repair", () => {
  const corrector = new HomophoneCorrector(["住房公积金", "公积金", "身分证", "户口迁移", "驾照", "失业金"]);

  it("repairs a catalog term typed with a sound-alike character", () => {
    expect(corrector.correct(["公", "机", "金"])).toEqual(["公积金"]);
    expect(corrector.correct(["身分", "正", "丢了"])).toEqual(["身分证", "丢了"]);
    expect(corrector.correct(["户口", "千", "移"])).toEqual(["户口迁移"]);
    expect(corrector.correct(["驾", "找", "丢了"])).toEqual(["驾照", "丢了"]);
  });

  it("leaves real words alone", () => {
    // 事业单位 is a word of its own (jieba keeps it whole), not a misspelt 失业.
    const tokens = ["事业单位", "招聘"];
    expect(corrector.correct(tokens)).toBe(tokens);
    expect(corrector.correct(["我", "会", "算", "账"])).toEqual(["我", "会", "算", "账"]);
  });

  it("repairs a term at the end of the message, and nothing after its first character alone", () => {
    expect(corrector.correct(["丢了", "驾", "找"])).toEqual(["丢了", "驾照"]);
    expect(corrector.correct(["丢了", "驾"])).toEqual(["丢了", "驾"]);
    expect(corrector.correct(["丢了", "公", "机"])).toEqual(["丢了", "公", "机"]);
  });

  it("repairs terms whose second character has no pinyin reading, which only an equal character matches", () => {
    // 㐀 (CJK extension A) is outside the pinyin table: it sounds like nothing but itself.
    const rare = new HomophoneCorrector(["驾㐀", "公积金"]);
    expect(rare.correct(["价", "㐀"])).toEqual(["驾㐀"]);
    expect(rare.correct(["价", "丢"])).toEqual(["价", "丢"]);
    expect(rare.correct(["公", "机", "金"])).toEqual(["公积金"]);
  });
});

describe("integer map", () => {
  it("answers like a Map for keys it holds and -1 for others, across growth and overwrites", () => {
    const map = new IntegerMap();
    const reference = new Map<number, number>();
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    for (let i = 0; i < 5000; i++) {
      // Bigram-like keys (negative too) and small ones that collide in few slots.
      const key = i % 3 === 0 ? next() | 1 : (i % 97) + 1;
      map.set(key, i);
      reference.set(key, i);
    }
    expect(map.size).toBe(reference.size);
    for (const [key, value] of reference) expect(map.get(key)).toBe(value);
    let absent = 0;
    for (let i = 0; i < 5000; i++) {
      const key = next() | 1;
      if (!reference.has(key)) {
        absent++;
        expect(map.get(key)).toBe(-1);
      }
    }
    expect(absent).toBeGreaterThan(4000);
  });

  it("forgets every key when cleared, and takes new ones after", () => {
    const map = new IntegerMap();
    for (let key = 1; key <= 100; key++) map.set(key, key);
    map.clear();
    expect(map.size).toBe(0);
    for (let key = 1; key <= 100; key++) expect(map.get(key)).toBe(-1);
    map.set(7, 70);
    expect(map.get(7)).toBe(70);
    expect(map.size).toBe(1);
  });

  it("takes any 32-bit key (0 and unsigned hashes too) and refuses the others", () => {
    const map = new IntegerMap();
    map.set(0, 1);
    map.set(0xfffffffe, 2);
    expect(map.get(0)).toBe(1);
    expect(map.get(0xfffffffe)).toBe(2);
    expect(map.get(-2)).toBe(2); // the same 32 bits
    expect(() => map.set(2 ** 32, 1)).toThrow(RangeError);
    expect(() => map.set(1.5, 1)).toThrow(RangeError);
    expect(() => map.set(5, -1)).toThrow(RangeError);
  });
});

describe("phrase removal", () => {
  it("removes phrases found once or many times as repeated split/join would, longest first", () => {
    const phrases = ["多少钱", "怎么办", "办", "钱"];
    const index = new PhraseIndex(phrases);
    const length = (p: number) => phrases[p]!.length;
    for (const text of ["身份证多少钱", "护照丢了怎么办", "办证多少钱怎么办", "钱钱钱", "没有", "办", "补办身份证"]) {
      const { counted, rest } = removePhrases(text, index.find(text), length, (a, b) => a - b);
      let expected = text;
      const expectedCounted: number[] = [];
      phrases.forEach((phrase, p) => {
        if (!expected.includes(phrase)) return;
        expectedCounted.push(p);
        expected = expected.split(phrase).join(" ");
      });
      expect(rest, text).toBe(expected);
      expect(counted, text).toEqual(expectedCounted);
    }
  });
});

describe("short text keys and the feature vocabulary", () => {
  it("gives one- and two-character texts distinct non-zero keys, and 0 to the rest", () => {
    const texts = [
      "我",
      "们",
      "我们",
      "们我",
      "a",
      "ab",
      "ba",
      "\u0001",
      "\u0001\u0001",
      "\u9fff\u9fff",
      "\uffff\uffff",
    ];
    const keys = texts.map(shortTextKey);
    expect(new Set(keys).size).toBe(texts.length);
    expect(keys).not.toContain(0);
    for (const text of ["", "身份证", "\u0000", "\u0000a", "abc"])
      expect(shortTextKey(text), JSON.stringify(text)).toBe(0);
  });

  it("finds the id of every word it learnt, short or long, and no id for others", () => {
    const vocabulary = new FeatureVocabulary();
    const texts = [
      { tokens: ["我", "要", "办", "居民身份证"], words: ["我", "要", "办", "居民身份证", "身份证"] },
      { tokens: ["护照", "丢了", "怎么办"], words: ["护照", "丢了", "怎么办"] },
    ];
    for (const text of texts) vocabulary.learn(text);
    // Each word's id names that word (the vocabulary's own record of what it learnt).
    for (const word of texts.flatMap((t) => t.words))
      expect(vocabulary.name(vocabulary.wordId(word)), word).toBe(`w:${word}`);
    for (const word of ["你", "护", "丢失", "身份", "居民身份"]) expect(vocabulary.wordId(word), word).toBe(-1);
    const query = vocabulary.features({ tokens: ["护照", "丢失", "了"], words: ["护照", "丢失", "了"] });
    expect([...query.ids.subarray(0, query.count)]).toContain(vocabulary.wordId("护照"));
    expect(query.unseenWords).toBe(1); // 丢失
  });
});

describe("text analyzer", () => {
  it("reads tokens of every length the same from its remembered readings as the first time", () => {
    const make = () =>
      new TextAnalyzer(
        new Segmenter(["居民身份证", "住房公积金"]),
        new SynonymTable([
          ["居民身份证", "身份证", "身分证"],
          ["住房公积金", "公积金"],
        ]),
        new HomophoneCorrector(["住房公积金", "公积金", "身分证"]),
        { knownWords: new Set(["身份证", "公积金", "丢了"]), functionWords: new Set(["请问"]) },
      );
    const warm = make();
    const texts = [
      "请问身份证丢了怎么办",
      "公机金怎么提取",
      "我",
      "我们",
      "请问我们",
      "丢了",
      "丢失",
      "a1 身分证",
      "身份证丢了身份证丢了",
      "12345",
      "x\u0000y 办",
    ];
    for (const text of texts) warm.analyze(text);
    for (const text of texts) expect(warm.analyze(text), text).toEqual(make().analyze(text));
    // The remembered readings are the ones a fresh analyzer works out: canonical forms included.
    expect(warm.analyze("身分证").tokens).toEqual(["居民身份证"]);
  });
});

describe("synonym table", () => {
  it("has the groups the team owns", async () => {
    const synonyms = new SynonymTable((await shippedCatalog()).synonyms);
    const same = (a: string, b: string) =>
      expect(synonyms.canonicalize(a), `${a} ~ ${b}`).toBe(synonyms.canonicalize(b));
    same("身份证", "居民身份证");
    same("身分证", "居民身份证");
    same("社保", "社会保险");
    same("公积金", "住房公积金");
    same("驾照", "驾驶证");
    same("港澳通", "港澳通行证");
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
    ["我要表扬市民服务中心三号窗口的王姐，办事又快又耐心", "ZW"],
    ["给交警支队的民警点赞，昨天帮我把抛锚的车推到路边", "CJ"],
    ["感谢城管局的工作人员，小区门口的摊贩终于清走了", "CG"],
    ["想给社保局窗口的同志送一面锦旗", "RS"],
    ["谢谢你们的工作人员，服务很周到", undefined],
  ])("takes %s as praise, naming department %s", (text, department) => {
    const result = understander.understand(text);
    expect(result.kind).toBe("praise");
    expect(result.department?.code).toBe(department);
  });

  it.each([
    ["谢谢", "thanks"],
    ["谢谢你们", "thanks"],
    ["谢谢，请问政务服务中心几点上班", "service"],
    ["三号窗口的工作人员态度太差了，问两句就不耐烦", "complaint"],
    ["建议在人民路和建设街路口增设一个红绿灯", "suggestion"],
  ])("does not take %s as praise (%s)", (text, kind) => {
    expect(understander.understand(text).kind).toBe(kind);
  });

  it.each([
    ["阳光小区门口路灯坏了一个月没人修", "城建"],
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

  it("takes thanks and acknowledgements as closing the exchange, and only when nothing else is said", () => {
    for (const text of ["谢谢", "谢谢你们，问题解决了", "好的，知道了", "辛苦了！", "你好，收到了", "OK"]) {
      expect(understander.understand(text).kind, text).toBe("thanks");
    }
    expect(understander.understand("谢谢，身份证丢了怎么补办").kind).toBe("service");
    expect(understander.understand("好的，可是路灯还是不亮，一直没人修").kind).toBe("complaint");
  });

  it("takes a matter reported settled, with thanks, as thanks, though it names the old trouble", () => {
    for (const text of ["上回反映的路灯修好了，谢谢", "投诉的那家饭店油烟的事已经处理好了，辛苦你们了"])
      expect(understander.understand(text).kind, text).toBe("thanks");
    expect(understander.understand("路灯修好了，谢谢，可是隔壁那盏又不亮了").kind).toBe("complaint");
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

  it.each([
    ["身分正丢了", "GA003"],
    ["租房提公机金怎么操作", "GJJ001"],
    ["身份證丟了怎麼辦", "GA003"],
    ["港澳通过期了怎么办", "GA008"],
    ["驾照丢了怎么补", "CJ002"],
  ])("tolerates typos, traditional characters and synonyms: %s", (question, code) => {
    const result = understander.understand(question);
    expect(result.decision).toBe("answer");
    expect(result.serviceItem?.code).toBe(code);
  });

  it("asks which item is meant when the question fits several", () => {
    for (const text of ["社保卡", "公积金怎么提取"]) {
      const result = understander.understand(text);
      expect(result.decision, text).toBe("clarify");
      expect(result.options!.length, text).toBeGreaterThanOrEqual(2);
      expect(result.options!.length, text).toBeLessThanOrEqual(3);
      expect(result.serviceItem, text).toBeUndefined();
    }
  });

  it("falls back, with a calibrated low confidence in any item, outside the catalog", () => {
    for (const text of ["怎么申请专利", "宽带怎么安装", "明天天气怎么样"]) {
      const result = understander.understand(text);
      expect(result.decision, text).toBe("fallback");
      expect(result.candidates[0]?.probability ?? 0, text).toBeLessThan(0.12);
    }
  });

  it("reads the facet a question asks for, and whether it names an item", () => {
    expect(understander.understand("办护照要多少钱")).toMatchObject({ facet: "fee", serviceItem: { code: "GA007" } });
    expect(understander.understand("要带什么材料")).toMatchObject({ facet: "materials", followUp: true });
    expect(understander.understand("在哪办")).toMatchObject({ facet: "location", followUp: true });
    expect(understander.understand("多久能办好")).toMatchObject({ facet: "timeLimit", followUp: true });
    expect(understander.understand("可以网上办吗")).toMatchObject({ facet: "online", followUp: true });
  });

  it("reads picks of an offered option", () => {
    expect(understander.understand("2").pick).toBe(2);
    expect(understander.understand("第三个").pick).toBe(3);
    expect(understander.understand("1.").pick).toBe(1);
    expect(understander.understand("12345").pick).toBeUndefined();
  });
});

describe("evaluation on the repo's own sets", () => {
  it("runs over every set and reports each figure as a share", async () => {
    const understander = new Understander(await shippedCatalog());
    const sets = await readEvalSets(path.resolve(import.meta.dirname, "fixtures/eval"));
    expect(sets.service.length).toBeGreaterThanOrEqual(5 * (await shippedCatalog()).items.length);
    expect(sets.outOfCatalog.length).toBeGreaterThanOrEqual(100);
    const { metrics, misses } = evaluateUnderstanding(understander, sets);
    for (const value of [
      metrics.service.top1Accuracy,
      metrics.service.answeredRight,
      metrics.outOfCatalog.answered,
      metrics.clarifyRate,
      metrics.complaint.recall,
      metrics.complaint.precision,
    ]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    const s = metrics.service;
    expect(s.answeredRight + s.answeredWrong + s.clarifiedWithRight + s.clarifiedWithoutRight + s.fellBack).toBeCloseTo(
      1,
    );
    // Every eval item exists in the catalog: a renamed code would silently count as a miss.
    const codes = new Set((await shippedCatalog()).items.map((i) => i.code));
    expect(sets.service.filter((q) => !codes.has(q.item))).toEqual([]);
    expect(misses.every((m) => m.text.length > 0)).toBe(true);
  });

  it("keeps the catalog's examples and the eval questions apart", async () => {
    const catalog = await shippedCatalog();
    const sets = await readEvalSets(path.resolve(import.meta.dirname, "fixtures/eval"));
    const catalogTexts = new Set(
      [...catalog.items.flatMap((i) => [i.name, ...i.aliases, ...i.examples]), ...catalog.outOfScope].map(
        normalizeText,
      ),
    );
    const evalTexts = [...sets.service, ...sets.outOfCatalog, ...sets.complaints, ...sets.nonComplaints].map((q) =>
      normalizeText(q.text),
    );
    expect(evalTexts.filter((t) => catalogTexts.has(t))).toEqual([]);
  });
});
