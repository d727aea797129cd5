// Turning the unanswered-question log into aliases (issue 15): for each group of questions
// the hub could not answer (GET /api/admin/unanswered), the item it most likely meant and
// the words that stood where that item's name should be — what is left of the question
// once facet phrases (去哪里办, 多少钱), filler and function words are taken out:
// "出生纸去哪里办" → 出生纸 for 出生医学证明办理. Only proposals: an editor decides, and adds
// the alias to intents/items/<code>.yaml (or the question as an example in the workbench).
import type { Catalog, ServiceItem } from "../knowledge/catalog-schema.ts";
import { CueScorer } from "./text/cue-scorer.ts";
import { normalizeText } from "./text/normalize.ts";
import type { Understander } from "./understander.ts";

/** One group of the unanswered report, as the admin API returns it. */
export interface UnansweredGroupInput {
  text: string;
  count: number;
  questions?: { text: string; count: number }[];
  closestItem?: { code: string; name?: string };
}

export interface AliasSuggestion {
  itemCode: string;
  itemName: string;
  /** The proposed alias. */
  alias: string;
  /** How often the group's questions were asked. */
  count: number;
  /** The group's most asked wording. */
  question: string;
}

/** Shorter or longer than this, a leftover is not a name. */
const MIN_ALIAS = 2;
const MAX_ALIAS = 10;
const NOT_A_NAME = /[^\p{Script=Han}a-z0-9]+/gu;

export class AliasSuggester {
  private readonly asking: CueScorer;
  private readonly items: Map<string, ServiceItem>;

  constructor(
    private readonly catalog: Catalog,
    private readonly understander: Understander,
  ) {
    const { facets, filler } = catalog.facets;
    this.asking = new CueScorer([
      ...Object.values(facets).flat(),
      ...filler,
      ...catalog.functionWords,
      ...catalog.messageKinds.greeting.cues,
    ]);
    this.items = new Map(catalog.items.map((item) => [item.code, item]));
  }

  /**
   * Proposals for the groups, most asked first; at most one per group. A group the hub
   * answers by now (the catalog learned it since) gets none.
   */
  suggest(groups: readonly UnansweredGroupInput[]): AliasSuggestion[] {
    const out: AliasSuggestion[] = [];
    for (const group of groups) {
      const item = this.itemOf(group);
      if (!item) continue;
      const alias = this.leftover(group.text);
      if (!alias || this.known(item, alias)) continue;
      out.push({ itemCode: item.code, itemName: item.name, alias, count: group.count, question: group.text });
    }
    return out.sort((a, b) => b.count - a.count);
  }

  /** The words of a question that are not asking words: where the item's name stood. */
  leftover(text: string): string | undefined {
    const rest = this.asking.score(normalizeText(text)).rest.replace(NOT_A_NAME, "");
    return rest.length >= MIN_ALIAS && rest.length <= MAX_ALIAS ? rest : undefined;
  }

  /** The hub's own best guess (first option, best candidate), else the report's closest item. */
  private itemOf(group: UnansweredGroupInput): ServiceItem | undefined {
    const u = this.understander.understand(group.text);
    if ((u.kind !== "service" && u.kind !== "unknown") || u.decision === "answer") return undefined;
    const code = u.options?.[0]?.code ?? group.closestItem?.code ?? u.candidates[0]?.code;
    return code ? this.items.get(code) : undefined;
  }

  /** Already a name, alias or synonym of the item. */
  private known(item: ServiceItem, alias: string): boolean {
    const names = [item.name, ...item.aliases, ...this.catalog.synonyms.flat()].map((n) => n.toLowerCase());
    return names.includes(alias);
  }
}
