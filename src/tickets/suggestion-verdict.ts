// How a suggestion (建言) is closed: the department adopts it, adopts part of it, or not
// for now — and says why in its reply. Required to resolve a suggestion, refused for
// any other kind of ticket (src/tickets/lifecycle.ts).

export const SUGGESTION_VERDICTS = {
  adopted: "采纳",
  partially_adopted: "部分采纳",
  not_adopted: "暂不采纳",
} as const;

export type SuggestionVerdict = keyof typeof SUGGESTION_VERDICTS;

export function isSuggestionVerdict(value: string): value is SuggestionVerdict {
  return Object.hasOwn(SUGGESTION_VERDICTS, value);
}
