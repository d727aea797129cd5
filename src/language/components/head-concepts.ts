// "About the item" versus "shares words with it": whether a question names an item's
// head concept — its object (驾驶证) and, when that object has several services, the
// action (换, 到期) — as listed under `head` in the item's file. 考驾照在哪报名 shares 驾照
// with 驾驶证换证 but names neither 换 nor 补, and names 考/报名, which no item offers
// (out-of-scope.yaml `actions`): it is about something else. The matcher's re-ranker
// reads the level as evidence; the decider offers only options the question is about.
//
// Every head word of every item is in one phrase index: a question is scanned once (its
// text and its canonical tokens), and each item's level is then a few array reads.
// A question that is one of an item's own examples is about that item whatever its words
// (an editor added "咋给闺女整个身份卡" from the unanswered log: it must be answered).
//
// Service stages (service-stages.yaml: 换领, 补领, 变更, 注销, 挂失, 签注 …): an item offers a
// stage when its name, aliases or head words use one of the stage's words (GA007's alias
// 护照补发: 护照 has 补领). A stage that no item naming the same object offers is foreign to
// them all: "公积金密码忘了怎么重置", "公租房续租", "退休证丢了能补吗" are not about the
// items that share the object — even an item that needs no action (退休, 公租房).
import type { ServiceItem, ServiceStage } from "../../knowledge/catalog-schema.ts";
import { normalizeText } from "../text/normalize.ts";
import { PhraseIndex } from "../text/phrase-index.ts";

/** How much of an item's head concept a question names. */
export const HeadLevel = {
  /**
   * The object is there with an action no item offers and none of the item's (考驾照报名), or
   * with a stage no item on the object offers and none that one does (公积金密码重置).
   */
  foreign: -1,
  /** Neither the object nor anything that stands for it. */
  none: 0,
  /**
   * The object without one of the item's actions (驾照多少钱: 换 or 补?), or an object that
   * needs no action with an action no item offers (结婚 + 请假).
   */
  object: 1,
  /** Object and action (驾照 + 到期), or the object of an item that needs no action (低保). */
  full: 2,
} as const;
export type HeadLevel = (typeof HeadLevel)[keyof typeof HeadLevel];

/**
 * Whether naming an item's head in full takes an action as well as the object: only then
 * is it strong evidence (低保 or 护照 alone is named by "低保户能开车吗", "护照能带几瓶酒").
 */
export function hasActions(item: ServiceItem): boolean {
  return (item.head?.actions.length ?? 0) > 0;
}

/** An item's head words, as ids in the phrase index. */
interface Head {
  objects: Int32Array;
  actions: Int32Array;
  /** The actions no item offers, less those the item's own names use (公租房摇号, 公共租赁住房). */
  foreign: Int32Array;
  /** The words of the stages no item sharing one of this item's objects offers. */
  foreignStages: Int32Array;
  /** The words of the stages offered on this item's objects (by it or an item sharing an object). */
  ownStages: Int32Array;
}

/** Which head words a question names (from HeadConcepts.query). */
export interface HeadQuery {
  /** present[id] = 1 when head word `id` occurs in the text or the canonical tokens. */
  readonly present: Uint8Array;
  /** The items the question is an example of (usually none). */
  readonly exampleOf: readonly number[];
}

const NO_ITEMS: readonly number[] = [];
/** A word the guides of this many items mention is common to services (isCommonWord). */
const COMMON_WORD_ITEMS = 2;
// Examples are compared without punctuation and spaces: "怎么办？" is "怎么办".
const NOT_COMPARED = /[\s\p{P}]+/gu;

export class HeadConcepts {
  /** Per item; undefined when the item's file gives no head (then every question is about it). */
  private readonly heads: (Head | undefined)[];
  private readonly index: PhraseIndex;
  /** Example text (normalized, no punctuation) → the items it is an example of. */
  private readonly examples = new Map<string, number[]>();
  /** Per item, what its guide says, as one normalized text (see covers). */
  private readonly guides: string[];
  private readonly facetPhrases: readonly string[];
  /** Per item, its department's number: items of one department are one domain. */
  private readonly domains: Int32Array;
  /** Word → 1 per item whose guide mentions it (covers), worked out once per word. */
  private readonly coveringItems = new Map<string, Uint8Array>();

