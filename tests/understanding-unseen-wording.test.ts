// The components added for questions nobody on the team has seen (issue 15): head concepts
// ("about the item" versus "shares a word with it"), clause focus for long questions,
// chases (催办) filed as complaints, calibration error, the eval's other set layout, and
// alias proposals from the unanswered-question log.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Catalog, ServiceItem } from "../src/knowledge/catalog-schema.ts";
import { clarify } from "../src/conversation/reply-text.ts";
import { AliasSuggester } from "../src/language/alias-suggestions.ts";
import { ChaseDetector } from "../src/language/components/chase-detector.ts";
import { QuestionTone } from "../src/language/components/question-tone.ts";
import { SettledThanksDetector } from "../src/language/components/settled-thanks-detector.ts";
import { ClauseFocus } from "../src/language/components/clause-focus.ts";
import type { AnalyzedText, Message, ServiceCandidate } from "../src/language/components/component.ts";
import { HeadConcepts, HeadLevel } from "../src/language/components/head-concepts.ts";
import { ServiceDecider } from "../src/language/components/service-decider.ts";
import { expectedCalibrationError } from "../src/language/ml/calibration-error.ts";
import { splitClauses } from "../src/language/text/clauses.ts";
import { mentionsElapsedTime } from "../src/language/text/elapsed-time.ts";
import { mentionsRepeatedAttempts } from "../src/language/text/repeated-attempts.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { Understander } from "../src/language/understander.ts";
import { evaluateUnderstanding, readEvalSets } from "../src/language/understanding-evaluation.ts";
import { headItem, shippedCatalog } from "./support/catalog.ts";

const item = headItem;

const renew = item("CJ101", "驾驶证换证", { objects: ["驾驶证"], actions: ["换", "到期"] });
const replace = item("CJ102", "驾驶证补证", { objects: ["驾驶证"], actions: ["补", "丢"] });
const welfare = item("MZ103", "低保申请", { objects: ["低保"] });
const headless = item("ZZ104", "无头事项");
const heads = new HeadConcepts([renew, replace, welfare, headless], ["考", "报名"]);
const q = (text: string, tokens: string[] = [], on = heads) => on.query(text, tokens);

describe("head concepts", () => {
  it("tells a question about the item from one that shares a word with it", () => {
    expect(heads.level(q("驾驶证快到期了怎么办"), 0)).toBe(HeadLevel.full);
    expect(heads.level(q("驾驶证快到期了怎么办"), 1)).toBe(HeadLevel.object);
    expect(heads.level(q("考驾驶证在哪报名"), 0)).toBe(HeadLevel.foreign);
    expect(heads.level(q("护照怎么办"), 0)).toBe(HeadLevel.none);
    // An item whose object needs no action, and one with no head at all.
    expect(heads.level(q("低保的条件"), 2)).toBe(HeadLevel.full);
    expect(heads.level(q("随便什么"), 3)).toBe(HeadLevel.full);
  });

  it("does not count as foreign an action the item's own names use", () => {
    const lottery = item("ZJ105", "公租房申请", { objects: ["公租房"], actions: ["申请"] });
    const withLottery = new HeadConcepts([lottery], ["摇号", "考"]);
    const ownLottery = new HeadConcepts([{ ...lottery, aliases: ["公租房摇号"] }], ["摇号", "考"]);
    expect(withLottery.level(q("公租房摇号什么时候", [], withLottery), 0)).toBe(HeadLevel.foreign);
    expect(ownLottery.level(q("公租房摇号什么时候", [], ownLottery), 0)).toBe(HeadLevel.object);
    // An object that needs no action, with an action no item offers: only the object.
    expect(heads.level(q("低保户考公务员"), 2)).toBe(HeadLevel.object);
  });

  it("takes one of the item's own examples as about it, whatever its words, but not for the re-ranker", () => {
    const withExample = new HeadConcepts([{ ...renew, examples: ["咋给闺女整个本本？", "二", "三"] }]);
    const asked = withExample.query("咋给闺女整个本本", []);
    expect(withExample.level(asked, 0)).toBe(HeadLevel.full);
    expect(withExample.wordLevel(asked, 0)).toBe(HeadLevel.none);
    expect(withExample.level(withExample.query("咋给儿子整个本本", []), 0)).toBe(HeadLevel.none);
  });

  it("looks in the canonical tokens too, so a synonym names the object", () => {
    expect(heads.level(q("驾照丢了", ["驾驶证", "丢了"]), 1)).toBe(HeadLevel.full);
    expect(heads.level(q("驾照丢了"), 1)).toBe(HeadLevel.none);
  });

  it("reports the strongest level over all items with a head", () => {
    expect(heads.strongest(q("驾驶证多少钱"))).toBe(HeadLevel.object);
    expect(heads.anyFull(q("驾驶证多少钱"))).toBe(false);
    expect(heads.anyFull(q("低保"))).toBe(true);
    expect(heads.strongest(q("天气怎么样"))).toBe(HeadLevel.none);
  });

  it("is given to every shipped item, and its object is named by most of the item's own examples", async () => {
    const catalog = await shippedCatalog();
    const understander = new Understander(catalog);
    const shipped = new HeadConcepts(catalog.items, catalog.outOfScopeActions);
    for (const [index, it] of catalog.items.entries()) {
      expect(it.head, it.code).toBeDefined();
      // Everyday names were added to every item: more than the few it had.
      expect(it.aliases.length, it.code).toBeGreaterThanOrEqual(12);
      const named = it.examples.filter((example) => {
        const analyzed = understander.analyze(example);
        return shipped.level(shipped.query(analyzed.text, analyzed.tokens), index) >= HeadLevel.object;
      });
      expect(named.length / it.examples.length, it.code).toBeGreaterThanOrEqual(0.6);
    }
  });
});

