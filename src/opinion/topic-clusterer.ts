// Online topic clustering: messages arrive one by one, in time order, and each joins the
// most similar live topic or opens a new one. Similarity is the cosine of TF-IDF vectors
// over the message's terms (its keywords without place names) and the topic's summed
// terms, the IDF from every message seen so far (term-statistics.ts). Places weigh in when
// the topic is about one area (a street, or a road or district: placeFocus): a place in that
// area adds placeBonus, a place in another street or district multiplies by
// otherPlaceFactor — so a water outage at one street neither swallows nor is swallowed by
// the city's everyday 停水 messages elsewhere. With the defaults placeBonus equals
// joinThreshold: a message from the area of a live one-place topic joins it even in other
// words (没水了 beside 停水) unless another topic fits better. Candidates are the live topics
// sharing a term or an area. A topic expires after idleMinutes without a message.
// Deterministic: ties go to the older topic.
import type { PlaceLineage } from "./place-lineage.ts";
import { TermStatistics } from "./term-statistics.ts";

export interface TopicPlace {
  code: string;
  name: string;
}

export interface TopicMessage {
  id: string;
  /** Epoch milliseconds; messages come in time order (a late one is clustered at its arrival). */
  time: number;
  terms: readonly string[];
  places: readonly TopicPlace[];
}

export interface Topic {
  id: number;
  firstAt: number;
  lastAt: number;
  size: number;
  /** How many of its messages carry each term. */
  termCounts: Map<string, number>;
  /** How many of its messages name each area (a place's street, else the place; place-lineage.ts), in order of first mention. */
  areaCounts: Map<string, { place: TopicPlace; count: number }>;
}

export interface TopicSettings {
  /** The least similarity at which a message joins a topic. */
  joinThreshold: number;
  /** Added when the message names the same place or street as a one-place topic. */
  placeBonus: number;
  /** Multiplies the similarity when it names another street or district. */
  otherPlaceFactor: number;
  /** A topic is one place's when its main place is named by at least this share of its messages. */
  placeFocus: number;
  /** A topic expires after this long without a message. */
  idleMinutes: number;
}

export const DEFAULT_TOPIC_SETTINGS: Readonly<TopicSettings> = Object.freeze({
  joinThreshold: 0.2,
  placeBonus: 0.2,
  otherPlaceFactor: 0.3,
  placeFocus: 0.5,
  idleMinutes: 36 * 60,
});

const SWEEP_MS = 10 * 60_000;
/** How many earlier messages must have used a word for it to count as a compound's part. */
const MIN_PART_FREQUENCY = 3;

interface WeighedTerms {
  terms: readonly string[];
  /** Each term's IDF, squared (the message's weight times the topic's IDF). */
  squares: number[];
  norm: number;
}

/** An area's key in the candidate index, apart from any term. */
const areaKey = (code: string) => `\u0000area:${code}`;

