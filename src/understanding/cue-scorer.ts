// Weighted cue phrases, looked up as substrings: robust to segmentation and cheap.
export class CueScorer {
  private readonly cues: [string, number][];

  constructor(cues: Record<string, number> | string[]) {
    this.cues = Array.isArray(cues) ? cues.map((c) => [c.toLowerCase(), 1]) : Object.entries(cues).map(([c, w]) => [c.toLowerCase(), w]);
    // Longest first, so "没人修" is counted before "修" could be.
    this.cues.sort((a, b) => b[0].length - a[0].length);
  }

  /** Sum of the weights of the cues found, and the text left once they are removed. */
  score(text: string): { score: number; matched: string[]; rest: string } {
    let rest = text;
    let score = 0;
    const matched: string[] = [];
    for (const [cue, weight] of this.cues) {
      if (rest.includes(cue)) {
        score += weight;
        matched.push(cue);
        rest = rest.split(cue).join(" ");
      }
    }
    return { score, matched, rest };
  }
}
