// How alike two complaints are, for finding duplicates (并案). Plain functions.
//
// Text: Jaccard similarity of character bigrams, after removing the district names
// (equal by construction when compared) and particles that carry no meaning here.
// Place: the road, street or residential-complex names a text mentions (人民路,
// 幸福小区 …); two complaints naming places must share one — "人民路路灯坏了" and
// "解放路路灯坏了" are alike as text but are not the same problem. These are not the
// entity extractor's places (language/entities/places.ts): that one reads the
// address fields of a ticket (district … complex) and knows no landmarks (人民广场, 学校,
// 医院), and it would read "人民路路灯" as one street "人民路路"; duplicates need landmarks
// and no districts (equal by construction here).
import { characterBigrams } from "../language/text/character-bigrams.ts";
import { jaccard } from "../language/text/jaccard.ts";

const PARTICLES = /[的了啊吧呢吗呀哦嘛么]/g;
const NOT_WORDS = /[^\p{Script=Han}\p{L}\p{N}]/gu;
// "路" followed by "灯" is a street light, not the end of a road's name; "广场舞" is a dance.
const PLACE =
  /[\p{Script=Han}\dA-Za-z]{1,6}?(?:路(?!灯)|街|大道|大街|巷|胡同|小区|社区|村|广场(?!舞)|公园|花园|大厦|市场|学校|医院)/gu;
const LEADING_WORDS = /^[与和在的到从往向对]+/;

/** The text reduced to what distinguishes one complaint from another. */
export function comparableText(text: string, districts: readonly string[]): string {
  let t = text.normalize("NFKC");
  for (const d of districts) t = t.split(d).join("");
  return t.replace(NOT_WORDS, "").replace(PARTICLES, "");
}

export function textSimilarity(a: string, b: string, districts: readonly string[]): number {
  return jaccard(characterBigrams(comparableText(a, districts)), characterBigrams(comparableText(b, districts)));
}

/** Road, street and complex names in a text, without a leading 与/在 …. */
export function placeNames(text: string, districts: readonly string[]): Set<string> {
  let t = text.normalize("NFKC");
  for (const d of districts) t = t.split(d).join(" ");
  const names = new Set<string>();
  for (const m of t.matchAll(PLACE)) {
    const name = m[0].replace(LEADING_WORDS, "");
    if ([...name].length >= 2) names.add(name);
  }
  return names;
}

/** False only when both name places and none is shared. */
export function samePlaces(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return true;
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Distance in metres between two points (haversine). */
export function metresBetween(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}