export class TopicClusterer {
  readonly settings: TopicSettings;
  readonly background = new TermStatistics();
  private readonly all: Topic[] = [];
  private readonly live = new Map<number, Topic>();
  /** term (or an area's key) → live topics that hold it: the only candidates a message is compared with. */
  private readonly byTerm = new Map<string, Set<number>>();
  private readonly norms = new Map<number, number>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly lineage: PlaceLineage,
    settings: Partial<TopicSettings> = {},
  ) {
    this.settings = { ...DEFAULT_TOPIC_SETTINGS, ...settings };
  }

  /** Every topic so far, live or expired, oldest first. */
  topics(): readonly Topic[] {
    return this.all;
  }

  /** Clusters one message; answers its topic. */
  add(message: TopicMessage): Topic {
    if (message.time - this.lastSweep >= SWEEP_MS) this.expire(message.time);
    const terms = this.withParts(message.terms);
    this.background.addDocument(terms);
    const topic = this.mostSimilar(terms, message) ?? this.newTopic(message.time);
    this.join(topic, terms, message);
    return topic;
  }

  /**
   * A message's terms with the known words inside its compounds (停车费 → 停车, 自来水管 →
   * 自来水): the keyword finder names the same matter now by the compound, now by its part,
   * and two wordings of one outcry often share nothing else. A part is known when earlier
   * messages used it as a term of their own.
   */
  withParts(terms: readonly string[]): string[] {
    const all = new Set(terms);
    for (const term of terms)
      for (let length = 2; length < term.length; length++)
        for (let at = 0; at + length <= term.length; at++) {
          const part = term.slice(at, at + length);
          if (this.background.frequency(part) >= MIN_PART_FREQUENCY) all.add(part);
        }
    return [...all];
  }

  /** The similarity of a message (terms, places) to a topic. */
  similarity(terms: readonly string[], places: readonly TopicPlace[], topic: Topic): number {
    return this.similarityOf(this.weigh(terms), places, topic);
  }

  /**
   * Whether a message is like a topic's by its words alone: term similarity at least
   * joinThreshold and no place in another street or district. The place bonus is left out, so
   * a street's everyday messages are not counted as a new matter's history there.
   */
  resembles(terms: readonly string[], places: readonly TopicPlace[], topic: Topic): boolean {
    if (!terms.some((term) => topic.termCounts.has(term))) return false;
    const main = this.mainPlace(topic);
    if (main && places.length > 0 && places.every((p) => this.lineage.relation(p.code, main.code) === "different"))
      return false;
    return this.similarityOf(this.weigh(terms), [], topic) >= this.settings.joinThreshold;
  }

  /** A message's terms with their squared IDF and its vector's norm: computed once, compared with every candidate. */
  private weigh(terms: readonly string[]): WeighedTerms {
    const idfs = terms.map((t) => this.background.idf(t));
    return { terms, squares: idfs.map((idf) => idf ** 2), norm: Math.hypot(...idfs) };
  }

  private similarityOf(message: WeighedTerms, places: readonly TopicPlace[], topic: Topic): number {
    const topicNorm = this.norms.get(topic.id) ?? this.norm(topic);
    if (message.norm === 0 || topicNorm === 0) return 0;
    let dot = 0;
    for (let i = 0; i < message.terms.length; i++)
      dot += message.squares[i]! * (topic.termCounts.get(message.terms[i]!) ?? 0);
    const cosine = dot / (message.norm * topicNorm);
    const main = this.mainPlace(topic);
    if (!main || places.length === 0) return cosine;
    const relations = places.map((place) => this.lineage.relation(place.code, main.code));
    if (relations.includes("related")) return cosine + this.settings.placeBonus;
    if (relations.includes("compatible")) return cosine;
    return cosine * this.settings.otherPlaceFactor;
  }

  /** The area most of a topic's messages name, when enough of them do (placeFocus). */
  mainPlace(topic: Topic): TopicPlace | undefined {
    let best: { place: TopicPlace; count: number } | undefined;
    for (const entry of topic.areaCounts.values()) if (!best || entry.count > best.count) best = entry;
    return best && best.count >= this.settings.placeFocus * topic.size ? best.place : undefined;
  }

  private mostSimilar(terms: readonly string[], message: TopicMessage): Topic | undefined {
    const candidates = new Set<number>();
    const keys = [...terms, ...message.places.map((p) => areaKey(this.lineage.area(p.code).code))];
    for (const key of keys) for (const id of this.byTerm.get(key) ?? []) candidates.add(id);
    let best: Topic | undefined;
    let bestScore = this.settings.joinThreshold;
    const weighed = this.weigh(terms);
    for (const id of [...candidates].sort((a, b) => a - b)) {
      const topic = this.live.get(id)!;
      if (message.time - topic.lastAt > this.settings.idleMinutes * 60_000) continue;
      const score = this.similarityOf(weighed, message.places, topic);
      if (score >= bestScore && (!best || score > bestScore)) [best, bestScore] = [topic, score];
    }
    return best;
  }

  private newTopic(time: number): Topic {
    const topic: Topic = {
      id: this.all.length + 1,
      firstAt: time,
      lastAt: time,
      size: 0,
      termCounts: new Map(),
      areaCounts: new Map(),
    };
    this.all.push(topic);
    this.live.set(topic.id, topic);
    return topic;
  }

  private join(topic: Topic, terms: readonly string[], message: TopicMessage): void {
    topic.size++;
    topic.lastAt = Math.max(topic.lastAt, message.time);
    for (const term of terms) topic.termCounts.set(term, (topic.termCounts.get(term) ?? 0) + 1);
    const areas = new Map(message.places.map((p) => this.lineage.area(p.code)).map((a) => [a.code, a]));
    for (const area of areas.values()) {
      const entry = topic.areaCounts.get(area.code);
      if (entry) entry.count++;
      else topic.areaCounts.set(area.code, { place: area, count: 1 });
    }
    for (const key of [...terms, ...[...areas.keys()].map(areaKey)]) {
      let holders = this.byTerm.get(key);
      if (!holders) this.byTerm.set(key, (holders = new Set()));
      holders.add(topic.id);
    }
    this.norms.set(topic.id, this.norm(topic));
  }

  private norm(topic: Topic): number {
    let sum = 0;
    for (const [term, count] of topic.termCounts) sum += (count * this.background.idf(term)) ** 2;
    return Math.sqrt(sum);
  }

  private expire(now: number): void {
    this.lastSweep = now;
    const cutoff = now - this.settings.idleMinutes * 60_000;
    for (const topic of this.live.values()) {
      if (topic.lastAt >= cutoff) continue;
      this.live.delete(topic.id);
      this.norms.delete(topic.id);
      for (const term of topic.termCounts.keys()) this.byTerm.get(term)?.delete(topic.id);
      for (const area of topic.areaCounts.keys()) this.byTerm.get(areaKey(area))?.delete(topic.id);
    }
  }
}
