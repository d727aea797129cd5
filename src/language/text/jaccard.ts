// Jaccard similarity of two sets: shared members over all members. Two empty sets share
// nothing and score 0: duplicate detection must not call two texts with nothing to compare
// alike. (Question clustering only compares questions that share a shingle.)
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}
