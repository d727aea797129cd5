// How a message about a service item is put: does it ask (吗, 怎么, 多久, an A-not-A 能不能),
// and does it voice a grievance (凭什么, 到底, 明明, 老是, 没人管)? Worried citizens ask about
// a service in words the message model reads as complaints ("社保卡掉了，里面的钱会不会被人
// 用掉"): a plain question — asking, no grievance — is a consultation. A grievance about a
// service ("高龄津贴这个月怎么少发了两百，也没人通知") is a complaint whatever the form, and
// so is a request for help ("孩子在学校被人打了，能不能帮我们跟学校沟通一下"): the citizen
// asks the government to act, not how a service goes. The words are intents/message-kinds.yaml
// `question`.
import type { MessageKindsFile } from "../../knowledge/catalog-schema.ts";
import { splitClauses } from "../text/clauses.ts";
import { PhraseIndex } from "../text/phrase-index.ts";

type QuestionCues = NonNullable<MessageKindsFile["question"]>;

/** An A-not-A question: 能不能, 是不是, 够不够, 麻烦不麻烦 (爱理不理 is no question). */
const A_NOT_A = /(?<!爱)(\p{Script=Han}{1,2})不\1/u;

export class QuestionTone {
  private readonly asking: PhraseIndex;
  private readonly grievance: PhraseIndex;
  private readonly help: PhraseIndex;
  private readonly particles: readonly string[];

  constructor(cues: QuestionCues) {
    const index = (words: string[]) => new PhraseIndex(words.map((w) => w.toLowerCase()));
    this.asking = index(cues.asks);
    this.grievance = index(cues.grievance);
    this.help = index(cues.help ?? []);
    this.particles = cues.particles.map((w) => w.toLowerCase());
  }

  /** Whether the (normalized) text asks something. */
  asks(text: string): boolean {
    if (A_NOT_A.test(text) || this.asking.find(text).length > 0) return true;
    return splitClauses(text).some((clause) => this.particles.some((p) => clause.endsWith(p)));
  }

  /** Whether the (normalized) text voices a grievance. */
  aggrieved(text: string): boolean {
    return this.grievance.find(text).length > 0;
  }

  /** Whether the (normalized) text asks the government to act: send someone, find, contact. */
  asksForHelp(text: string): boolean {
    return this.help.find(text).length > 0;
  }
}
