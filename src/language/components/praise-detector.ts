// Praise (表扬): "我要表扬三号窗口的王姐", "给交警点赞", "感谢城管局的工作人员". Cue words
// from intents/message-kinds.yaml, and a thank-you followed in the same clause by whom it
// thanks (a target such as 工作人员, 窗口, or a department's name). A bare "谢谢" is
// settled before as thanks (short-reply-detector.ts); a message whose complaint cues weigh
// as much stays a complaint. The department praise names travels with it for routing.
import type { Department, MessageKindsFile } from "../../knowledge/catalog-schema.ts";
import { DepartmentNames } from "../../knowledge/department-names.ts";
import { splitClauses } from "../text/clauses.ts";
import { CueScorer } from "../text/cue-scorer.ts";
import type { Component, Message } from "./component.ts";

/** Cue weight that makes a message praise; a thank-you naming whom it thanks weighs as much. */
export const PRAISE_THRESHOLD = 2;

export class PraiseDetector implements Component {
  private readonly cues: CueScorer;
  private readonly complaint: CueScorer;
  private readonly names: DepartmentNames;

  constructor(
    private readonly kinds: MessageKindsFile,
    departments: readonly Department[],
  ) {
    this.cues = new CueScorer(kinds.praise.cues);
    this.complaint = new CueScorer(kinds.complaint.cues);
    this.names = new DepartmentNames(departments);
  }

  process(message: Message): void {
    const { text } = message.analyzed!;
    const score = this.cues.score(text).score + (this.thanksSomeone(text) ? PRAISE_THRESHOLD : 0);
    if (score < PRAISE_THRESHOLD || this.complaint.score(text).score >= score) return;
    const named = this.names.find(text);
    message.understanding = {
      kind: "praise",
      confidence: Math.min(1, Math.round((score / (2 * PRAISE_THRESHOLD)) * 1000) / 1000),
      ...(named && { department: { code: named.code, name: named.name } }),
      candidates: [],
    };
  }

  /** A clause that thanks someone named after the thank-you: "感谢城管局的工作人员". */
  private thanksSomeone(text: string): boolean {
    const { thanks, targets } = this.kinds.praise;
    return splitClauses(text).some((clause) =>
      thanks.some((word) => {
        const at = clause.indexOf(word);
        if (at < 0) return false;
        const after = clause.slice(at + word.length);
        return targets.some((target) => after.includes(target)) || this.names.find(after) !== undefined;
      }),
    );
  }
}
