// First step: the text as every other step reads it — normalized like the language
// pipeline's (full-width to half-width, traditional to simplified, emoji gone, lower
// case) and cut by the shared jieba, punctuation kept, since it ends clauses.
import { normalizeText } from "../language/text/normalize.ts";
import type { Segmenter } from "../language/text/segmenter.ts";
import type { OpinionComponent, OpinionMessage } from "./opinion-message.ts";

export class OpinionText implements OpinionComponent {
  readonly name = "text";

  constructor(private readonly segmenter: Segmenter) {}

  process(message: OpinionMessage): void {
    message.text = normalizeText(message.raw);
    message.tokens = message.text.length > 0 ? this.segmenter.cut(message.text) : [];
  }
}
