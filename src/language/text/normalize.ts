// Step 1 of the language pipeline: make the text comparable before anything reads it.
import { isTraditional, toSimplified } from "./traditional-to-simplified.ts";

// biome-ignore lint/suspicious/noMisleadingCharacterClass: emoji parts (variation selector, joiner, keycap, skin tones) are removed one by one on purpose
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
  return normalizeCommonText(text) ?? normalizeStepByStep(text);
}

/** The normalization step by step: NFKC, half-width, simplified, no emoji, collapsed punctuation and space, lower case. */
export function normalizeStepByStep(text: string): string {
  return toSimplified(toHalfWidth(text.normalize("NFKC")))
    .replace(EMOJI, "")
    .replace(REPEATED_PUNCTUATION, "$1")
    .replace(WHITESPACE, " ")
    .trim()
    .toLowerCase();
}

// Punctuation outside ASCII that every step leaves as it is (NFKC too): 、。“”‘’《》「」『』【】—·.
const CJK_PUNCTUATION = new Set([
  0x3001, 0x3002, 0x201c, 0x201d, 0x2018, 0x2019, 0x300a, 0x300b, 0x300c, 0x300d, 0x300e, 0x300f, 0x3010, 0x3011,
  0x2014, 0xb7,
]);
/** Longer texts take the general path: the fast one builds its output in a fixed buffer. */
const MAX_COMMON_LENGTH = 256;
const built = new Uint16Array(MAX_COMMON_LENGTH);

/**
 * normalizeStepByStep for the text citizens usually send — simplified Han, ASCII,
 * full-width ASCII and common Chinese punctuation — in one pass over its code units,
 * without a regular expression or NFKC (which cost most of the general path);
 * undefined for any other text. Every character it accepts is one NFKC leaves alone
 * or maps to a single ASCII one (Ａ → A, ， → ,, ideographic space → space); the steps
 * after that are then simple: collapse repeated punctuation and runs of spaces, trim,
 * lower-case ASCII. tests/understanding.test.ts checks it against the general path.
 */
export function normalizeCommonText(text: string): string | undefined {
  if (text.length > MAX_COMMON_LENGTH) return undefined;
  let length = 0;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0x4e00 && code <= 0x9fff) {
      if (isTraditional(code)) return undefined;
      built[length++] = code;
      continue;
    }
    if (code >= 0xff01 && code <= 0xff5e) {
      code -= 0xfee0;
      changed = true;
    } else if (code === 0x3000) {
      code = 0x20;
      changed = true;
    }
    if (code >= 0x41 && code <= 0x5a) {
      code += 0x20;
      changed = true;
    }
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) {
      built[length++] = code;
    } else if (code === 0x20) {
      // Leading spaces and runs of spaces go (a trailing one is dropped below).
      if (length === 0 || built[length - 1] === 0x20) changed = true;
      else built[length++] = code;
    } else if ((code > 0x20 && code < 0x7f) || CJK_PUNCTUATION.has(code)) {
      // Punctuation and symbols: a repeat of the one before goes.
      if (length > 0 && built[length - 1] === code) changed = true;
      else built[length++] = code;
    } else return undefined;
  }
  if (length > 0 && built[length - 1] === 0x20) {
    length--;
    changed = true;
  }
  return changed ? String.fromCharCode.apply(null, built.subarray(0, length) as unknown as number[]) : text;
}
