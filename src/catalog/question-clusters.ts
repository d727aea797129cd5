// Groups questions that say nearly the same thing ("身份证丢了怎么补" / "身份证丢了咋补
// 办"), so the unanswered-question report shows what citizens ask, not every wording.
// Character bigrams (shingles) of the normalized text, Jaccard similarity against
// each group's most frequent wording, greedily from the most frequent question down;
// an inverted index over shingles keeps it far from quadratic.
import { normalizeText } from "../understanding/normalize.ts";

export interface CountedQuestion {
  text: string;
  count: number;
}

export interface QuestionCluster<Q extends CountedQuestion> {
  /** The most frequent wording. */
  representative: Q;
  members: Q[];
  count: number;
}

/** Jaccard similarity from which two questions are the same question. */
export const SAME_QUESTION = 0.5;

const WORD_CHAR = /[\p{L}\p{N}]/u;

export function shingles(text: string): Set<string> {
  const chars = [...normalizeText(text)].filter((c) => WORD_CHAR.test(c));
  if (chars.length < 2) return new Set(chars);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

export function clusterQuestions<Q extends CountedQuestion>(questions: Q[], threshold = SAME_QUESTION): QuestionCluster<Q>[] {
  const clusters: (QuestionCluster<Q> & { shingles: Set<string> })[] = [];
  const byShingle = new Map<string, number[]>();
  const sorted = [...questions].sort((a, b) => b.count - a.count);
  for (const question of sorted) {
    const own = shingles(question.text);
    let best = -1;
    let bestScore = threshold;
    const seen = new Set<number>();
    for (const s of own) {
      for (const c of byShingle.get(s) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        const score = jaccard(own, clusters[c]!.shingles);
        if (score >= bestScore) [best, bestScore] = [c, score];
      }
    }
    if (best >= 0) {
      const cluster = clusters[best]!;
      cluster.members.push(question);
      cluster.count += question.count;
      continue;
    }
    const index = clusters.length;
    clusters.push({ representative: question, members: [question], count: question.count, shingles: own });
    for (const s of own) {
      let list = byShingle.get(s);
      if (!list) byShingle.set(s, (list = []));
      list.push(index);
    }
  }
  return clusters
    .map(({ representative, members, count }) => ({ representative, members, count }))
    .sort((a, b) => b.count - a.count);
}
