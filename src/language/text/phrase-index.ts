// Finds which of a fixed set of phrases occur in a text, in one pass: phrases are
// indexed by their first character, so each position costs one map lookup. Cue
// scoring, facets and filler words all run on every message; this keeps them cheap.

export interface Occurrence {
  /** Index of the phrase in the list given to the constructor. */
  phrase: number;
  start: number;
}

export class PhraseIndex {
  private readonly byFirstChar = new Map<number, number[]>();
  /**
   * A bit for each UTF-16 code unit some phrase starts with: most positions start none.
   * Bits, not bytes: 8 KB per index instead of 64 KB, so the half-dozen indexes every
   * message is scanned with stay in the CPU cache beside jieba's dictionary.
   */
  private readonly starts = new Int32Array(0x10000 >>> 5);

  /** The length of phrase `phrase` (a bound function: passed to removePhrases as it is). */
  readonly lengthOf = (phrase: number): number => this.phrases[phrase]!.length;

  constructor(readonly phrases: readonly string[]) {
    phrases.forEach((phrase, i) => {
      if (phrase.length === 0) return;
      const first = phrase.charCodeAt(0);
      this.starts[first >>> 5]! |= 1 << (first & 31);
      let list = this.byFirstChar.get(first);
      if (!list) this.byFirstChar.set(first, (list = []));
      list.push(i);
    });
  }

  /** Every occurrence of every phrase (overlapping ones included), by position. */
  find(text: string): Occurrence[] {
    let found: Occurrence[] | undefined;
    for (let start = 0; start < text.length; start++) {
      const code = text.charCodeAt(start);
      if ((this.starts[code >>> 5]! & (1 << (code & 31))) === 0) continue;
      const list = this.byFirstChar.get(code);
      if (!list) continue;
      for (const phrase of list) {
        if (text.startsWith(this.phrases[phrase]!, start)) (found ??= []).push({ phrase, start });
      }
    }
    return found ?? NONE;
  }
}

const NONE: Occurrence[] = [];

/** Phrases in the order they were given (for lists sorted longest first: longest first). */
export const inListOrder = (a: number, b: number): number => a - b;

const KEPT = 0;
const START = 1;
const INSIDE = 2;
let removedScratch = new Uint8Array(64);

/**
 * Removes phrases from a text the way repeated `split(phrase).join(" ")` would, in the
 * order given by `order` (e.g. longest first): a phrase counts when at least one of its
 * occurrences is not inside an earlier phrase. Returns the phrases that counted and
 * the text with each removed occurrence replaced by a space.
 */
export function removePhrases(
  text: string,
  occurrences: Occurrence[],
  lengthOf: (phrase: number) => number,
  order: (a: number, b: number) => number,
): { counted: number[]; rest: string } {
  if (occurrences.length === 0) return { counted: [], rest: text };
  // One occurrence (the common case: 怎么办, 多少钱) is removed with nothing to order or overlap.
  if (occurrences.length === 1) {
    const { phrase, start } = occurrences[0]!;
    return { counted: [phrase], rest: `${text.slice(0, start)} ${text.slice(start + lengthOf(phrase))}` };
  }
  const sorted = [...occurrences].sort((a, b) => order(a.phrase, b.phrase) || a.start - b.start);
  // Which characters are removed, in a buffer shared by all calls (zeroed again below):
  // START where a removed occurrence begins, INSIDE for the rest of it.
  if (removedScratch.length < text.length)
    removedScratch = new Uint8Array(Math.max(text.length, 2 * removedScratch.length));
  const removed = removedScratch;
  const counted: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    const phrase = sorted[i]!.phrase;
    const length = lengthOf(phrase);
    let any = false;
    let lastEnd = -1;
    for (; i < sorted.length && sorted[i]!.phrase === phrase; i++) {
      const { start } = sorted[i]!;
      const end = start + length;
      if (start < lastEnd) continue; // overlaps the previous occurrence of the same phrase
      let free = true;
      for (let k = start; k < end; k++) if (removed[k] !== KEPT) free = false;
      if (!free) continue;
      removed[start] = START;
      for (let k = start + 1; k < end; k++) removed[k] = INSIDE;
      lastEnd = end;
      any = true;
    }
    if (any) counted.push(phrase);
  }
  // Removed occurrences never overlap: each START runs over the INSIDEs after it.
  let rest = "";
  let at = 0;
  for (let k = 0; k < text.length; ) {
    if (removed[k] !== START) {
      k++;
      continue;
    }
    rest += `${text.slice(at, k)} `;
    for (k++; k < text.length && removed[k] === INSIDE; k++);
    at = k;
  }
  removed.fill(KEPT, 0, text.length);
  return { counted, rest: rest + text.slice(at) };
}
