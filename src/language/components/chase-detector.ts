// A chase (催办): the citizen's own matter is with the government and has waited too long
// ("提交的申请已经四十多天了还在审批 到底卡在哪"), or staff handled it wrongly ("窗口把我的
// 名字录错了"). Such a message names an item, so the matcher would answer it with the item's
// guide; it is a complaint about how the item is being handled. Runs before the classify
// slot, whose model reads many of these as questions. The cue lists are
// intents/message-kinds.yaml `chase`:
//   - submitted (提交, 审批) and two of: time gone by (四十多天了: text/elapsed-time.ts),
//     still waiting (还在, 没消息), asking where it is stuck (卡在哪, 到底), tries again and
//     again (跑了四趟: text/repeated-attempts.ts — which also says the matter was submitted);
//   - or, in one clause, who handled it (窗口, 工作人员) and a fault (录错, 弄丢).
// The item it is about, when the question names one, is the complaint's subject.
import type { MessageKindsFile, ServiceItem } from "../../knowledge/catalog-schema.ts";
import { CLAUSE_BREAK, splitClauses } from "../text/clauses.ts";
import { mentionsElapsedTime } from "../text/elapsed-time.ts";
import { mentionsRepeatedAttempts } from "../text/repeated-attempts.ts";
import { PhraseIndex } from "../text/phrase-index.ts";
import type { AnalyzedText, Component, Message } from "./component.ts";

type ChaseCues = NonNullable<MessageKindsFile["chase"]>;

/** How sure a chase makes the hub that the message is a complaint (rule-based, not a model's probability). */
export const CHASE_CONFIDENCE = 0.9;

export interface ChaseSubject {
  item: ServiceItem;
  /** The complaint domain of the item's department, for routing. */
  domain?: string;
}

export class ChaseDetector implements Component {
  private readonly submitted: PhraseIndex;
  private readonly waiting: PhraseIndex;
  private readonly stuck: PhraseIndex;
  private readonly staff: PhraseIndex;
  private readonly faults: PhraseIndex;

  constructor(
    cues: ChaseCues,
    /** The item the message is about, if it names one. */
    private readonly subjectOf: (analyzed: AnalyzedText) => ChaseSubject | undefined,
  ) {
    const index = (words: string[]) => new PhraseIndex(words.map((w) => w.toLowerCase()));
    this.submitted = index(cues.submitted);
    this.waiting = index(cues.waiting);
    this.stuck = index(cues.stuck);
    this.staff = index(cues.staff);
    this.faults = index(cues.faults);
  }

  process(message: Message): void {
    const analyzed = message.analyzed!;
    if (!this.isChase(analyzed.text)) return;
    const subject = this.subjectOf(analyzed);
    message.understanding = {
      kind: "complaint",
      confidence: CHASE_CONFIDENCE,
      ...(subject?.domain && { domain: subject.domain }),
      ...(subject && { serviceItem: subject.item }),
      candidates: [],
    };
  }

  /** Whether the text chases a pending matter or blames staff for handling it wrongly. */
  isChase(text: string): boolean {
    if (this.stuckSigns(text) >= 2) return true;
    return splitClauses(text).some(
      (clause) => this.staff.find(clause).length > 0 && this.faults.find(clause).length > 0,
    );
  }

  /**
   * A matter with the government and one sign that it is stuck: not enough to file it here, but
   * too much to take the message for a plain question (question-tone.ts) — the model decides.
   */
  mayChase(text: string): boolean {
    return this.stuckSigns(text) >= 1;
  }

  /** How many signs say that the text's matter is stuck with the government; 0 when none is. */
  private stuckSigns(text: string): number {
    const repeated = mentionsRepeatedAttempts(text);
    const submitted = this.submitted.find(text);
    if (!repeated && submitted.length === 0) return 0;
    // The time must run from the submission: in its clause or after it ("材料两个月前就交了",
    // "提交后…快四十天了"), not before it ("孩子出生两个月了还没办，现在去补办要带什么").
    const since = repeated ? 0 : clauseStart(text, Math.min(...submitted.map((o) => o.start)));
    return (
      (repeated ? 1 : 0) +
      (mentionsElapsedTime(text.slice(since)) ? 1 : 0) +
      (this.waiting.find(text).length > 0 ? 1 : 0) +
      (this.stuck.find(text).length > 0 ? 1 : 0)
    );
  }
}

/** Where the clause holding position `at` begins. */
function clauseStart(text: string, at: number): number {
  let start = at;
  while (start > 0 && !CLAUSE_BREAK.test(text[start - 1]!)) start--;
  return start;
}
