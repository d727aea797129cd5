// Features are named by a 32-bit hash instead of a string, so a message is turned into
// features without building a string per character n-gram (the hot path allocates nothing
// per n-gram). 2^32 names make collisions among a model's ~10^5 features negligible.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Start of a hash: each feature family (1-grams, 2-grams, 3-grams, words) has its own seed. */
export function hashSeed(family: number): number {
  return Math.imul(FNV_OFFSET ^ family, FNV_PRIME) >>> 0;
}

/** Folds one code point into a hash (FNV-1a over the code point's value). */
export function hashStep(hash: number, codePoint: number): number {
  return Math.imul(hash ^ codePoint, FNV_PRIME);
}

/** Final avalanche (murmur3 fmix32), so neighbouring inputs spread over all 32 bits. */
export function hashFinish(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashString(family: number, text: string): number {
  let h = hashSeed(family);
  for (let i = 0; i < text.length; i++) h = hashStep(h, text.charCodeAt(i));
  return hashFinish(h);
}