function candidate(it: ServiceItem, probability: number, head: HeadLevel, explains = 1): ServiceCandidate {
  return { item: it, probability, coverage: 0.5, explains, head };
}

function decide(candidates: ServiceCandidate[], strongEvidence = 0.93): Message {
  const message: Message = {
    raw: "x",
    analyzed: { text: "x", segmented: [], tokens: [], words: [], content: [] },
    candidates,
  };
  new ServiceDecider(undefined, strongEvidence).process(message);
  return message;
}

describe("the decider with head concepts", () => {
  it("never offers an item the question names nothing of", () => {
    const u = decide([candidate(renew, 0.4, HeadLevel.object), candidate(welfare, 0.3, HeadLevel.none)]).understanding!;
    expect(u.decision).toBe("clarify");
    expect(u.options!.map((o) => o.code)).toEqual([renew.code]);
    // The review list keeps every candidate.
    expect(u.candidates.map((c) => c.code)).toEqual([renew.code, welfare.code]);
  });

  it("falls back when no candidate is about the question, however probable", () => {
    const u = decide([candidate(welfare, 0.9, HeadLevel.none), candidate(renew, 0.2, HeadLevel.foreign)])
      .understanding!;
    expect(u.decision).toBe("fallback");
  });

  it("answers on strong evidence with the accuracy it had as confidence, and only then", () => {
    const strong = decide([candidate(renew, 0.3, HeadLevel.full, 1), candidate(replace, 0.2, HeadLevel.object, 1)])
      .understanding!;
    expect(strong.decision).toBe("answer");
    expect(strong.serviceItem?.code).toBe(renew.code);
    expect(strong.confidence).toBe(0.93);
    // Two items named in full: nothing tells them apart, so the citizen is asked.
    const both = decide([candidate(renew, 0.3, HeadLevel.full, 1), candidate(replace, 0.25, HeadLevel.full, 1)])
      .understanding!;
    expect(both.decision).toBe("clarify");
    // Without the measured accuracy, strong evidence alone does not answer.
    const unmeasured = decide([candidate(renew, 0.3, HeadLevel.full), candidate(replace, 0.2, HeadLevel.object)], 0)
      .understanding!;
    expect(unmeasured.decision).toBe("clarify");
    // An item whose object alone names it (低保): the object is no strong evidence (低保户能开车吗).
    const objectOnly = decide([candidate(welfare, 0.3, HeadLevel.full), candidate(renew, 0.1, HeadLevel.object)])
      .understanding!;
    expect(objectOnly.decision).toBe("clarify");
    // Below the clarify threshold it is no evidence at all.
    expect(decide([candidate(renew, 0.05, HeadLevel.full)]).understanding!.decision).toBe("fallback");
  });

  it("words a clarifying question with one option as a yes-or-no question", () => {
    expect(clarify([renew])).toBe("您想问的是“驾驶证换证”吗？是的话请回复 1；如果不是，可以换个说法再问我。");
    expect(clarify([renew, replace])).toContain("2. 驾驶证补证");
  });
});

