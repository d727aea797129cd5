// Tolerates the typos a pinyin keyboard makes on the words that matter: "公机金" for
// 公积金, "身分正" for 身分证, "户口千移" for 户口迁移. A run of segmented tokens is
// replaced by a catalog term when every character sounds like the term's, at most
// one character in three differs, and the run holds a single-character token — the
// sign that the segmenter did not know the run as a word (so "事业单位", a real word,
// is never turned into 失业单位).
import { HanPinyin } from "./han-pinyin.ts";

const HAN_ONLY = /^\p{Script=Han}+$/u;
const MAX_TERM_LENGTH = 8;

interface Term {
  text: string;
  codes: number[];
  /** The last search that tried this term (terms are listed under several readings). */
  visited: number;
}

/** The terms whose first character has one reading. */
interface TermList {
  terms: Term[];
  /**
   * A bit (reading id mod 32) for each reading of the terms' second characters; every
   * bit when one of them has no reading. A run whose second character shares no bit
   * with it can match none of the terms: the list is skipped with one test.
   */
  secondReadings: number;
}

export class HomophoneCorrector {
  private readonly pinyin = HanPinyin.shared();
  /** Terms by the reading id of their first character (index = reading id). */
  private readonly byFirstReading: (TermList | undefined)[] = [];
  private search = 0;

  constructor(terms: Iterable<string>) {
    for (const text of new Set(terms)) {
      if (text.length < 2 || text.length > MAX_TERM_LENGTH || !HAN_ONLY.test(text)) continue;
      const codes = [...text].map((c) => c.codePointAt(0)!);
      const second = this.readingBits(codes[1]!);
      for (const reading of this.pinyin.readingsOf(codes[0]!)) {
        let list = this.byFirstReading[reading];
        if (!list) this.byFirstReading[reading] = list = { terms: [], secondReadings: 0 };
        list.terms.push({ text, codes, visited: 0 });
        list.secondReadings |= second === 0 ? -1 : second;
      }
    }
    // Longest first: "户口迁移" is preferred to "户口".
    for (const list of this.byFirstReading) list?.terms.sort((a, b) => b.codes.length - a.codes.length);
  }

  /** A bit (reading id mod 32) per reading of a character; 0 when it has none. */
  private readingBits(code: number): number {
    let bits = 0;
    for (let slot = 0; ; slot++) {
      const reading = this.pinyin.readingAt(code, slot);
      if (reading === 0) return bits;
      bits |= 1 << (reading & 31);
    }
  }

  /** The tokens with misspelled catalog terms replaced; the same array when nothing changed. */
  correct(tokens: string[]): string[] {
    let out: string[] | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const match = this.matchAt(tokens, i);
      if (!match) {
        out?.push(tokens[i]!);
        continue;
      }
      out ??= tokens.slice(0, i);
      out.push(match.text);
      i = match.lastToken;
    }
    return out ?? tokens;
  }

  private matchAt(tokens: string[], start: number): { text: string; lastToken: number } | undefined {
    if (!singleCharTokenWithin(tokens, start)) return undefined;
    const token = tokens[start]!;
    const first = token.charCodeAt(0);
    // Every term has a second character, which must sound like the run's: a check that
    // spares aligning most terms (a message tried ~35 of them per position).
    const second =
      token.length > 1 ? token.charCodeAt(1) : start + 1 < tokens.length ? tokens[start + 1]!.charCodeAt(0) : -1;
    if (second < 0) return undefined;
    // A second character without a reading can still equal a term's: then no list is skipped.
    const secondBits = this.readingBits(second) || -1;
    const search = ++this.search;
    for (let slot = 0; ; slot++) {
      const reading = this.pinyin.readingAt(first, slot);
      if (reading === 0) return undefined;
      const list = this.byFirstReading[reading];
      if (!list || (list.secondReadings & secondBits) === 0) continue;
      for (const term of list.terms) {
        if (term.visited === search) continue;
        term.visited = search;
        if (!this.pinyin.soundAlike(second, term.codes[1]!)) continue;
        const lastToken = this.alignedMisspelling(tokens, start, term);
        if (lastToken !== undefined) return { text: term.text, lastToken };
      }
    }
  }

  /** Index of the last token when tokens[start…] spell `term` with a homophone typo. */
  private alignedMisspelling(tokens: string[], start: number, term: Term): number | undefined {
    const length = term.codes.length;
    let position = 0;
    let differences = 0;
    let singleCharTokens = 0;
    let t = start;
    for (; t < tokens.length && position < length; t++) {
      const token = tokens[t]!;
      if (token.length === 1) singleCharTokens++;
      for (let k = 0; k < token.length; k++) {
        if (position === length) return undefined; // the term ends inside a token
        const code = token.charCodeAt(k);
        const expected = term.codes[position++]!;
        if (code === expected) continue;
        if (!this.pinyin.soundAlike(code, expected)) return undefined;
        differences++;
      }
    }
    if (position !== length || differences === 0) return undefined;
    if (differences > Math.max(1, Math.floor(length / 3))) return undefined;
    const tokenCount = t - start;
    // Two characters are easily a real word: only when the segmenter split them both.
    if (length === 2 ? singleCharTokens < 2 : singleCharTokens < 1) return undefined;
    return tokenCount > 0 ? t - 1 : undefined;
  }
}

/**
 * Whether a single-character token starts within MAX_TERM_LENGTH characters of
 * tokens[start]: a repair needs one inside the term (see alignedMisspelling), so
 * without it no term is worth trying — most positions of most messages.
 */
function singleCharTokenWithin(tokens: string[], start: number): boolean {
  let length = 0;
  for (let t = start; t < tokens.length; t++) {
    const tokenLength = tokens[t]!.length;
    length += tokenLength;
    if (length > MAX_TERM_LENGTH) return false;
    if (tokenLength === 1) return true;
  }
  return false;
}
