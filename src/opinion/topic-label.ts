// A topic's label: its most distinctive terms — how often the topic uses a term, weighed by
// how rare the term is in the background (TF-IDF: 停水 over 小区) — and its main place.
import type { TermStatistics } from "./term-statistics.ts";
import type { Topic, TopicPlace } from "./topic-clusterer.ts";

export interface TopicLabel {
  /** E.g. "阳光社区 · 停水、自来水、来水". */
  text: string;
  terms: string[];
  place?: TopicPlace;
}

export function topicLabel(topic: Topic, background: TermStatistics, mainPlace?: TopicPlace, size = 3): TopicLabel {
  const terms = [...topic.termCounts]
    .map(([term, count]) => ({ term, weight: count * background.idf(term) }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, size)
    .map(({ term }) => term);
  const text = mainPlace ? `${mainPlace.name} · ${terms.join("、")}` : terms.join("、");
  return { text, terms, ...(mainPlace ? { place: mainPlace } : {}) };
}
