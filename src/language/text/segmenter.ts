// Step 2: Chinese word segmentation (jieba), taught the catalog's own vocabulary so
// that "住房公积金" or "港澳通行证" stay whole words.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Jieba, type TfIdf } from "@node-rs/jieba";

// jieba's dictionary format: "word frequency", one per line. A high frequency makes
// the user's words win over the general dictionary's splits.
const USER_WORD_FREQUENCY = 200_000;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** True when the token has a letter or digit (the rest is punctuation, symbols, space). */
function isWord(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    // Han, ASCII letters and digits: the common cases, without a regular expression.
    if (
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a)
    )
      return true;
    if (c > 0x7f && LETTER_OR_DIGIT.test(token[i]!)) return true;
  }
  return false;
}

// One jieba per process: its dictionary costs time and memory, and a catalog reload
// only adds words. (A word dropped from the catalog stays known: harmless.)
let shared: Jieba | undefined;
// jieba's dictionary without its rarest words (frequency below this): 105,000 of
// 349,000 words, 11 MB of memory instead of 36 MB. What it drops are rare idioms and
// names; with HMM off they fall apart into characters, which the bigrams still match.
const MIN_WORD_FREQUENCY = 10;
const known = new Set<string>();
let grammatical: Set<string> | undefined;

// Parts of speech in jieba's dictionary that never say what a question is about:
// places (深圳), times (明年), numerals (几点, 八十多岁), pronouns, adverbs,
// prepositions, conjunctions, particles, measure and direction words.
const NOUN_TAGS = new Set(["n", "nz", "nt", "nrt", "vn", "j", "ng", "an"]);
const NON_CONTENT_TAGS = new Set([
  "ns",
  "t",
  "m",
  "r",
  "d",
  "p",
  "c",
  "u",
  "uj",
  "ul",
  "uz",
  "ud",
  "ug",
  "uv",
  "y",
  "q",
  "f",
  "e",
  "o",
]);

/**
 * jieba's dictionary file ("word frequency tag" per line, 5 MB), read when needed and
 * then let go: the package's own `dict.js` export would keep it, and its 6 MB idf
 * table, in memory for the life of the process.
 */
function dictionaryBytes(): Uint8Array {
  return readFileSync(createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt"));
}

/**
 * Calls back with the start and end (the newline's index, or the length) of every
 * line. A plain loop: Buffer#indexOf per line is a native call, and there are 350,000.
 */
function forEachLine(bytes: Uint8Array, visit: (start: number, end: number) => void): void {
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    visit(start, i);
    start = i + 1;
  }
  if (start < bytes.length) visit(start, bytes.length);
}

/** The lines of jieba's dictionary ("word frequency tag") whose frequency reaches MIN_WORD_FREQUENCY. */
function commonWords(): Uint8Array {
  const bytes = dictionaryBytes();
  const kept = new Uint8Array(bytes.length);
  let length = 0;
  forEachLine(bytes, (lineStart, lineEnd) => {
    let i = lineStart;
    while (i < lineEnd && bytes[i] !== 0x20) i++;
    let frequency = 0;
    for (i++; i < lineEnd && bytes[i]! >= 0x30 && bytes[i]! <= 0x39; i++) frequency = frequency * 10 + bytes[i]! - 0x30;
    if (frequency < MIN_WORD_FREQUENCY) return;
    // The line and its newline (the last line may have none), byte by byte: a view
    // per kept line (105,000 of them) costs more than the copy.
    const end = Math.min(lineEnd + 1, bytes.length);
    for (let k = lineStart; k < end; k++) kept[length++] = bytes[k]!;
  });
  return kept.subarray(0, length);
}

/** A tag of one or two ASCII letters as a number: no string per dictionary line. */
function tagKey(bytes: ArrayLike<number>, start: number, end: number): number {
  let key = 0;
  for (let i = start; i < end; i++) key = key * 256 + bytes[i]!;
  return key;
}

const NON_CONTENT_TAG_KEYS = new Set(
  [...NON_CONTENT_TAGS].map((tag) => tagKey(Buffer.from(tag, "latin1"), 0, tag.length)),
);

export class Segmenter {
  private readonly jieba: Jieba;

  constructor(userWords: Iterable<string>) {
    this.jieba = shared ??= Jieba.withDict(commonWords());
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
   * The words taught so far (every Segmenter's), in order: another thread's jieba taught
   * them first segments as this one does.
   */
  static taughtWords(): string[] {
    return [...known];
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
      // Scan the dictionary's bytes ("word frequency tag" per line) and decode only the
      // words kept: decoding all 350,000 lines at once would cost ~40 MB of memory.
      const bytes = dictionaryBytes();
      // The kept words' bytes, newline-separated, decoded once at the end: a decode
      // call per word (37,000 of them) took most of the time.
      const kept = new Uint8Array(bytes.length);
      let length = 0;
      forEachLine(bytes, (lineStart, lineEnd) => {
        // The tag: the last field, of one or two characters (surrounding whitespace aside).
        let tagEnd = lineEnd;
        while (tagEnd > lineStart && bytes[tagEnd - 1]! <= 0x20 && bytes[tagEnd - 1] !== 0x20) tagEnd--;
        let lastSpace = lineEnd - 1;
        while (lastSpace >= lineStart && bytes[lastSpace] !== 0x20) lastSpace--;
        if (lastSpace <= lineStart || lineEnd - lastSpace > 3) return;
        if (!NON_CONTENT_TAG_KEYS.has(tagKey(bytes, lastSpace + 1, Math.min(tagEnd, lineEnd)))) return;
        for (let k = lineStart; bytes[k] !== 0x20; k++) kept[length++] = bytes[k]!;
        kept[length++] = 0x0a;
      });
      const text = new TextDecoder().decode(kept.subarray(0, length));
      for (const word of text.split("\n")) if (word) grammatical.add(word);
    }
    return grammatical;
  }

  /** True when jieba's dictionary knows the word as a noun (专利, 公务员, 银行卡). */
  isNoun(word: string): boolean {
    const [tagged] = this.jieba.tag(word, false);
    return tagged !== undefined && tagged.word === word && NOUN_TAGS.has(tagged.tag);
  }

  /**
   * The bare jieba call segment() makes, punctuation kept: the benchmark's baseline, and
   * for callers that read clauses (the opinion analysis).
   */
  cut(text: string): string[] {
    return this.jieba.cut(text, false);
  }

  /** jieba's TF-IDF keywords of the text, cut with this (shared) dictionary: see keyword-extractor.ts. */
  tfIdfKeywords(extractor: TfIdf, text: string, topK: number): { keyword: string; weight: number }[] {
    return extractor.extractKeywords(this.jieba, text, topK);
  }
}