describe("clause focus", () => {
  const analyze = (text: string): AnalyzedText => ({ text, segmented: [], tokens: [], words: [], content: [] });
  const focus = (probability: number, seen: string[]) =>
    new ClauseFocus(heads, analyze, (analyzed) => {
      seen.push(analyzed.text);
      return [candidate(renew, probability, HeadLevel.full)];
    });

  it("splits on punctuation and spaces", () => {
    expect(splitClauses("驾驶证到期了 能提前换吗，体检去哪做？多少钱")).toEqual([
      "驾驶证到期了",
      "能提前换吗",
      "体检去哪做",
      "多少钱",
    ]);
  });

  it("matches only the clauses naming an item's object, and keeps that match when it is more probable", () => {
    const seen: string[] = [];
    const message: Message = {
      raw: "",
      analyzed: analyze("驾驶证明年到期 体检去哪里做 费用多少 寄到家里吗"),
      candidates: [candidate(replace, 0.3, HeadLevel.object)],
    };
    focus(0.8, seen).process(message);
    expect(seen).toEqual(["驾驶证明年到期"]);
    expect(message.candidates![0]!.item.code).toBe(renew.code);
    // Less probable than the whole message's match: the whole message's stays.
    const kept: Message = { ...message, candidates: [candidate(replace, 0.9, HeadLevel.object)] };
    focus(0.8, []).process(kept);
    expect(kept.candidates![0]!.item.code).toBe(replace.code);
  });

  it("leaves short messages, and messages whose every clause (or none) names an object, whole", () => {
    const seen: string[] = [];
    const run = (text: string) => focus(0.99, seen).process({ raw: text, analyzed: analyze(text), candidates: [] });
    run("驾驶证到期 怎么换");
    run("驾驶证到期 驾驶证丢了 驾驶证多少钱");
    run("今天 天气 怎么样");
    expect(seen).toEqual([]);
  });

  it("answers the long question of the issue with the item it is about", async () => {
    const understander = new Understander(await shippedCatalog());
    const u = understander.understand(
      "驾照明年三月到期 现在能提前换吗 体检去哪里做 费用多少 换好了寄到家里还是自己去拿",
    );
    expect(u.decision).toBe("answer");
    expect(u.serviceItem?.code).toBe("CJ001");
    expect(u.facet).toBeDefined();
  });
});

