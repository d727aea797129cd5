// Long, many-clause questions ("驾照明年三月到期 现在能提前换吗 体检去哪里做 费用多少 换好了
// 寄到家里还是自己去拿"): most clauses ask about side facets (fee, where, delivery) with side
// words (体检, 寄到家里) that no item uses and that count against every match. This step
// finds the clauses that name some item's object (head-concepts.ts), matches them alone,
// and keeps that match when it is more probable than the whole message's. The facet
// detector still reads the whole text, so "费用多少" is still noted.
import { splitClauses } from "../text/clauses.ts";
import type { AnalyzedText, Component, Message, ServiceCandidate } from "./component.ts";
import { type HeadConcepts, HeadLevel } from "./head-concepts.ts";

/** Fewer clauses than this: the message is short enough to be matched whole. */
export const MIN_CLAUSES = 3;

export class ClauseFocus implements Component {
  constructor(
    private readonly heads: HeadConcepts,
    private readonly analyze: (text: string) => AnalyzedText,
    private readonly match: (analyzed: AnalyzedText) => ServiceCandidate[],
  ) {}

  process(message: Message): void {
    const focus = this.focus(message.analyzed!.text);
    if (focus === undefined) return;
    const focused = this.match(this.analyze(focus));
    const whole = message.candidates ?? [];
    if ((focused[0]?.probability ?? 0) > (whole[0]?.probability ?? 0)) message.candidates = focused;
  }

  /** The clauses naming some item's object, joined; undefined when that is every clause or none. */
  focus(text: string): string | undefined {
    const clauses = splitClauses(text);
    if (clauses.length < MIN_CLAUSES) return undefined;
    const kept = clauses.filter(
      (clause) => this.heads.strongest(this.heads.query(clause, this.analyze(clause).tokens)) >= HeadLevel.object,
    );
    if (kept.length === 0 || kept.length === clauses.length) return undefined;
    return kept.join("，");
  }
}
