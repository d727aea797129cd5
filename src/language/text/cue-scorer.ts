// Weighted cue phrases, looked up as substrings: robust to segmentation and cheap.
// Longest first, so "没人修" is counted before "修" could be; each cue counts once.
import { inListOrder, PhraseIndex, removePhrases } from "./phrase-index.ts";

export class CueScorer {
  private readonly index: PhraseIndex;
  private readonly weights: number[];

  constructor(cues: Record<string, number> | string[]) {
    const entries: [string, number][] = Array.isArray(cues)
      ? cues.map((c) => [c.toLowerCase(), 1])
      : Object.entries(cues).map(([c, w]) => [c.toLowerCase(), w]);
    entries.sort((a, b) => b[0].length - a[0].length);
    this.index = new PhraseIndex(entries.map(([cue]) => cue));
    this.weights = entries.map(([, weight]) => weight);
  }

  /** Sum of the weights of the cues found, and the text left once they are removed. */
  score(text: string): { score: number; rest: string } {
    const occurrences = this.index.find(text);
    if (occurrences.length === 0) return { score: 0, rest: text };
    // Phrase ids are in longest-first order already.
    const { counted, rest } = removePhrases(text, occurrences, this.index.lengthOf, inListOrder);
    let score = 0;
    for (const p of counted) score += this.weights[p]!;
    return { score, rest };
  }
}
