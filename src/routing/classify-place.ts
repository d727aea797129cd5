// Finds a complaint's category and district in its words, from the data in intents/.
import type { CaseCategory } from "../knowledge/case-rules-schema.ts";

/** The category whose keyword matches longest ("暖气不热" over "暖气"); the first listed on a tie. */
export function findCategory(
  categories: readonly CaseCategory[],
  text: string,
): { code: string; keyword: string } | undefined {
  let best: { code: string; keyword: string } | undefined;
  for (const category of categories) {
    for (const keyword of category.keywords) {
      if (text.includes(keyword) && (!best || keyword.length > best.keyword.length))
        best = { code: category.code, keyword };
    }
  }
  return best;
}

/** The first district of the city named in the text (or address). */
export function findDistrict(
  districts: readonly string[],
  ...texts: (string | null | undefined)[]
): string | undefined {
  let best: { district: string; at: number } | undefined;
  for (const text of texts) {
    if (!text) continue;
    for (const district of districts) {
      const at = text.indexOf(district);
      if (at >= 0 && (!best || at < best.at)) best = { district, at };
    }
    if (best) return best.district;
  }
  return undefined;
}
