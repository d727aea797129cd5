// Messages that rules settle before any model reads them: nothing to read, a pick of an
// option offered before ("2", "第二个"), a request for a person, a greeting, thanks.
import type { MessageKindsFile } from "../../knowledge/catalog-schema.ts";
import { CueScorer } from "../text/cue-scorer.ts";
import type { Component, Message } from "./component.ts";

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** What is left of a greeting once the greeting words are removed: particles and punctuation. */
export const GREETING_FILLER = /^[\s\p{P}\p{S}啊呀呢哈嗯哦噢吧吗么]*$/u;
// A reply picking an offered option: "2", "第二个", "2.", "选1".
const PICK = /^(?:选|选择|我选|要|是)?(?:第)?([1-9一二三四五六七八九])(?:个|项|条|种)?(?:吧|吗|呢)?[\s.,、。!)）]*$/u;
const CHINESE_DIGITS = "一二三四五六七八九";

export class ShortReplyDetector implements Component {
  private readonly greeting: CueScorer;
  private readonly handoff: CueScorer;
  private readonly thanks: CueScorer;

  constructor(kinds: MessageKindsFile) {
    this.greeting = new CueScorer(kinds.greeting.cues);
    this.handoff = new CueScorer(kinds.handoff.cues);
    this.thanks = new CueScorer(kinds.thanks.cues);
  }

  process(message: Message): void {
    const analyzed = message.analyzed!;
    const { text } = analyzed;
    // A token means a letter or digit (segmentation keeps only those): the regular
    // expression is left for texts without one (it also sees astral letters, 𠀀).
    if (analyzed.tokens.length === 0 && !LETTER_OR_DIGIT.test(text)) {
      message.understanding = { kind: "unknown", confidence: 1, candidates: [] };
      return;
    }

    const pick = PICK.exec(text);
    if (pick) {
      const digit = pick[1]!;
      const n = /\d/.test(digit) ? Number(digit) : CHINESE_DIGITS.indexOf(digit) + 1;
      message.understanding = { kind: "service", confidence: 1, pick: n, candidates: [] };
      return;
    }

    const handoff = this.handoff.score(text);
    if (handoff.score > 0 && GREETING_FILLER.test(this.greeting.score(handoff.rest).rest)) {
      message.understanding = { kind: "handoff", confidence: 1, candidates: [] };
      return;
    }

    const greeting = this.greeting.score(text);
    if (greeting.score > 0 && GREETING_FILLER.test(greeting.rest)) {
      message.understanding = { kind: "greeting", confidence: 1, candidates: [] };
      return;
    }

    // "谢谢，问题解决了", "好的，知道了": the citizen closes the exchange; nothing to file or answer.
    const thanks = this.thanks.score(greeting.rest);
    if (thanks.score > 0 && GREETING_FILLER.test(thanks.rest))
      message.understanding = { kind: "thanks", confidence: 1, candidates: [] };
  }
}
