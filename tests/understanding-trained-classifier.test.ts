// The classify step with the trained message model: the pipeline hands the model the text
// it normalized and the words it segmented, and the model must read them exactly as it
// reads the raw message on its own (same features, so same probabilities).
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TASKS, type TaskName } from "../src/language/components/message-model/classifier-model.ts";
import { readLabeledMessages } from "../src/language/components/message-model/labeled-messages.ts";
import type { MessagePrediction, MessageModel } from "../src/language/components/message-model/message-model.ts";
import { readEvalSets } from "../src/language/understanding-evaluation.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { DEFAULT_TRAINED_THRESHOLDS } from "../src/language/components/trained-message-classifier.ts";
import { Understander } from "../src/language/understander.ts";
import { shippedCatalog } from "./support/catalog.ts";

const fixtures = path.resolve(import.meta.dirname, "fixtures");

describe("the trained message model in the pipeline", () => {
  const model = loadMessageModel();
  /** What the pipeline asked the model, and what the model answered. */
  const calls: { text: string; words: readonly string[]; tasks: readonly TaskName[]; answer: MessagePrediction }[] = [];
  let understander: Understander;
  let messages: string[];

  beforeAll(async () => {
    // The shipped model, with its pre-segmented entry point recorded.
    const recording: MessageModel = Object.create(model);
    recording.classifyNormalized = (text, words, tasks = TASKS) => {
      const answer = model.classifyNormalized(text, words, tasks);
      calls.push({ text, words: [...words], tasks, answer });
      return answer;
    };
    understander = new Understander(await shippedCatalog(), { messageModel: recording });
    const sets = await readEvalSets(path.join(fixtures, "eval"));
    messages = [
      ...[...sets.service, ...sets.outOfCatalog, ...sets.complaints, ...sets.nonComplaints].map((q) => q.text),
      ...readLabeledMessages(path.join(fixtures, "messages-eval.jsonl")).map((m) => m.text),
      // Typos and synonyms the pipeline repairs: the model must still see the words as cut.
      "身分正丢了怎么办",
      "公机金怎么提取",
      "ＶＩＰ挂号太差了，我要投诉！！！",
    ];
  });

  it("gives the same answers from the pipeline's analysis as from the raw message", () => {
    let classified = 0;
    let withDomain = 0;
    for (const raw of messages) {
      calls.length = 0;
      const understanding = understander.understand(raw);
      // Greetings, picks and empty messages end before the classify step.
      if (calls.length === 0) continue;
      classified++;
      const whole = model.classify(raw);
      for (const { tasks, answer } of calls) {
        expect(answer, raw).toEqual({
          complaintProbability: tasks.includes("type") ? whole.complaintProbability : 0,
          angerProbability: tasks.includes("emotion") ? whole.angerProbability : 0,
          ...Object.fromEntries(tasks.map((task) => [task, whole[task]])),
        });
      }
      // The domain is asked for only when the message is a complaint or a suggestion.
      const askedDomain = calls.some((c) => c.tasks.includes("domain"));
      expect(askedDomain, raw).toBe(understanding.kind === "complaint" || understanding.kind === "suggestion");
      if (askedDomain) withDomain++;
    }
    expect(classified).toBeGreaterThan(messages.length * 0.9);
    expect(withDomain).toBeGreaterThan(50);
  });

  it("is handed the segmenter's words as cut, not the repaired canonical tokens", () => {
    calls.length = 0;
    understander.understand("公机金怎么提取");
    expect(calls).toHaveLength(1);
    // The pipeline repairs 公/机/金 to 公积金 for matching; the model was trained on words as cut.
    expect(calls[0]!.words).not.toContain("住房公积金");
    expect(calls[0]!.words.join("")).toBe(calls[0]!.text.replace(/[^\p{L}\p{N}]/gu, ""));
  });

  /** The shipped model, but with every message given this probability of 投诉/求助. */
  const sayingComplaint = async (probability: number) => {
    const fixed: MessageModel = Object.create(model);
    fixed.classifyNormalized = (text, words, tasks = TASKS) => {
      const answer = model.classifyNormalized(text, words, tasks);
      return { ...answer, complaintProbability: probability, type: { label: "投诉/求助", confidence: probability } };
    };
    return new Understander(await shippedCatalog(), { messageModel: fixed });
  };

  it("does not file a bare topic word on the model's word alone", async () => {
    // A model sure that everything is a complaint: what stops a ticket is the pipeline.
    const pipeline = await sayingComplaint(0.99);
    for (const topic of ["工资", "出租车？", "老师"])
      expect(pipeline.understand(topic).kind, topic).not.toBe("complaint");
    // Anything said about the topic, or a cue word, is enough.
    for (const text of ["老师打人", "工资没发", "救命"]) expect(pipeline.understand(text).kind, text).toBe("complaint");
  });

  it("asks more of the model for a message of a few characters than for a longer one", async () => {
    const { complaint, shortComplaint, shortMessage } = DEFAULT_TRAINED_THRESHOLDS;
    expect(complaint).toBeLessThan(shortComplaint);
    const between = await sayingComplaint((complaint + shortComplaint) / 2);
    const short = "啊啊啊啊";
    const long = "楼下那家店每天晚上都开到很晚";
    expect(short.length).toBeLessThanOrEqual(shortMessage);
    expect(long.length).toBeGreaterThan(shortMessage);
    expect(between.understand(short).kind).not.toBe("complaint");
    expect(between.understand(long).kind).toBe("complaint");
    expect((await sayingComplaint(shortComplaint)).understand(short).kind).toBe("complaint");
  });

  it("asks more of the model for a message that names a service item's head concept", async () => {
    const { complaint, serviceComplaint } = DEFAULT_TRAINED_THRESHOLDS;
    expect(complaint).toBeLessThan(serviceComplaint);
    const between = await sayingComplaint((complaint + serviceComplaint) / 2);
    // 驾驶证 + 到期: a question about renewing a licence, worried or not.
    expect(between.understand("我的驾照下个月就到期了怎么办").kind).toBe("service");
    // Nothing of an item's head concept: the model decides as before.
    expect(between.understand("楼下那家店每天晚上都开到很晚").kind).toBe("complaint");
    // A statement about the item, sure enough, or a cue word, and it is filed anyway.
    expect((await sayingComplaint(serviceComplaint)).understand("驾照换证说好寄过来的，结果寄到了别人家").kind).toBe(
      "complaint",
    );
    expect(between.understand("我要投诉驾照换证窗口").kind).toBe("complaint");
  });

  it("never files a plain question about a service item on the model alone, and files a grievance about one at the ordinary bar", async () => {
    const { complaint, serviceComplaint } = DEFAULT_TRAINED_THRESHOLDS;
    const sure = await sayingComplaint(0.99);
    // Worried, but asking: 吗 at a clause's end, an A-not-A question, a question word.
    for (const text of [
      "社保卡丢了里面的钱会不会被人取走",
      "我的驾照下个月就到期了怎么办",
      "失业了三个月，失业金还能领吗，家里急着用钱",
    ])
      expect(sure.understand(text).kind, text).not.toBe("complaint");
    // The same item with a grievance (老是, 明明): the ordinary bar, not the service one.
    const between = await sayingComplaint((complaint + serviceComplaint) / 2);
    expect(between.understand("社保卡补办老是说系统升级，让我下周再来").kind).toBe("complaint");
    expect(between.understand("社保卡补办说系统升级，让我下周再来").kind).not.toBe("complaint");
    // 什么 inside a statement asks nothing: only a particle at a clause's end does.
    expect(sure.understand("社保卡补办要交的材料，缺什么也不一次讲全").kind).toBe("complaint");
    // A matter submitted and one sign that it is stuck: too little for a chase, too much for a
    // plain question — the model decides at the service bar.
    expect(sure.understand("低保的材料报上去仨星期，现在是什么情况呢").kind).toBe("complaint");
    expect(sure.understand("低保的材料报上去以后要多久审批呢").kind).not.toBe("complaint");
  });

  it("does not file a question about a procedure on its complaint cue words alone", async () => {
    const unsure = await sayingComplaint(0.05);
    // 拖欠 and 漏水 are complaint cues; the message asks for the way.
    for (const text of ["工资被拖欠了，去劳动仲裁要带什么材料", "出租屋漏水了，维修基金怎么申请"])
      expect(unsure.understand(text).kind, text).not.toBe("complaint");
    expect(unsure.understand("工资被拖欠了三个月，老板躲着不见").kind).toBe("complaint");
    // The model, sure enough, still files one.
    expect((await sayingComplaint(0.99)).understand("工资被拖欠了，去劳动仲裁要带什么材料").kind).toBe("complaint");
  });
});
