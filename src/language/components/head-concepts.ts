// "About the item" versus "shares words with it": whether a question names an item's
// head concept — its object (驾驶证) and, when that object has several services, the
// action (换, 到期) — as listed under `head` in the item's file. 考驾照在哪报名 shares 驾照
// with 驾驶证换证 but names neither 换 nor 补, and names 考/报名, which no item offers
// (out-of-scope.yaml `actions`): it is about something else. The matcher's re-ranker
// reads the level as evidence; the decider offers only options the question is about.
import type { ServiceItem } from "../../knowledge/catalog-schema.ts";

/** How much of an item's head concept a question names. */
export const HeadLevel = {
  /** The object is there, no action of the item, and an action no item offers (考驾照报名). */
  foreign: -1,
  /** Neither the object nor anything that stands for it. */
  none: 0,
  /** The object without one of the item's actions (驾照多少钱: 换 or 补?), or an object needing none with an action no item offers. */
  object: 1,
  /** Object and action (驾照 + 到期), or the object of an item that needs no action (低保). */
  full: 2,
} as const;
export type HeadLevel = (typeof HeadLevel)[keyof typeof HeadLevel];

interface Head {
  objects: string[];
  actions: string[];
  /** The actions no item offers, less those the item's own names use (公租房摇号, 公共租赁住房). */
  foreign: string[];
}

/** The strings a question is searched in: its normalized text and its canonical tokens joined. */
export interface HeadQuery {
  text: string;
  canonical: string;
}

export class HeadConcepts {
  /** Per item; undefined when the item's file gives no head (then every question is about it). */
  private readonly heads: (Head | undefined)[];

  constructor(items: readonly ServiceItem[], foreignActions: readonly string[] = []) {
    const lower = (words: readonly string[]) => words.map((w) => w.toLowerCase());
    this.heads = items.map((item) => {
      if (!item.head) return undefined;
      const objects = lower(item.head.objects);
      const own = lower([item.name, ...item.aliases, ...objects]);
      const foreign = lower(foreignActions).filter((action) => !own.some((name) => name.includes(action)));
      return { objects, actions: lower(item.head.actions), foreign };
    });
  }

  /** The query for a text's normalized form and canonical tokens. */
  static query(text: string, tokens: readonly string[]): HeadQuery {
    return { text, canonical: tokens.join("") };
  }

  /** How much of item `index`'s head concept the question names. */
  level(query: HeadQuery, index: number): HeadLevel {
    const head = this.heads[index];
    if (!head) return HeadLevel.full;
    if (!names(query, head.objects)) return HeadLevel.none;
    if (head.actions.length > 0 && names(query, head.actions)) return HeadLevel.full;
    const foreign = names(query, head.foreign);
    // An object that needs no action is named in full, unless the question wants something
    // no item offers done with it (结婚 + 请假): then it is only the object.
    if (head.actions.length === 0) return foreign ? HeadLevel.object : HeadLevel.full;
    return foreign ? HeadLevel.foreign : HeadLevel.object;
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

function names(query: HeadQuery, words: readonly string[]): boolean {
  for (const word of words) if (query.text.includes(word) || query.canonical.includes(word)) return true;
  return false;
}
