// Picks the complaint domain (城建, 交通 …) from keyword evidence, for routing.
import { CueScorer } from "../text/cue-scorer.ts";

export class DomainClassifier {
  private readonly scorers: [string, CueScorer][];

  constructor(domains: Record<string, string[]>) {
    this.scorers = Object.entries(domains).map(([domain, words]) => [domain, new CueScorer(words)]);
  }

  classify(text: string): { domain: string; score: number } | undefined {
    let best: { domain: string; score: number } | undefined;
    for (const [domain, scorer] of this.scorers) {
      const { score } = scorer.score(text);
      if (score > 0 && (!best || score > best.score)) best = { domain, score };
    }
    return best;
  }
}
