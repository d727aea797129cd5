// Step 1 of the language pipeline: make the text comparable before anything reads it.
import { toSimplified } from "./traditional-to-simplified.ts";

const EMOJI = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{20E3}\u{1F3FB}-\u{1F3FF}]/gu;
// Runs of the same punctuation ("？？？", "!!!", "。。。") carry emotion, not meaning.
const REPEATED_PUNCTUATION = /([\p{P}\p{S}])\1+/gu;
const WHITESPACE = /\s+/g;

/** Full-width ASCII (Ａ１！) to half-width (A1!), ideographic space to a space. */
export function toHalfWidth(text: string): string {
  // Most messages have no full-width character: return them as they are, unbuilt.
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3000 || (code >= 0xff01 && code <= 0xff5e)) break;
  }
  if (i === text.length) return text;
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 0x3000) out += " ";
    else if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else out += ch;
  }
  return out;
}

export function normalizeText(text: string): string {
  return toSimplified(toHalfWidth(text.normalize("NFKC")))
    .replace(EMOJI, "")
    .replace(REPEATED_PUNCTUATION, "$1")
    .replace(WHITESPACE, " ")
    .trim()
    .toLowerCase();
}
