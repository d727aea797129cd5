// A matter reported settled, with thanks: "上次反映的漏水问题修好了，谢谢你们", "低保批下来了，
// 太感谢了". It names the old trouble (漏水, 投诉), so cue words and the model would file it
// again as a complaint; it is thanks, answered "不客气". The words are intents/message-kinds.yaml
// `settled`: a `done` word not negated right before it (没修好, 还没到账), a `thanks` word, and
// no `but` word (但是, 又: "修好了，但是又漏了" is not over).
import type { MessageKindsFile } from "../../knowledge/catalog-schema.ts";
import { PhraseIndex } from "../text/phrase-index.ts";
import type { Component, Message } from "./component.ts";

type SettledCues = NonNullable<MessageKindsFile["settled"]>;

/** What, right before a `done` word, undoes it: 没修好, 未解决, 还没到账, 不到账. */
const NEGATION = /(?:没|未|不|没有|还没)$/u;

export class SettledThanksDetector implements Component {
  private readonly done: PhraseIndex;
  private readonly thanks: PhraseIndex;
  private readonly but: PhraseIndex;

  constructor(cues: SettledCues) {
    this.done = new PhraseIndex(cues.done.map((w) => w.toLowerCase()));
    this.thanks = new PhraseIndex(cues.thanks.map((w) => w.toLowerCase()));
    this.but = new PhraseIndex(cues.but.map((w) => w.toLowerCase()));
  }

  process(message: Message): void {
    if (this.isSettledThanks(message.analyzed!.text))
      message.understanding = { kind: "thanks", confidence: 1, candidates: [] };
  }

  isSettledThanks(text: string): boolean {
    if (this.thanks.find(text).length === 0 || this.but.find(text).length > 0) return false;
    return this.done.find(text).some(({ start }) => !NEGATION.test(text.slice(Math.max(0, start - 2), start)));
  }
}