describe("chases (催办)", () => {
  it("knows elapsed time from a date or a plan", () => {
    for (const text of [
      "已经四十多天了",
      "等了两个月",
      "一个多月了还没消息",
      "半年了",
      "都3周了",
      "材料三个月前就递了",
      "办了二十来天",
      "去年年底就报上去了",
    ])
      expect(mentionsElapsedTime(text), text).toBe(true);
    for (const text of ["明年三月到期", "5月10日提交的", "要多少天", "三年以内的", "明天去办", "上个月递的材料"])
      expect(mentionsElapsedTime(text), text).toBe(false);
  });

  it("knows tries made again and again, and being sent back again and again", () => {
    for (const text of ["为这个证明跑了五趟", "去了好几次都没人", "退回来三次了", "电话催了十几回"])
      expect(mentionsRepeatedAttempts(text), text).toBe(true);
    for (const text of ["跑了一趟就办好了", "去一次就行吗", "退回来了"])
      expect(mentionsRepeatedAttempts(text), text).toBe(false);
  });

  const cues = {
    submitted: ["提交", "审批"],
    waiting: ["还在", "没消息"],
    stuck: ["卡在哪"],
    staff: ["窗口"],
    faults: ["录错"],
  };
  const detector = new ChaseDetector(cues, () => ({ item: renew, domain: "交通" }));

  it("needs a matter with the government and two signs that it is stuck, or staff and a fault in one clause", () => {
    expect(detector.isChase("提交了一个多月了还在审批")).toBe(true);
    expect(detector.isChase("提交的材料还在审批 到底卡在哪")).toBe(true);
    expect(detector.isChase("窗口把我的名字录错了")).toBe(true);
    // One sign is a question, not a chase.
    expect(detector.isChase("提交以后审批要多久")).toBe(false);
    expect(detector.isChase("孩子出生一个月了还在等")).toBe(false);
    // The fault and the staff in different clauses.
    expect(detector.isChase("去了窗口，表格我自己录错了")).toBe(false);
  });

  it("counts the time only from the submission on, and tries again and again as a matter submitted", () => {
    // Time named in the submission's clause or after it.
    expect(detector.isChase("材料两个月前就提交了，现在还在等")).toBe(true);
    // Time before the matter went in is the citizen's own delay: a question.
    expect(detector.isChase("孩子出生两个月了还在犹豫，现在提交要什么")).toBe(false);
    expect(detector.isChase("为了一个证明跑了四趟，现在还在等")).toBe(true);
    // One sign: not a chase, but no plain question either.
    expect(detector.isChase("提交的材料还在审批")).toBe(false);
    expect(detector.mayChase("提交的材料还在审批")).toBe(true);
    expect(detector.mayChase("提交以后审批要多久")).toBe(false);
  });

  it("files a chase as a complaint with the item as its subject", () => {
    const message: Message = {
      raw: "",
      analyzed: { text: "提交了四十多天了还在审批", segmented: [], tokens: [], words: [], content: [] },
    };
    detector.process(message);
    expect(message.understanding).toMatchObject({
      kind: "complaint",
      domain: "交通",
      serviceItem: { code: renew.code },
    });
  });

  it("files the issue's chase about a loan with the shipped catalog, and still answers the plain question", async () => {
    const understander = new Understander(await shippedCatalog());
    const chase = understander.understand("我提交的公积金贷款申请已经四十多天了还在审批 窗口说等通知 到底卡在哪一步了");
    expect(chase.kind).toBe("complaint");
    expect(chase.serviceItem?.code).toBe("GJJ003");
    const question = understander.understand("公积金贷款审批一般要多久");
    expect(question.kind).toBe("service");
    expect(question.serviceItem?.code).toBe("GJJ003");
  });
});

