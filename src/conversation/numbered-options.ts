// A bare number ("2", "２", "2.") answers the last question the hub asked, and this is
// where that is decided, for every channel. The pipeline asks the citizen desk first,
// which takes the number as a rating while the rating request is the last thing asked
// (citizen-desk.ts); otherwise the number picks one of the options the last reply
// numbered and stands for what that option sends — a tap on web chat's button and "2"
// typed on WeChat are the same message. A clarifying question's options send their
// number, which the dialogue reads as a pick of the item (dialogue.ts).
import type { ConversationContext } from "./conversation-context.ts";

const BARE_NUMBER = /^\s*(\d{1,2})\s*[.。、]?\s*$/;

/** The number, when the text is nothing but one. */
export function bareNumber(text: string): number | undefined {
  const match = BARE_NUMBER.exec(text.normalize("NFKC"));
  return match ? Number(match[1]) : undefined;
}

/** What the option a bare number picks sends, or undefined when it picks none. */
export function chosenOption(text: string, context: ConversationContext): string | undefined {
  const n = bareNumber(text);
  return n === undefined ? undefined : context.offered?.[n - 1];
}