  constructor(
    items: readonly ServiceItem[],
    foreignActions: readonly string[] = [],
    /** The service stages (service-stages.yaml). */
    stages: readonly Pick<ServiceStage, "words" | "verbs">[] = [],
    /** Phrases that ask about a part of any item (facets.yaml: 材料, 多少钱, 网上): never another service's word. */
    facetPhrases: readonly string[] = [],
  ) {
    this.facetPhrases = facetPhrases.map((p) => p.toLowerCase());
    const departments = new Map<string, number>();
    this.domains = Int32Array.from(items, (item) => {
      let d = departments.get(item.department);
      if (d === undefined) departments.set(item.department, (d = departments.size));
      return d;
    });
    const ids = new Map<string, number>();
    const idsOf = (words: readonly string[]) =>
      Int32Array.from(words, (word) => {
        const w = word.toLowerCase();
        let id = ids.get(w);
        if (id === undefined) ids.set(w, (id = ids.size));
        return id;
      });
    const offered = items.map((item) => offeredStages(item, stages));
    this.heads = items.map((item, i) => {
      if (!item.head) return undefined;
      const own = [item.name, ...item.aliases, ...item.head.objects].map((n) => n.toLowerCase());
      const foreign = foreignActions.filter((action) => !own.some((name) => name.includes(action.toLowerCase())));
      // The stages offered on this item's objects: by it, or by an item sharing an object (身份证: GA002 换领, GA003 补领).
      const objects = new Set(item.head.objects);
      const onObjects = new Set<number>(offered[i]);
      items.forEach((other, j) => {
        if (other.head?.objects.some((o) => objects.has(o))) for (const s of offered[j]!) onObjects.add(s);
      });
      const foreignStages = stages.flatMap((stage, s) => (onObjects.has(s) ? [] : stage.words));
      // A stage word inside one of the item's objects is named with the object, not as a stage
      // (犯罪记录: 记录); the item's own one-character actions that are a stage's verbs are stages
      // (换: 改了名字身份证要重新换吗).
      const inObject = (word: string) => item.head!.objects.some((o) => o.includes(word));
      const ownStages = stages.flatMap((stage, s) =>
        onObjects.has(s)
          ? [...stage.words.filter((w) => !inObject(w)), ...stage.verbs.filter((v) => item.head!.actions.includes(v))]
          : [],
      );
      return {
        objects: idsOf(item.head.objects),
        actions: idsOf(item.head.actions),
        foreign: idsOf(foreign),
        foreignStages: idsOf(foreignStages),
        ownStages: idsOf(ownStages),
      };
    });
    this.index = new PhraseIndex([...ids.keys()]);
    this.guides = items.map((item) =>
      normalizeText(
        [
          item.name,
          ...item.aliases,
          ...(item.head ? [...item.head.objects, ...item.head.actions] : []),
          ...item.materials.flatMap((m) => [m.name, m.note ?? ""]),
          ...item.steps,
          item.timeLimit,
          item.fee,
          item.location,
          item.officeHours,
        ].join("|"),
      ),
    );
    items.forEach((item, i) => {
      for (const example of item.examples) {
        const key = normalizeText(example).replace(NOT_COMPARED, "");
        const list = this.examples.get(key);
        if (!list) this.examples.set(key, [i]);
        else if (!list.includes(i)) list.push(i);
      }
    });
  }

  /** The head words named in a text's normalized form and its canonical tokens. */
  query(text: string, tokens: readonly string[]): HeadQuery {
    const present = new Uint8Array(this.index.phrases.length);
    for (const o of this.index.find(text)) present[o.phrase] = 1;
    for (const o of this.index.find(tokens.join(""))) present[o.phrase] = 1;
    return { present, exampleOf: this.examples.get(text.replace(NOT_COMPARED, "")) ?? NO_ITEMS };
  }

  /** How much of item `index`'s head concept the question names; one of its examples names it in full. */
  level(query: HeadQuery, index: number): HeadLevel {
    return query.exampleOf.includes(index) ? HeadLevel.full : this.wordLevel(query, index);
  }

