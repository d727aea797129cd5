// How two gazetteer places relate, for topics: the same place or the same street (a water
// outage is reported from the street, its communities and its residential complexes alike),
// merely compatible (a district and a place inside it), or different places.
import type { Region } from "../knowledge/gazetteer-schema.ts";

export type PlaceRelation = "related" | "compatible" | "different";

export class PlaceLineage {
  private readonly byCode = new Map<string, Region>();

  constructor(regions: readonly Region[]) {
    for (const region of regions) this.byCode.set(region.code, region);
  }

  /** The place's ancestor at `level` (itself when it is of that level), if any. */
  ancestorAt(code: string, level: Region["level"]): string | undefined {
    for (
      let region = this.byCode.get(code);
      region;
      region = region.parent ? this.byCode.get(region.parent) : undefined
    )
      if (region.level === level) return region.code;
    return undefined;
  }

  /** The area a place belongs to for topics: its street (街道/镇/乡), else itself (a road, a district). */
  area(code: string): { code: string; name: string } {
    const areaCode = this.ancestorAt(code, "street") ?? code;
    return { code: areaCode, name: this.byCode.get(areaCode)?.name ?? areaCode };
  }

  /** The place's ancestors, parent first (for counting a message under its street and district too). */
  ancestors(code: string): string[] {
    const chain: string[] = [];
    for (let parent = this.byCode.get(code)?.parent; parent; parent = this.byCode.get(parent)?.parent)
      chain.push(parent);
    return chain;
  }

  relation(a: string, b: string): PlaceRelation {
    if (a === b) return "related";
    const streetA = this.ancestorAt(a, "street");
    const streetB = this.ancestorAt(b, "street");
    if (streetA && streetA === streetB) return "related";
    if (this.ancestorAt(a, "district") !== this.ancestorAt(b, "district")) return "different";
    if (streetA && streetB) return "different";
    // Two different roads of one district are different places; a road and a community may meet.
    if (this.byCode.get(a)?.level === "road" && this.byCode.get(b)?.level === "road") return "different";
    return "compatible";
  }
}