describe("complaints and their look-alikes", () => {
  it("takes a matter reported settled, with thanks, as thanks — unless it is not over or not settled", () => {
    const settled = new SettledThanksDetector({
      done: ["修好了", "到账了", "批下来了"],
      thanks: ["谢谢", "多谢"],
      but: ["但是", "又"],
    });
    expect(settled.isSettledThanks("上回反映的井盖已经修好了，谢谢你们")).toBe(true);
    expect(settled.isSettledThanks("补贴到账了，多谢")).toBe(true);
    expect(settled.isSettledThanks("说是修好了，但是今天又漏水了，谢谢")).toBe(false);
    expect(settled.isSettledThanks("低保到现在还没批下来了，谢谢")).toBe(false);
    // Settled, but nobody thanked: the message may go on to say more.
    expect(settled.isSettledThanks("补贴到账了")).toBe(false);
  });

  it("tells a question from a statement, and a grievance from a worry", () => {
    const tone = new QuestionTone({
      asks: ["怎么", "多久"],
      particles: ["吗", "么"],
      grievance: ["明明", "老是"],
    });
    for (const text of ["结婚登记要带户口本吗", "社保卡丢了钱会不会被人取走", "补办要多久", "几点开门么，我想去"])
      expect(tone.asks(text), text).toBe(true);
    for (const text of ["缺什么也不一次讲全", "窗口的人爱理不理", "我下午再去"])
      expect(tone.asks(text), text).toBe(false);
    expect(tone.aggrieved("明明材料都交齐了")).toBe(true);
    expect(tone.aggrieved("材料丢了好担心")).toBe(false);
  });

  it("knows a request that the government act from a question about a service", () => {
    const tone = new QuestionTone({
      asks: ["怎么"],
      particles: ["吗"],
      grievance: [],
      help: ["派人", "帮忙找", "帮我们联系"],
    });
    expect(tone.asksForHelp("楼下的井里好像有只狗掉下去了，能不能派人来")).toBe(true);
    expect(tone.asksForHelp("请问可以帮我们联系一下居委会吗")).toBe(true);
    expect(tone.asksForHelp("低保要怎么申请")).toBe(false);
    // No help words in the catalog: no request for help.
    expect(new QuestionTone({ asks: [], particles: [], grievance: [] }).asksForHelp("能不能派人来")).toBe(false);
  });

  describe("with the shipped catalog and message model", () => {
    let understander: Understander;
    beforeAll(async () => {
      understander = new Understander(await shippedCatalog(), { messageModel: loadMessageModel() });
    });

    it.each([
      ["护照申请交上去快一个月了，网上一直显示审核中，到底卡在哪个环节", "GA007"],
      ["社保卡补办两个月前就办的，到现在还没拿到", "RS002"],
      ["失业金申请递交二十多天了还是审核中，到底什么时候发", undefined],
      ["为了开无犯罪记录证明去了三趟派出所，每次都说系统升级，什么时候能好", "GA009"],
    ])("files the chase %s (about %s)", (text, item) => {
      const u = understander.understand(text);
      expect(u.kind).toBe("complaint");
      if (item) expect(u.serviceItem?.code).toBe(item);
    });

    it.each([
      ["孩子出生两个月了还没办户口，现在去补办要带什么"],
      ["护照申请交了以后一般多久能拿到"],
      ["驾照下个月就到期了，会不会来不及换啊"],
      ["社保卡丢了里面的钱会不会被人取走"],
      ["上回反映的井盖已经修好了，谢谢你们"],
      ["工资被拖欠了，去劳动仲裁要带什么材料"],
      ["我刚下班，等会儿再问"],
    ])("does not file %s", (text) => {
      expect(understander.understand(text).kind).not.toBe("complaint");
    });

    // Requests for help (求助) that name a service item in full and ask: no plain questions.
    it.each([
      ["女儿读初中以后天天被几个同学堵在厕所里要钱，请问能不能派人去学校了解一下"],
      ["孩子上小学要过一条没有红绿灯的大马路，天天提心吊胆，请问能不能安排人在路口护一下"],
      ["我们村的学生上学要走一座快塌的木桥，请问能不能派人来看看"],
      ["隔壁八十多岁的老人领了高龄津贴也没人帮他去取，他一个人走不动路，能不能派人上门看看"],
      ["邻居家的小孩一个人在家哭了一上午，大人不知道去哪了，能不能派人来看看"],
    ])("files the request for help %s", (text) => {
      expect(understander.understand(text).kind).toBe("complaint");
    });

    it.each([
      ["请问能派人上门办理身份证吗"],
      ["低保申请能不能帮我看看要什么材料"],
      ["请问派出所能帮忙找走失的老人吗，需要带什么"],
    ])("does not file the service question %s", (text) => {
      expect(understander.understand(text).kind).not.toBe("complaint");
    });
  });
});