  /**
   * The level from the question's words alone, examples aside: what the re-ranker learns
   * from (its held-out training questions are examples, which would all be "full").
   */
  wordLevel(query: HeadQuery, index: number): HeadLevel {
    const head = this.heads[index];
    if (!head) return HeadLevel.full;
    if (!names(query, head.objects)) return HeadLevel.none;
    // A stage of the object that no item offers (公积金 + 密码, 退休证 + 补), and none that one
    // does: about something else, whatever else it shares (营业执照 + 注销: 执照 is SJ001's action).
    if (names(query, head.foreignStages) && !names(query, head.ownStages)) return HeadLevel.foreign;
    if (head.actions.length > 0 && names(query, head.actions)) return HeadLevel.full;
    const foreign = names(query, head.foreign);
    // An object that needs no action is named in full, unless the question wants something
    // no item offers done with it (结婚 + 请假): then it is only the object.
    if (head.actions.length === 0) return foreign ? HeadLevel.object : HeadLevel.full;
    return foreign ? HeadLevel.foreign : HeadLevel.object;
  }

  /**
   * Whether item `index` covers a word: its guide (name, aliases, head words, materials,
   * steps, fee, place, hours) mentions it. 公租房 + 租金 is the item's fee, 房子 + 继承 one
   * of its cases; 政务服务中心 + 食堂 is nothing the guide speaks of.
   */
  covers(index: number, word: string): boolean {
    return this.covering(word)[index] === 1;
  }

  /**
   * Whether the guides of several items mention a word (照片, 电话, 条件, 额度): a common part
   * of services, asked of any of them, not another service of its own.
   */
  isCommonWord(word: string): boolean {
    const covering = this.covering(word);
    let items = 0;
    for (let i = 0; i < covering.length && items < COMMON_WORD_ITEMS; i++) items += covering[i]!;
    return items >= COMMON_WORD_ITEMS;
  }

  /** 1 per item whose guide mentions a word, worked out once per word. */
  private covering(word: string): Uint8Array {
    let covering = this.coveringItems.get(word);
    if (covering === undefined) {
      covering = Uint8Array.from(this.guides, (guide) => (guide.includes(word) ? 1 : 0));
      // Facts about words, kept between messages: bounded, cleared when full.
      if (this.coveringItems.size >= 50_000) this.coveringItems.clear();
      this.coveringItems.set(word, covering);
    }
    return covering;
  }

  /** Whether a word is part of a facet phrase or contains one (材料, 网上办): any item is asked about it. */
  isFacetWord(word: string): boolean {
    return this.facetPhrases.some((p) => p.includes(word) || word.includes(p));
  }

  /** Whether two items are of one domain (department). */
  sameDomain(a: number, b: number): boolean {
    return this.domains[a] === this.domains[b];
  }

  /** Whether naming item `index`'s object names it in full (no actions: 低保, 护照, 结婚). */
  objectOnly(index: number): boolean {
    const head = this.heads[index];
    return head !== undefined && head.actions.length === 0;
  }

  /** Whether a token contains one of item `index`'s objects (户口本: 户口). */
  objectIn(token: string, index: number): boolean {
    const head = this.heads[index];
    if (!head) return false;
    for (const o of this.index.find(token))
      for (let i = 0; i < head.objects.length; i++) if (head.objects[i] === o.phrase) return true;
    return false;
  }

  /** Whether the question names some item's head concept in full: it asks about a service. */
  anyFull(query: HeadQuery): boolean {
    return this.strongest(query) === HeadLevel.full;
  }

  /** The most of any item's head concept the question names (items without a head not counted). */
  strongest(query: HeadQuery): HeadLevel {
    let best: HeadLevel = HeadLevel.none;
    for (let i = 0; i < this.heads.length && best < HeadLevel.full; i++) {
      if (!this.heads[i]) continue;
      const level = this.level(query, i);
      if (level > best) best = level;
    }
    return best;
  }
}

/**
 * The stages (indexes into `stages`) whose words the item's name, aliases or head words use,
 * or one of whose verbs is one of its head actions (CJ002's 补).
 */
function offeredStages(item: ServiceItem, stages: readonly Pick<ServiceStage, "words" | "verbs">[]): number[] {
  const own = [item.name, ...item.aliases, ...(item.head?.objects ?? []), ...(item.head?.actions ?? [])].map((n) =>
    n.toLowerCase(),
  );
  const actions = item.head?.actions ?? [];
  return stages.flatMap((stage, s) =>
    stage.verbs.some((v) => actions.includes(v)) ||
    stage.words.some((word) => own.some((name) => name.includes(word.toLowerCase())))
      ? [s]
      : [],
  );
}

function names(query: HeadQuery, ids: Int32Array): boolean {
  for (let i = 0; i < ids.length; i++) if (query.present[ids[i]!] === 1) return true;
  return false;
}
