// Online topic clustering: messages arrive one by one, in time order, and each joins the
// most similar live topic or opens a new one. Similarity is the cosine of TF-IDF vectors
// over the message's terms (its keywords without place names) and the topic's summed
// terms, the IDF from every message seen so far (term-statistics.ts). A message without
// terms (a greeting) joins no topic. Places weigh in when
// the topic is about one area (a street, or a road or district: placeFocus): a place in that
// area adds placeBonus, a place in another street or district multiplies by
// otherPlaceFactor — so a water outage at one street neither swallows nor is swallowed by
// the city's everyday 停水 messages elsewhere. With the defaults placeBonus equals
// joinThreshold: a message from the area of a young one-place topic (placeBonusMinutes) joins
// it even in other words (没水了 beside 停水) unless another topic fits better; an older one
// gets the bonus only for a message sharing a term with it, so a busy street's everyday topic
// does not swallow a new matter there. Two young topics that carry the same bursting term
// (term-bursts.ts) are merged: two wordings of one outcry. Candidates are the live topics
// sharing a term or an area. A topic expires after idleMinutes without a message.
// Bounded by count too (limits.maxTopics): beyond it the topics expired longest ago are
// forgotten, and when every topic kept is live, the one quiet longest expires early — what
// expiry would do to it a little later; a message about it opens a new topic. A topic's term
// vector keeps its heaviest terms only (maxTopicTerms, a truncated centroid): a busy topic
// would otherwise gather every word of its messages — real text has words of its own — and
// walking that vector per message (its norm, the twin check) would cost more with every one.
// The vocabulary (IDF) is bounded by count too (limits.maxTerms, term-statistics.ts).
// Deterministic: ties go to the older topic.
import type { PlaceLineage } from "./place-lineage.ts";
import { type BurstSettings, TermBursts } from "./term-bursts.ts";
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
  /**
   * How many of its messages carry each term — its heaviest maxTopicTerms terms (count × IDF);
   * a term let go and seen again counts from then on.
   */
  termCounts: Map<string, number>;
  /** How many of its messages name each area (a place's street, else the place; place-lineage.ts), in order of first mention. */
  areaCounts: Map<string, { place: TopicPlace; count: number }>;
  /** The topic that took it in (a twin of one burst, below); its messages are that topic's now. */
  mergedInto?: number;
}

/** A young topic taken into its older twin. */
export interface TopicMerge {
  from: Topic;
  into: Topic;
}

export interface TopicSettings extends BurstSettings {
  /** The least similarity at which a message joins a topic. */
  joinThreshold: number;
  /** Added when the message names the same place or street as a one-place topic. */
  placeBonus: number;
  /** How long after its first message a topic gets placeBonus for any message; later only for one sharing a term. */
  placeBonusMinutes: number;
  /** Multiplies the similarity when it names another street or district. */
  otherPlaceFactor: number;
  /** A topic is one place's when its main place is named by at least this share of its messages. */
  placeFocus: number;
  /** A topic expires after this long without a message. */
  idleMinutes: number;
  /**
   * The most terms a topic's vector keeps, its heaviest (count × IDF): past a quarter more,
   * the lightest go. Enough for any matter's wordings; a bound on the per-message cost.
   */
  maxTopicTerms: number;
}

export const DEFAULT_TOPIC_SETTINGS: Readonly<TopicSettings> = Object.freeze({
  joinThreshold: 0.2,
  placeBonus: 0.2,
  placeBonusMinutes: 48 * 60,
  otherPlaceFactor: 0.3,
  placeFocus: 0.5,
  idleMinutes: 36 * 60,
  maxTopicTerms: 100,
  burstMinutes: 60,
  burstMinCount: 5,
  burstRatio: 4,
});

const SWEEP_MS = 10 * 60_000;
/** How many earlier messages must have used a word for it to count as a compound's part. */
const MIN_PART_FREQUENCY = 3;
/** The least size of a topic before it is merged with its twin: a pair of messages is no wording yet. */
const MIN_TWIN_SIZE = 3;

