// Step 2: Chinese word segmentation (jieba), taught the catalog's own vocabulary so
// that "住房公积金" or "港澳通行证" stay whole words.
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

// jieba's dictionary format: "word frequency", one per line. A high frequency makes
// the user's words win over the general dictionary's splits.
const USER_WORD_FREQUENCY = 200_000;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** True when the token has a letter or digit (the rest is punctuation, symbols, space). */
function isWord(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    // Han, ASCII letters and digits: the common cases, without a regular expression.
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return true;
    if (c > 0x7f && LETTER_OR_DIGIT.test(token[i]!)) return true;
  }
  return false;
}

// One jieba per process: its dictionary costs ~0.4 s and tens of MB, and a catalog
// reload only adds words. (A word dropped from the catalog stays known: harmless.)
let shared: Jieba | undefined;
const known = new Set<string>();
let grammatical: Set<string> | undefined;

// Parts of speech in jieba's dictionary that never say what a question is about:
// places (深圳), times (明年), numerals (几点, 八十多岁), pronouns, adverbs,
// prepositions, conjunctions, particles, measure and direction words.
const NOUN_TAGS = new Set(["n", "nz", "nt", "nrt", "vn", "j", "ng", "an"]);
const NON_CONTENT_TAGS = new Set(["ns", "t", "m", "r", "d", "p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "y", "q", "f", "e", "o"]);

export class Segmenter {
  private readonly jieba: Jieba;

  constructor(userWords: Iterable<string>) {
    this.jieba = shared ??= Jieba.withDict(dict);
    const lines: string[] = [];
    for (const raw of userWords) {
      const word = raw.trim();
      if (word.length < 2 || /\s/.test(word) || known.has(word)) continue;
      known.add(word);
      lines.push(`${word} ${USER_WORD_FREQUENCY}`);
    }
    if (lines.length > 0) this.jieba.loadDict(Buffer.from(lines.join("\n"), "utf8"));
  }

  /**
   * Words of the text, punctuation and spaces dropped; digits and ASCII runs stay whole.
   * Precise mode without HMM: a run jieba does not know stays single characters
   * (公/机/金), which is what typo repair looks for, and known sub-words of long
   * words are added by the analyzer from the catalog's vocabulary.
   */
  segment(text: string): string[] {
    const tokens = this.jieba.cut(text, false);
    let kept = 0;
    for (const token of tokens) if (isWord(token)) tokens[kept++] = token;
    tokens.length = kept;
    return tokens;
  }

  /**
   * Words jieba's dictionary tags as places, times, numerals or grammar words: a word
   * of the question the catalog does not know is a sign it is about something else,
   * unless it is one of these ("在深圳交的社保" is still about 社保).
   */
  static nonContentWords(): ReadonlySet<string> {
    if (!grammatical) {
      grammatical = new Set();
      for (const line of new TextDecoder().decode(dict).split("\n")) {
        const last = line.lastIndexOf(" ");
        if (NON_CONTENT_TAGS.has(line.slice(last + 1))) grammatical.add(line.slice(0, line.indexOf(" ")));
      }
    }
    return grammatical;
  }

  /** True when jieba's dictionary knows the word as a noun (专利, 公务员, 银行卡). */
  isNoun(word: string): boolean {
    const [tagged] = this.jieba.tag(word, false);
    return tagged !== undefined && tagged.word === word && NOUN_TAGS.has(tagged.tag);
  }

  /** The bare jieba call segment() makes, for the benchmark's baseline. */
  cut(text: string): string[] {
    return this.jieba.cut(text, false);
  }
}
