// The "classify" step with the trained model (components/message-model): type from the
// model's calibrated probabilities; the catalog's cue phrases still count, so an
// explicit "投诉"/"举报" is never missed, and give the domain when the model has none.
import type { MessageKindsFile } from "../../knowledge/catalog-schema.ts";
import type { TaskName } from "./message-model/classifier-model.ts";
import type { MessageModel } from "./message-model/message-model.ts";
import type { Message } from "./component.ts";
import { PhraseIndex } from "../text/phrase-index.ts";
import { CueMessageClassifier } from "./cue-message-classifier.ts";
import { QuestionTone } from "./question-tone.ts";
import { settleByType, type MessageClassification, type MessageClassifier } from "./message-classifier.ts";
import type { AnalyzedText } from "./component.ts";

/** The training data's type labels (MSGABench's) mapped to the pipeline's. */
const TYPES: Record<string, MessageClassification["type"]> = {
  咨询: "consultation",
  建言: "suggestion",
  "投诉/求助": "complaint",
};

// The model's tasks the pipeline uses (emotion is not one of them).
const TYPE: readonly TaskName[] = ["type"];
const DOMAIN: readonly TaskName[] = ["domain"];

export interface TrainedThresholds {
  /** Probability of 投诉/求助 that makes a message a complaint. */
  complaint: number;
  /** The same for a message of at most `shortMessage` characters, read from few features. */
  shortComplaint: number;
  shortMessage: number;
  /**
   * The same for a message that names a service item's head concept in full (驾照 + 换):
   * most such messages ask about the service, and the model, which never saw the catalog,
   * leans to 投诉 on worried wordings ("满六年了", "还没报户口"). Cue words still file them.
   * A plain question about the item (question-tone.ts) is never filed by the model alone; one
   * that voices a grievance or asks for help (派人来看看) takes the ordinary bar.
   */
  serviceComplaint: number;
  /** Probability of 建言 that makes a message a suggestion. */
  suggestion: number;
  /** Below this, the model's domain is not trusted and the cue words decide. */
  domain: number;
}

// Tuned with `npm run eval` (tests/fixtures/eval, 814 messages), model of 2026-12-04.
// One threshold for all: complaint recall / precision 98.7% / 95.6% at 0.7, 97.4% / 96.8%
// at 0.75, 95.5% / 96.7% at 0.85 — but at 0.7 short replies such as "我要找人工" and
// "啊啊啊啊" (0.71) become complaints: a message of a few characters gives the model few
// features, and its probabilities there are the least trustworthy. So short messages
// (≤ 8 characters) keep 0.85 and longer ones take 0.65: 99.4% / 96.2% (the same at 0.6).
// A missed complaint costs more than a consultation filed by mistake.
export const DEFAULT_TRAINED_THRESHOLDS: TrainedThresholds = {
  complaint: 0.65,
  shortComplaint: 0.85,
  shortMessage: 8,
  serviceComplaint: 0.9,
  suggestion: 0.6,
  domain: 0.35,
};

export class TrainedMessageClassifier implements MessageClassifier {
  private readonly cues: CueMessageClassifier;
  /** Words asking how a procedure goes (message-kinds.yaml `procedure`). */
  private readonly procedure: PhraseIndex;
  private readonly tone?: QuestionTone;

  constructor(
    private readonly model: MessageModel,
    kinds: MessageKindsFile,
    /**
     * True for a message that only names a topic ("工资", "出租车"): the model may lean to
     * 投诉 on such words, but nothing in them says what is wrong, so the model alone does
     * not file them (cue words still do: "欠薪").
     */
    private readonly namesOnlyATopic: (analyzed: AnalyzedText) => boolean = () => false,
    /** True for a message naming a service item's head concept in full (head-concepts.ts). */
    private readonly namesAService: (analyzed: AnalyzedText) => boolean = () => false,
    /** True for a message with some sign of a chase (chase-detector.ts `mayChase`): never a plain question. */
    private readonly mayChase: (analyzed: AnalyzedText) => boolean = () => false,
    private readonly thresholds: TrainedThresholds = DEFAULT_TRAINED_THRESHOLDS,
  ) {
    this.cues = new CueMessageClassifier(kinds);
    this.procedure = new PhraseIndex((kinds.procedure ?? []).map((w) => w.toLowerCase()));
    if (kinds.question) this.tone = new QuestionTone(kinds.question);
  }

  process(message: Message): void {
    settleByType(message, this.classify(message.analyzed!));
  }

  classify(analyzed: AnalyzedText): MessageClassification {
    // The pipeline has normalized and segmented already; every Segmenter shares one jieba,
    // so its words are the ones the model would cut itself.
    const predicted = this.model.classifyNormalized(analyzed.text, analyzed.segmented, TYPE);
    const byCues = this.cues.classify(analyzed);
    // A question about a procedure that names a trouble ("工资被拖欠了去哪里申请仲裁") asks
    // for the way: its complaint cue words alone do not file it, the model may.
    const cuesFile = byCues.type === "complaint" && this.procedure.find(analyzed.text).length === 0;
    const typeLabel = predicted.type ? TYPES[predicted.type.label] : undefined;
    let type: MessageClassification["type"] = "consultation";
    let confidence = 1 - predicted.complaintProbability;
    const byModel = predicted.complaintProbability >= this.modelBar(analyzed) && !this.namesOnlyATopic(analyzed);
    if (byModel || cuesFile) {
      type = "complaint";
      confidence = Math.max(predicted.complaintProbability, cuesFile ? byCues.confidence : 0);
    } else if (
      (typeLabel === "suggestion" && predicted.type!.confidence >= this.thresholds.suggestion) ||
      byCues.type === "suggestion"
    ) {
      type = "suggestion";
      confidence = typeLabel === "suggestion" ? predicted.type!.confidence : byCues.confidence;
    }
    if (type === "consultation") return { type, confidence: round(confidence) };
    // The domain only now: most messages are consultations, which need none.
    // An unsure domain is left out: the dispatcher routes such a ticket by hand.
    const modelDomain = this.model.classifyNormalized(analyzed.text, analyzed.segmented, DOMAIN).domain;
    const domain = modelDomain && modelDomain.confidence >= this.thresholds.domain ? modelDomain.label : byCues.domain;
    return { type, confidence: round(confidence), ...(domain && { domain }) };
  }

  /** The probability of 投诉/求助 at which the model alone files the message. */
  private modelBar(analyzed: AnalyzedText): number {
    const { text } = analyzed;
    const bar =
      text.length <= this.thresholds.shortMessage ? this.thresholds.shortComplaint : this.thresholds.complaint;
    if (!this.namesAService(analyzed) || this.tone?.aggrieved(text) || this.asksForHelp(text)) return bar;
    // About a service item, no grievance: a plain question is a consultation, however
    // worried; a statement needs the higher bar.
    if (this.tone?.asks(text) && !this.mayChase(analyzed)) return Number.POSITIVE_INFINITY;
    return Math.max(bar, this.thresholds.serviceComplaint);
  }

  /** A request that the government act (派人, 帮忙找), not a question about how a procedure goes. */
  private asksForHelp(text: string): boolean {
    return (this.tone?.asksForHelp(text) ?? false) && this.procedure.find(text).length === 0;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
