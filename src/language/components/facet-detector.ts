// Which part of a service item a question asks about (materials, fee, where, how
// long, online …), and whether the question is *only* that — a follow-up such as
// "要带什么材料" that refers to the item already under discussion.
import type { Facet, FacetsFile } from "../../knowledge/catalog-schema.ts";
import type { FacetReading, Component, Message } from "./component.ts";
import { CueScorer } from "../text/cue-scorer.ts";
import { inListOrder, PhraseIndex, removePhrases } from "../text/phrase-index.ts";

const LEFTOVER = /[\p{Script=Han}a-z0-9]/u;

export class FacetDetector implements Component {
  private readonly index: PhraseIndex;
  private readonly facetOf: Facet[];
  private readonly filler: CueScorer;

  constructor(file: FacetsFile) {
    const cues = Object.entries(file.facets)
      .flatMap(([facet, phrases]) => phrases.map((phrase) => ({ facet: facet as Facet, phrase: phrase.toLowerCase() })))
      // Longest first, so "带什么材料" is found before "材料".
      .sort((a, b) => b.phrase.length - a.phrase.length);
    this.index = new PhraseIndex(cues.map((c) => c.phrase));
    this.facetOf = cues.map((c) => c.facet);
    this.filler = new CueScorer(file.filler);
  }

  process(message: Message): void {
    message.facet = this.detect(message.analyzed!.text);
  }

  detect(text: string): FacetReading | undefined {
    const occurrences = this.index.find(text);
    if (occurrences.length === 0) return undefined;
    // The facet asked first; at one position, the longest phrase (lowest id).
    let first = occurrences[0]!;
    for (const o of occurrences)
      if (o.start < first.start || (o.start === first.start && o.phrase < first.phrase)) first = o;
    const { rest } = removePhrases(text, occurrences, this.index.lengthOf, inListOrder);
    return { facet: this.facetOf[first.phrase]!, alone: !LEFTOVER.test(this.filler.score(rest).rest) };
  }
}
