// Groups questions that say nearly the same thing ("身份证丢了怎么补" / "身份证丢了咋补
// 办"), so the unanswered-question report shows what citizens ask, not every wording.
// Character bigrams (shingles) of the normalized text; a question joins the group
// holding its most similar earlier question (Jaccard ≥ threshold), taken from the
// most asked (and shortest) down; an inverted index over shingles keeps it far from
// quadratic.
import { characterBigrams } from "../language/text/character-bigrams.ts";
import { jaccard } from "../language/text/jaccard.ts";
import { normalizeText } from "../language/text/normalize.ts";

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

// Letters only: digits are the specifics (phone numbers, dates), not the question.
const WORD_CHAR = /\p{L}/u;

export function shingles(text: string): Set<string> {
  const chars = [...normalizeText(text)].filter((c) => WORD_CHAR.test(c));
  if (chars.length < 2) return new Set(chars);
  return characterBigrams(chars.join(""));
}

export function clusterQuestions<Q extends CountedQuestion>(
  questions: Q[],
  threshold = SAME_QUESTION,
): QuestionCluster<Q>[] {
  const clusters: QuestionCluster<Q>[] = [];
  const members: { cluster: number; shingles: Set<string> }[] = [];
  const byShingle = new Map<string, number[]>();
  const sorted = [...questions].sort((a, b) => b.count - a.count || a.text.length - b.text.length);
  for (const question of sorted) {
    const own = shingles(question.text);
    let best = -1;
    let bestScore = threshold;
    const seen = new Set<number>();
    for (const s of own) {
      for (const m of byShingle.get(s) ?? []) {
        if (seen.has(m)) continue;
        seen.add(m);
        // Both share shingle s: never two empty sets (jaccard's 0 for those is not reached).
        const score = jaccard(own, members[m]!.shingles);
        if (score >= bestScore) [best, bestScore] = [members[m]!.cluster, score];
      }
    }
    if (best < 0) {
      best = clusters.length;
      clusters.push({ representative: question, members: [], count: 0 });
    }
    const cluster = clusters[best]!;
    cluster.members.push(question);
    cluster.count += question.count;
    const index = members.length;
    members.push({ cluster: best, shingles: own });
    for (const s of own) {
      let list = byShingle.get(s);
      if (!list) byShingle.set(s, (list = []));
      list.push(index);
    }
  }
  return clusters.sort((a, b) => b.count - a.count);
}