interface WeighedTerms {
  terms: readonly string[];
  /** Each term's IDF, squared (the message's weight times the topic's IDF). */
  squares: number[];
  norm: number;
}

/** An area's key in the candidate index, apart from any term. */
const areaKey = (code: string) => `\u0000area:${code}`;

export interface ClustererLimits {
  /** The most topics kept, live or expired (default: no limit). */
  maxTopics?: number;
  /** The most messages the burst window keeps (default: no limit). */
  maxMessages?: number;
  /** The most terms the vocabulary keeps (default: no limit; term-statistics.ts). */
  maxTerms?: number;
}

export class TopicClusterer {
  readonly settings: TopicSettings;
  readonly background: TermStatistics;
  private readonly bursts: TermBursts;
  private merges: TopicMerge[] = [];
  /** The topics kept, live or expired, by number (ascending). */
  private readonly kept = new Map<number, Topic>();
  /** The kept topics no longer live (expired, or taken into a twin), in the order they left. */
  private readonly retired = new Map<number, Topic>();
  /** Topics forgotten since the last takeDropped(). */
  private dropped: number[] = [];
  private nextId = 1;
  private readonly maxTopics: number;
  private readonly live = new Map<number, Topic>();
  /** term (or an area's key) → live topics that hold it: the only candidates a message is compared with. */
  private readonly byTerm = new Map<string, Set<number>>();
  private readonly norms = new Map<number, number>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly lineage: PlaceLineage,
    settings: Partial<TopicSettings> = {},
    limits: ClustererLimits = {},
  ) {
    this.settings = { ...DEFAULT_TOPIC_SETTINGS, ...settings };
    this.maxTopics = limits.maxTopics ?? Number.POSITIVE_INFINITY;
    // A live topic's words are the last the vocabulary lets go.
    this.background = new TermStatistics(limits.maxTerms, (term) => this.byTerm.has(term));
    this.bursts = new TermBursts(this.background, this.settings, limits.maxMessages);
  }

  /** Every topic kept, live or expired, oldest first (every topic so far while under maxTopics). */
  topics(): readonly Topic[] {
    return [...this.kept.values()];
  }

  /** A kept topic by its number. */
  topic(id: number): Topic | undefined {
    return this.kept.get(id);
  }

  /** The numbers of the topics forgotten (over maxTopics) since the last call. */
  takeDropped(): number[] {
    const dropped = this.dropped;
    this.dropped = [];
    return dropped;
  }

  /** How many topics are kept and live, how many messages the burst window holds, how many terms the vocabulary. */
  get retained(): { topics: number; liveTopics: number; burstWindow: number; vocabulary: number } {
    return {
      topics: this.kept.size,
      liveTopics: this.live.size,
      burstWindow: this.bursts.size,
      vocabulary: this.background.size,
    };
  }

  /**
   * Clusters one message; answers its topic (after any merge it caused: takeMerges), or
   * undefined for a message without terms (你好, 谢谢, a place alone): it resembles no topic
   * (its vector is empty) and a topic of its own would be a matter with no words. It still
   * counts in the background, as every message does.
   */
  add(message: TopicMessage): Topic | undefined {
    if (message.time - this.lastSweep >= SWEEP_MS) this.expire(message.time);
    const terms = this.withParts(message.terms);
    this.background.addDocument(terms);
    this.bursts.add(message.time, terms);
    if (terms.length === 0) return undefined;
    const topic = this.mostSimilar(terms, message) ?? this.newTopic(message.time);
    this.join(topic, terms, message);
    return this.mergeTwins(topic, message.time);
  }

  /** The merges since the last call, oldest first. */
  takeMerges(): TopicMerge[] {
    const merges = this.merges;
    this.merges = [];
    return merges;
  }

  /** The topic a topic's messages belong to now (itself, or the twin that took it in). */
  current(topic: Topic): Topic {
    let at = topic;
    // A twin no longer kept (over maxTopics) ends the walk.
    while (at.mergedInto !== undefined) {
      const into = this.kept.get(at.mergedInto);
      if (!into) break;
      at = into;
    }
    return at;
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
    return this.similarityOf(this.weigh(terms), [], topic, topic.lastAt) >= this.settings.joinThreshold;
  }

  /** A message's terms with their squared IDF and its vector's norm: computed once, compared with every candidate. */
  private weigh(terms: readonly string[]): WeighedTerms {
    const idfs = terms.map((t) => this.background.idf(t));
    return { terms, squares: idfs.map((idf) => idf ** 2), norm: Math.hypot(...idfs) };
  }

  private similarityOf(message: WeighedTerms, places: readonly TopicPlace[], topic: Topic, time: number): number {
    const topicNorm = this.norms.get(topic.id) ?? this.norm(topic);
    if (message.norm === 0 || topicNorm === 0) return 0;
    let dot = 0;
    for (let i = 0; i < message.terms.length; i++)
      dot += message.squares[i]! * (topic.termCounts.get(message.terms[i]!) ?? 0);
    const cosine = dot / (message.norm * topicNorm);
    const main = this.mainPlace(topic);
    if (!main || places.length === 0) return cosine;
    const relations = places.map((place) => this.lineage.relation(place.code, main.code));
    // A young topic gathers its area's varied wordings of one incident; an old one (a busy
    // street's everyday matters) only messages that share a word with it, or it would swallow
    // every new matter of its street.
    const young = time - topic.firstAt <= this.settings.placeBonusMinutes * 60_000;
    if (relations.includes("related")) return cosine + (young || dot > 0 ? this.settings.placeBonus : 0);
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
      const score = this.similarityOf(weighed, message.places, topic, message.time);
      if (score >= bestScore && (!best || score > bestScore)) [best, bestScore] = [topic, score];
    }
    return best;
  }

  private newTopic(time: number): Topic {
    const topic: Topic = {
      id: this.nextId++,
      firstAt: time,
      lastAt: time,
      size: 0,
      termCounts: new Map(),
      areaCounts: new Map(),
    };
    this.kept.set(topic.id, topic);
    this.live.set(topic.id, topic);
    this.limit(topic);
    return topic;
  }

  /**
   * Over maxTopics: forgets the topics that left the live ones longest ago, a slice at a time
   * (a sixty-fourth of the cap); when too few have left, the live ones quiet longest expire
   * first (never `keep`, the topic a message is joining).
   */
  private limit(keep: Topic): void {
    if (this.kept.size <= this.maxTopics) return;
    const excess = this.kept.size - this.maxTopics + Math.floor(this.maxTopics / 64);
    if (this.retired.size < excess) {
      const quiet = [...this.live.values()]
        .filter((topic) => topic !== keep)
        .sort((a, b) => a.lastAt - b.lastAt || a.id - b.id)
        .slice(0, excess - this.retired.size);
      for (const topic of quiet) this.forget(topic);
    }
    let left = excess;
    for (const id of this.retired.keys()) {
      if (left-- <= 0) break;
      this.retired.delete(id);
      this.kept.delete(id);
      this.dropped.push(id);
    }
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
    for (const key of [...terms, ...[...areas.keys()].map(areaKey)]) this.index(key, topic.id);
    this.truncate(topic);
    this.norms.set(topic.id, this.norm(topic));
  }

  /**
   * Past maxTopicTerms and a quarter, the topic keeps its maxTopicTerms heaviest terms (count ×
   * IDF; ties: the more frequent, then by term): a truncated centroid. What goes is what weighs
   * least in its vector, so its similarities barely move; its label's terms are the heaviest.
   */
  private truncate(topic: Topic): void {
    const max = this.settings.maxTopicTerms;
    if (topic.termCounts.size <= max + (max >> 2)) return;
    const ranked = [...topic.termCounts]
      .map(([term, count]) => ({ term, count, weight: count * this.background.idf(term) }))
      .sort((a, b) => b.weight - a.weight || b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    for (const { term } of ranked.slice(max)) {
      topic.termCounts.delete(term);
      this.unindex(term, topic.id);
    }
  }

  private index(key: string, topicId: number): void {
    let holders = this.byTerm.get(key);
    if (!holders) this.byTerm.set(key, (holders = new Set()));
    holders.add(topicId);
  }

  /** An empty entry goes too: the index holds the live topics' terms only (the vocabulary spares those). */
  private unindex(key: string, topicId: number): void {
    const holders = this.byTerm.get(key);
    if (holders?.delete(topicId) && holders.size === 0) this.byTerm.delete(key);
  }

  /**
   * Two wordings of one outcry often share only its bursting word (停车 in 停车收费 and 停车费):
   * when both open a topic in the outcry's first minutes, each then grows on its own wording.
   * So two young topics (born within the burst window) that each carry a bursting term in at
   * least half of their messages, in no two different areas, are one matter: the younger is
   * taken into the older. Answers the topic that now holds `topic`'s messages.
   */
  private mergeTwins(topic: Topic, now: number): Topic {
    for (let twin = this.twinOf(topic, now); twin; twin = this.twinOf(topic, now)) {
      const [from, into] = twin.id < topic.id ? [topic, twin] : [twin, topic];
      this.merge(from, into);
      topic = into;
    }
    return topic;
  }

  private twinOf(topic: Topic, now: number): Topic | undefined {
    const young = (t: Topic) => t.size >= MIN_TWIN_SIZE && now - t.firstAt <= this.settings.burstMinutes * 60_000;
    const carries = (t: Topic, term: string) => 2 * (t.termCounts.get(term) ?? 0) >= t.size;
    if (!young(topic)) return undefined;
    const main = this.mainPlace(topic);
    // The terms carried by half its messages, few, sorted (not the whole vector, per message).
    const carried = [...topic.termCounts.keys()].filter((term) => carries(topic, term)).sort();
    for (const term of carried) {
      if (!this.bursts.bursting(term)) continue;
      for (const id of [...(this.byTerm.get(term) ?? [])].sort((a, b) => a - b)) {
        const other = this.live.get(id);
        if (!other || other === topic || !young(other) || !carries(other, term)) continue;
        const otherMain = this.mainPlace(other);
        if (main && otherMain && this.lineage.relation(main.code, otherMain.code) === "different") continue;
        return other;
      }
    }
    return undefined;
  }

  private merge(from: Topic, into: Topic): void {
    into.size += from.size;
    into.firstAt = Math.min(into.firstAt, from.firstAt);
    into.lastAt = Math.max(into.lastAt, from.lastAt);
    for (const [term, count] of from.termCounts) into.termCounts.set(term, (into.termCounts.get(term) ?? 0) + count);
    for (const [code, entry] of from.areaCounts) {
      const held = into.areaCounts.get(code);
      if (held) held.count += entry.count;
      else into.areaCounts.set(code, { ...entry });
    }
    this.forget(from);
    for (const key of [...from.termCounts.keys(), ...[...from.areaCounts.keys()].map(areaKey)])
      this.index(key, into.id);
    this.truncate(into);
    this.norms.set(into.id, this.norm(into));
    from.mergedInto = into.id;
    this.merges.push({ from, into });
  }

  private norm(topic: Topic): number {
    let sum = 0;
    for (const [term, count] of topic.termCounts) sum += (count * this.background.idf(term)) ** 2;
    return Math.sqrt(sum);
  }

  private expire(now: number): void {
    this.lastSweep = now;
    const cutoff = now - this.settings.idleMinutes * 60_000;
    for (const topic of this.live.values()) if (topic.lastAt < cutoff) this.forget(topic);
  }

  /** Takes a topic out of the live ones and the candidate index. */
  private forget(topic: Topic): void {
    this.live.delete(topic.id);
    this.retired.set(topic.id, topic);
    this.norms.delete(topic.id);
    for (const term of topic.termCounts.keys()) this.unindex(term, topic.id);
    for (const area of topic.areaCounts.keys()) this.unindex(areaKey(area), topic.id);
  }
}
