// Text as every part of the hub can hold it. PostgreSQL's text and jsonb cannot hold
// U+0000, and a lone UTF-16 surrogate (half of an emoji, from a broken client or a
// hostile one) is not Unicode at all: jsonb refuses its escape and UTF-8 cannot encode
// it. Rather than refuse the citizen's message, every entry cleans what it receives,
// once, before anything reads it — so what is understood, answered, hashed into the
// audit trail and stored is the same text. U+0000 is dropped; a lone surrogate becomes
// U+FFFD (the replacement character), as a UTF-8 decoder would make it.
import type { InboundMessage } from "./messages.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point
const UNCLEAN = /[\u0000\uD800-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without U+0000 and with every lone surrogate replaced by U+FFFD. */
export function cleanText(text: string): string {
  // Most text has neither (a surrogate pair, an emoji, is checked below and kept).
  if (!UNCLEAN.test(text)) return text;
  return text.replace(LONE_SURROGATE, "\uFFFD").replace(NUL, "");
}

/** Every string in a JSON-like value cleaned (keys too); other values as they are. */
export function cleanValue<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanValue) as T;
  if (value !== null && typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    // Dates and other class instances serialize themselves; only plain records are walked.
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [cleanText(key), cleanValue(inner)])) as T;
  }
  return value;
}

// JSON.stringify writes U+0000 and lone surrogates as \u escapes, which jsonb refuses.
// A match is only a hint (it also matches a citizen's typed "\u0000"): it never edits the JSON.
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/i;

/**
 * JSON that PostgreSQL's jsonb accepts for this value: its strings are cleaned before
 * serializing, never the serialized text (which would corrupt a typed backslash).
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  return UNSTORABLE_ESCAPE.test(json) ? JSON.stringify(cleanValue(value)) : json;
}

/** The message with its text and ids cleaned (the wire payload is cleaned when stored, see storableJson). */
export function cleanMessage(message: InboundMessage): InboundMessage {
  const text = cleanText(message.text);
  const channelUserId = cleanText(message.channelUserId);
  const channelMessageId = cleanText(message.channelMessageId);
  return text === message.text &&
    channelUserId === message.channelUserId &&
    channelMessageId === message.channelMessageId
    ? message
    : { ...message, text, channelUserId, channelMessageId };
}
