// Places named in a message, looked up in the city gazetteer (intents/regions.yaml) by
// name and alias: the longest name wins where names overlap (the community 和平路社区
// over the road 和平路 inside it), a name two regions share goes to
// the one whose parent the message also names (else the first in the file), and a
// place's parents are not reported beside it ("东湖区人民路街道阳光社区" is one place,
// the community: its street and district are in its code), so a count by place counts
// each message once per place it is about.
import type { Region } from "../knowledge/gazetteer-schema.ts";
import { normalizeText } from "../language/text/normalize.ts";
import { PhraseIndex } from "../language/text/phrase-index.ts";
import type { OpinionComponent, OpinionMessage, PlaceMention } from "./opinion-message.ts";

interface Match {
  /** Indexes into the regions the name may denote, in file order. */
  candidates: readonly number[];
  start: number;
  length: number;
}

const NO_PLACES: PlaceMention[] = [];

export class PlaceFinder implements OpinionComponent {
  readonly name = "places";
  private readonly index: PhraseIndex;
  /** For each phrase of the index, the regions it names. */
  private readonly regionsOf: number[][] = [];
  private readonly byCode = new Map<string, number>();
  private readonly mentions: PlaceMention[];
  private covered = new Uint8Array(256);

  constructor(private readonly regions: readonly Region[]) {
    const phraseIds = new Map<string, number>();
    const phrases: string[] = [];
    regions.forEach((region, i) => {
      this.byCode.set(region.code, i);
      for (const name of new Set([region.name, ...region.aliases].map(normalizeText))) {
        let id = phraseIds.get(name);
        if (id === undefined) {
          id = phrases.length;
          phraseIds.set(name, id);
          phrases.push(name);
          this.regionsOf.push([]);
        }
        this.regionsOf[id]!.push(i);
      }
    });
    this.index = new PhraseIndex(phrases);
    this.mentions = regions.map((r) => ({ name: r.name, code: r.code, level: r.level }));
  }

  process(message: OpinionMessage): void {
    message.places = this.find(message.text);
  }

  /** The places a normalized text names, most specific only, in order of first mention. */
  find(text: string): PlaceMention[] {
    const occurrences = this.index.find(text);
    if (occurrences.length === 0) return NO_PLACES;
    const matches = this.longestMatches(text, occurrences);
    const chosen = this.resolve(matches);
    const ancestors = new Set<number>();
    for (const region of chosen)
      for (let p = this.parentOf(region); p !== undefined; p = this.parentOf(p)) ancestors.add(p);
    const places: PlaceMention[] = [];
    const seen = new Set<number>();
    for (const region of chosen) {
      if (ancestors.has(region) || seen.has(region)) continue;
      seen.add(region);
      places.push(this.mentions[region]!);
    }
    return places;
  }

  /** Non-overlapping occurrences, longest first (an earlier start breaks ties), in text order. */
  private longestMatches(text: string, occurrences: { phrase: number; start: number }[]): Match[] {
    const lengthOf = (phrase: number) => this.index.phrases[phrase]!.length;
    const ordered = [...occurrences].sort((a, b) => lengthOf(b.phrase) - lengthOf(a.phrase) || a.start - b.start);
    if (this.covered.length < text.length) this.covered = new Uint8Array(text.length * 2);
    const covered = this.covered;
    const kept: Match[] = [];
    for (const { phrase, start } of ordered) {
      const length = lengthOf(phrase);
      let free = true;
      for (let k = start; k < start + length; k++) if (covered[k]) free = false;
      if (!free) continue;
      covered.fill(1, start, start + length);
      kept.push({ candidates: this.regionsOf[phrase]!, start, length });
    }
    covered.fill(0, 0, text.length);
    return kept.sort((a, b) => a.start - b.start);
  }

  /** One region per match: a shared name goes to the region under another mentioned place, else the first. */
  private resolve(matches: Match[]): number[] {
    const named = new Set<number>();
    for (const match of matches) for (const candidate of match.candidates) named.add(candidate);
    return matches.map(({ candidates }) => {
      if (candidates.length === 1) return candidates[0]!;
      const underNamed = candidates.find((candidate) => {
        for (let p = this.parentOf(candidate); p !== undefined; p = this.parentOf(p)) if (named.has(p)) return true;
        return false;
      });
      return underNamed ?? candidates[0]!;
    });
  }

  private parentOf(region: number): number | undefined {
    const parent = this.regions[region]!.parent;
    return parent === undefined ? undefined : this.byCode.get(parent);
  }

  /** Every name and alias of the gazetteer: words for the segmenter to keep whole. */
  static names(regions: readonly Region[]): string[] {
    return regions.flatMap((region) => [region.name, ...region.aliases]);
  }
}
