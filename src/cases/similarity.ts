// How alike two complaints are, for finding duplicates (并案). Plain functions.
//
// Text: Jaccard similarity of character bigrams, after removing the district names
// (equal by construction when compared) and particles that carry no meaning here.
// Place: the road, street, complex and landmark names a text mentions (人民路, 幸福小区,
// 人民广场 …), as the entity extractor finds them (language/entities/places.ts) but
// without districts (equal by construction here) and without house numbers; two
// complaints naming places must share one — "人民路路灯坏了" and "解放路路灯坏了" are
// alike as text but are not the same problem.
import { findPlaces } from "../language/entities/places.ts";
import { characterBigrams } from "../language/text/character-bigrams.ts";
import { jaccard } from "../language/text/jaccard.ts";

const PARTICLES = /[的了啊吧呢吗呀哦嘛么]/g;
const NOT_WORDS = /[^\p{Script=Han}\p{L}\p{N}]/gu;

/** The text reduced to what distinguishes one complaint from another. */
export function comparableText(text: string, districts: readonly string[]): string {
  let t = text.normalize("NFKC");
  for (const d of districts) t = t.split(d).join("");
  return t.replace(NOT_WORDS, "").replace(PARTICLES, "");
}

export function textSimilarity(a: string, b: string, districts: readonly string[]): number {
  return jaccard(characterBigrams(comparableText(a, districts)), characterBigrams(comparableText(b, districts)));
}

/** Road, street, complex and landmark names in a text (no districts, no house numbers). */
export function placeNames(text: string, districts: readonly string[]): Set<string> {
  let t = text.normalize("NFKC");
  for (const d of districts) t = t.split(d).join(" ");
  const names = new Set<string>();
  for (const place of findPlaces(t)) {
    if (place.kind === "district") continue;
    names.add(place.houseNumber ? place.name.slice(0, -place.houseNumber.length) : place.name);
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