describe("near-miss and everyday names with the shipped catalog", () => {
  let understander: Understander;
  beforeAll(async () => {
    understander = new Understander(await shippedCatalog());
  });

  it("does not offer 换证 or 补证 for a driving test, and offers no option that shares nothing", () => {
    for (const text of ["考驾照在哪报名", "学车考驾照要多少钱", "营业执照年报在哪填"]) {
      const u = understander.understand(text);
      expect(u.decision, text).toBe("fallback");
    }
  });

  it("knows everyday and Cantonese names", () => {
    for (const [text, code] of [
      ["出世纸点样补办", "WJ001"],
      ["攞生果金要咩材料", "MZ004"],
      ["申请公屋有咩条件", "ZJ001"],
    ] as const) {
      const u = understander.understand(text);
      expect(u.serviceItem?.code ?? u.options?.map((o) => o.code).join("/"), text).toBe(code);
    }
  });
});

describe("calibration error", () => {
  it("is 0 for calibrated confidences and the gap for overconfident ones", () => {
    const fourOfFive = [0.8, 0.8, 0.8, 0.8, 0.8].map((confidence, i) => ({ confidence, correct: i < 4 }));
    expect(expectedCalibrationError(fourOfFive)).toBeCloseTo(0);
    const overconfident = [0.9, 0.9].map((confidence, i) => ({ confidence, correct: i === 0 }));
    expect(expectedCalibrationError(overconfident)).toBeCloseTo(0.4);
    expect(expectedCalibrationError([])).toBe(0);
    // Bins are weighted by their share: one bin right, one wrong.
    expect(
      expectedCalibrationError([
        { confidence: 1, correct: true },
        { confidence: 0.05, correct: true },
      ]),
    ).toBeCloseTo(0.475);
  });
});

describe("eval on another author's set layout", () => {
  it("reads questions.jsonl and not-complaints.jsonl, and reports near items and complaint kinds", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "eval-set-"));
    const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n");
    await fs.writeFile(path.join(dir, "questions.jsonl"), lines([{ text: "低保怎么申请", item: "MZ003" }]));
    await fs.writeFile(
      path.join(dir, "out-of-catalog.jsonl"),
      lines([{ text: "考驾照在哪报名", near: "CJ001" }, { text: "今天天气怎么样" }]),
    );
    await fs.writeFile(
      path.join(dir, "complaints.jsonl"),
      lines([
        { text: "小区门口的路灯坏了一个月没人修", kind: "投诉" },
        { text: "居住证申请提交两个月了还在审核 到底卡在哪", kind: "催办" },
      ]),
    );
    await fs.writeFile(path.join(dir, "not-complaints.jsonl"), lines([{ text: "你好" }]));
    const sets = await readEvalSets(dir);
    expect(sets.service).toHaveLength(1);
    expect(sets.nonComplaints).toHaveLength(1);
    const { metrics } = evaluateUnderstanding(new Understander(await shippedCatalog()), sets);
    expect(metrics.outOfCatalog.nearCount).toBe(1);
    expect(metrics.outOfCatalog.nearAnswered).toBe(0);
    expect(metrics.complaint.recallByKind).toEqual({ 投诉: { count: 1, recall: 1 }, 催办: { count: 1, recall: 1 } });
    expect(metrics.service.answeredOrOffered).toBe(1);
    expect(metrics.calibration.answered).toBeGreaterThanOrEqual(1);
    await fs.rm(dir, { recursive: true });
  });
});

describe("alias proposals from the unanswered log", () => {
  let catalog: Catalog;
  let suggester: AliasSuggester;
  beforeAll(async () => {
    catalog = await shippedCatalog();
    suggester = new AliasSuggester(catalog, new Understander(catalog));
  });

  it("keeps what stood where the item's name should be", () => {
    expect(suggester.leftover("请问小车本去哪里办")).toBe("小车本");
    expect(suggester.leftover("多少钱")).toBeUndefined();
  });

  it("proposes for a group the hub does not answer yet, and nothing for one it answers now", () => {
    const proposals = suggester.suggest([
      { text: "小车本到期怎么弄", count: 3, closestItem: { code: "CJ001" } },
      { text: "身份证丢了怎么补办", count: 9 },
    ]);
    expect(proposals.map((p) => p.question)).not.toContain("身份证丢了怎么补办");
    for (const p of proposals) expect(p.alias.length).toBeGreaterThanOrEqual(2);
  });
});
