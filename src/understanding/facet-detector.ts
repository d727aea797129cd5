// Which part of a service item a question asks about (materials, fee, where, how
// long, online …), and whether the question is *only* that — a follow-up such as
// "要带什么材料" that refers to the item already under discussion.
import type { Facet, FacetsFile } from "../catalog/catalog-schema.ts";
import { CueScorer } from "./cue-scorer.ts";

const LEFTOVER = /[\p{Script=Han}a-z0-9]/u;

export interface FacetReading {
  facet: Facet;
  /** True when nothing but the facet and filler words is left: the question names no item. */
  alone: boolean;
}

export class FacetDetector {
  private readonly cues: { facet: Facet; phrase: string }[];
  private readonly filler: CueScorer;

  constructor(file: FacetsFile) {
    this.cues = Object.entries(file.facets)
      .flatMap(([facet, phrases]) => phrases.map((phrase) => ({ facet: facet as Facet, phrase: phrase.toLowerCase() })))
      // Longest first, so "带什么材料" is found before "材料".
      .sort((a, b) => b.phrase.length - a.phrase.length);
    this.filler = new CueScorer(file.filler);
  }

  detect(text: string): FacetReading | undefined {
    let first: { facet: Facet; at: number } | undefined;
    let rest = text;
    for (const { facet, phrase } of this.cues) {
      const at = text.indexOf(phrase);
      if (at < 0) continue;
      if (!first || at < first.at) first = { facet, at };
      rest = rest.split(phrase).join(" ");
    }
    if (!first) return undefined;
    return { facet: first.facet, alone: !LEFTOVER.test(this.filler.score(rest).rest) };
  }
}
