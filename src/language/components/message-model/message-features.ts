// What the classifier sees of a message: character 1–3-grams of the normalized text
// (with start/end marks, so "请问…" at the start differs from "…请问" in the middle) and
// jieba words. Character n-grams are robust to typos and unseen words; words add the
// longer units (拖欠工资, 不作为) that n-grams of three characters cut apart.
import { normalizeText } from "../../text/normalize.ts";
import type { Segmenter } from "../../text/segmenter.ts";
import { hashFinish, hashSeed, hashStep, hashString } from "../../ml/feature-hashing.ts";

export interface FeatureOptions {
  /** Longest character n-gram (1 … maxCharNgram). */
  maxCharNgram: number;
  /** Whether jieba words are features too. */
  words: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { maxCharNgram: 3, words: true };

const START = 0x02;
const END = 0x03;
const ZERO = 0x30;
const WORD_FAMILY = 100;
// Digits are folded to "0": "3月" and "5月" say the same thing to a classifier.
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

export class MessageFeatures {
  private codes = new Int32Array(256);
  private out = new Uint32Array(1024);
  private readonly seeds: number[];

  constructor(
    private readonly segmenter: Segmenter,
    readonly options: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
  ) {
    this.seeds = Array.from({ length: options.maxCharNgram + 1 }, (_, n) => hashSeed(n));
  }

  /**
   * Feature hashes of a raw message, one per occurrence, in the order they occur (sort
   * them to bring repeats together). The returned array is reused by the next call.
   */
  extract(rawText: string): Uint32Array {
    const text = normalizeText(rawText);
    return this.extractNormalized(text, this.options.words ? this.segmenter.segment(text) : []);
  }

  /** The same, for text that is already normalized and segmented (by the same segmenter). */
  extractNormalized(text: string, words: readonly string[]): Uint32Array {
    const length = this.loadCodes(text);
    const maxN = this.options.maxCharNgram;
    let count = 0;
    this.reserve(length * maxN + words.length);
    const codes = this.codes;
    const out = this.out;
    // codes[0] is START and codes[length - 1] is END; a 1-gram of a mark says nothing.
    for (let end = 0; end < length; end++) {
      for (let n = 1; n <= maxN && n <= end + 1; n++) {
        if (n === 1 && (end === 0 || end === length - 1)) continue;
        let h = this.seeds[n]!;
        for (let i = end - n + 1; i <= end; i++) h = hashStep(h, codes[i]!);
        out[count++] = hashFinish(h);
      }
    }
    for (const word of words) out[count++] = hashString(WORD_FAMILY, word);
    return out.subarray(0, count);
  }

  /** Code points of the text between START and END marks, digits folded; returns the count. */
  private loadCodes(text: string): number {
    if (this.codes.length < text.length + 2) this.codes = new Int32Array(2 * text.length + 2);
    const codes = this.codes;
    let length = 0;
    codes[length++] = START;
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      codes[length++] = isDigit(code) ? ZERO : code;
    }
    codes[length++] = END;
    return length;
  }

  private reserve(size: number): void {
    if (this.out.length < size) this.out = new Uint32Array(2 * size);
  }
}
