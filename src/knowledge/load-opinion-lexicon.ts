// Reads and validates the opinion lexicon (intents/opinion-lexicon.yaml): beyond its
// shape, no word may be listed with two meanings (positive and negative, two emotions,
// a sentiment word and a negator or modifier), so every look-up has one answer — except
// degreeBeforeSentiment, which names sentiment words that are degree words before another.
import { CatalogError } from "./load-catalog.ts";
import { type OpinionLexicon, opinionLexiconFileSchema } from "./opinion-lexicon-schema.ts";
import { readDataFile } from "./read-data-file.ts";

export const OPINION_LEXICON_FILE = "opinion-lexicon.yaml";

export async function loadOpinionLexicon(dir: string): Promise<OpinionLexicon> {
  const problems: string[] = [];
  const lexicon = await readDataFile(dir, OPINION_LEXICON_FILE, opinionLexiconFileSchema, problems);
  if (!lexicon) throw new CatalogError(problems);
  problems.push(...opinionLexiconProblems(lexicon));
  if (problems.length > 0) throw new CatalogError(problems);
  return lexicon;
}

/** Words listed with more than one meaning (empty when none). */
export function opinionLexiconProblems(lexicon: OpinionLexicon): string[] {
  const lists: [string, Iterable<string>][] = [
    ["positive", Object.keys(lexicon.positive)],
    ["negative", Object.keys(lexicon.negative)],
    ...Object.entries(lexicon.emotions).map(([emotion, words]): [string, Iterable<string>] => [
      `emotions.${emotion}`,
      Object.keys(words),
    ]),
    ["negators", Object.keys(lexicon.negators)],
    ["modifiers", Object.keys(lexicon.modifiers)],
    ["contrast", lexicon.contrast],
  ];
  const firstList = new Map<string, string>();
  const problems: string[] = [];
  for (const [list, words] of lists) {
    for (const word of words) {
      const earlier = firstList.get(word);
      if (earlier && earlier !== list)
        problems.push(`${OPINION_LEXICON_FILE}: ${list}: "${word}" is also in ${earlier}; give it one meaning`);
      else firstList.set(word, list);
    }
  }
  for (const word of Object.keys(lexicon.degreeBeforeSentiment)) {
    if (!(word in lexicon.positive) && !(word in lexicon.negative))
      problems.push(
        `${OPINION_LEXICON_FILE}: degreeBeforeSentiment: "${word}" must also be a positive or negative word`,
      );
  }
  return problems;
}
