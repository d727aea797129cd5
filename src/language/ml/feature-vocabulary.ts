// Maps a question's words to feature ids: one per known word and one per pair of
// adjacent Han characters (bigram). Words carry meaning; bigrams catch what
// segmentation splits differently ("身份证补办" vs "补办身份证") and survive unknown
// words. Ids are dense, so models can keep their weights in flat typed arrays.

import { IntegerMap, shortTextKey } from "./integer-map.ts";

const isHan = (code: number) => (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);

/** What the vocabulary reads: the token sequence (for bigrams) and the words (tokens plus known sub-words). */
export interface Terms {
  tokens: readonly string[];
  words: readonly string[];
}

export interface QueryFeatures {
  /** Distinct feature ids of known words and bigrams: the first `count` entries. */
  ids: Int32Array;
  count: number;
  /** How many words (of two or more characters) no catalog text uses: 天气, 专利, 狗证. */
  unseenWords: number;
}

export class FeatureVocabulary {
  private readonly words = new Map<string, number>();
  /** The ids of words of one or two characters again, by shortTextKey: no string hashing per question. */
  private readonly shortWords = new IntegerMap();
  private readonly bigrams = new IntegerMap();
  private readonly names: string[] = [];
  /** Per feature, the query that last listed it: deduplication without a set per query. */
  private stamps = new Uint32Array(0);
  private stamp = 0;
  private readonly query: QueryFeatures = { ids: new Int32Array(64), count: 0, unseenWords: 0 };

  /**
   * The vocabulary whose features are `names` (featureNames() of a learned one), in id
   * order: a vocabulary learned in another thread, rebuilt from the names it sends.
   */
  static fromNames(names: readonly string[]): FeatureVocabulary {
    const vocabulary = new FeatureVocabulary();
    for (const name of names) {
      const id = vocabulary.names.length;
      if (name.startsWith("b:")) vocabulary.bigrams.set(bigramKey(name.charCodeAt(2), name.charCodeAt(3)), id);
      else {
        const word = name.slice(2);
        vocabulary.words.set(word, id);
        const key = shortTextKey(word);
        if (key !== 0) vocabulary.shortWords.set(key, id);
      }
      vocabulary.names.push(name);
    }
    return vocabulary;
  }

  get size(): number {
    return this.names.length;
  }

  /** Every feature's name, by id: the vocabulary as data (see fromNames). */
  featureNames(): readonly string[] {
    return this.names;
  }

  /** Feature id of a word, or -1 when no catalog text uses it. */
  wordId(word: string): number {
    const key = shortTextKey(word);
    return key !== 0 ? this.shortWords.get(key) : (this.words.get(word) ?? -1);
  }

  /** A readable name for a feature id ("w:护照", "b:护照"), for explanations. */
  name(id: number): string {
    return this.names[id] ?? "?";
  }

  /** Feature ids of training text, adding the features it introduces. */
  learn({ tokens, words }: Terms): number[] {
    const ids = new Set<number>();
    for (const word of words) {
      let id = this.words.get(word);
      if (id === undefined) {
        this.words.set(word, (id = this.names.length));
        const key = shortTextKey(word);
        if (key !== 0) this.shortWords.set(key, id);
        this.names.push(`w:${word}`);
      }
      ids.add(id);
    }
    forEachBigram(tokens, (key) => {
      let id = this.bigrams.get(key);
      if (id < 0) {
        this.bigrams.set(key, (id = this.names.length));
        this.names.push(`b:${String.fromCharCode(key >>> 16, key & 0xffff)}`);
      }
      ids.add(id);
    });
    return [...ids];
  }

  /**
   * Feature ids of a question; features the catalog never saw are left out (and unseen
   * words counted). With `known`, so are the features whose entry there is not 1, as if
   * the vocabulary had learned only some of its texts (a held-out fold's model). The
   * answer is one reused object, overwritten by the next call: a question allocates
   * nothing here.
   */
  features({ tokens, words }: Terms, known?: Uint8Array): QueryFeatures {
    if (this.stamps.length !== this.names.length) this.stamps = new Uint32Array(this.names.length);
    const stamps = this.stamps;
    const stamp = ++this.stamp;
    const query = this.query;
    // At most one feature per word and one per character of the tokens.
    let capacity = words.length;
    for (const token of tokens) capacity += token.length;
    if (query.ids.length < capacity) query.ids = new Int32Array(Math.max(capacity, 2 * query.ids.length));
    const ids = query.ids;
    let count = 0;
    let unseenWords = 0;
    for (const word of words) {
      let id = this.wordId(word);
      if (known && id >= 0 && known[id] !== 1) id = -1;
      if (id < 0) {
        if (word.length > 1) unseenWords++;
      } else if (stamps[id] !== stamp) {
        stamps[id] = stamp;
        ids[count++] = id;
      }
    }
    let previous = 0;
    for (const token of tokens) {
      for (let i = 0; i < token.length; i++) {
        const code = token.charCodeAt(i);
        if (!isHan(code)) {
          previous = 0;
          continue;
        }
        if (previous !== 0) {
          const id = this.bigrams.get(bigramKey(previous, code));
          if (id >= 0 && stamps[id] !== stamp && (!known || known[id] === 1)) {
            stamps[id] = stamp;
            ids[count++] = id;
          }
        }
        previous = code;
      }
    }
    query.count = count;
    query.unseenWords = unseenWords;
    return query;
  }
}

/**
 * One 32-bit integer per pair of BMP characters: a small integer to V8, where a key
 * above 2^31 (previous * 0x10000 + code, for the commoner half of Han) would be a
 * boxed double, slower to hash and allocated on every lookup.
 */
function bigramKey(previous: number, code: number): number {
  return (previous << 16) | code;
}

/** Calls back with a numeric key per adjacent Han pair across the joined words. */
function forEachBigram(words: readonly string[], visit: (key: number) => void): void {
  let previous = 0;
  for (const word of words) {
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      if (isHan(code)) {
        if (previous !== 0) visit(bigramKey(previous, code));
        previous = code;
      } else previous = 0;
    }
  }
}
