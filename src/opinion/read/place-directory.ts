// Gazetteer codes to the names people read, and a place asked for by name or code to its
// code, for the opinion API (places are stored as codes, the most specific ones).
import type { Region } from "../../knowledge/gazetteer-schema.ts";

export interface NamedPlace {
  code: string;
  name: string;
  level: Region["level"] | null;
  /** Its district's name (none for a district itself or an unknown code). */
  district: string | null;
}

export class PlaceDirectory {
  private readonly byCode = new Map<string, Region>();
  private readonly byName = new Map<string, string>();

  constructor(regions: readonly Region[]) {
    for (const region of regions) {
      this.byCode.set(region.code, region);
      // The first region of a name keeps it, as the place finder does (two 幸福社区).
      for (const name of [region.name, ...region.aliases])
        if (!this.byName.has(name)) this.byName.set(name, region.code);
    }
  }

  /**
   * The directory of whatever gazetteer `regions` answers now, built again only when that
   * changes: a reload of intents/ reaches the API's place names at its next request.
   */
  static following(regions: () => readonly Region[]): () => PlaceDirectory {
    let source: readonly Region[] | undefined;
    let directory: PlaceDirectory | undefined;
    return () => {
      const now = regions();
      if (now !== source || !directory) [source, directory] = [now, new PlaceDirectory(now)];
      return directory;
    };
  }

  named(code: string): NamedPlace {
    const region = this.byCode.get(code);
    if (!region) return { code, name: code, level: null, district: null };
    let district: Region | undefined = region;
    while (district && district.level !== "district")
      district = district.parent ? this.byCode.get(district.parent) : undefined;
    return {
      code,
      name: region.name,
      level: region.level,
      district: district && district !== region ? district.name : null,
    };
  }

  /** The place's parents up to its street (街道/镇/乡), nearest first: the areas a topic about it may be filed under. */
  areasAbove(code: string): string[] {
    const chain: string[] = [];
    for (let region = this.byCode.get(code); region && region.level !== "street" && region.parent; ) {
      chain.push(region.parent);
      region = this.byCode.get(region.parent);
    }
    return chain.filter((c) => this.byCode.get(c)?.level !== "district");
  }

  /** The code of a place given by code, standard name or alias; undefined when unknown. */
  codeOf(nameOrCode: string): string | undefined {
    const asked = nameOrCode.trim();
    return this.byCode.has(asked) ? asked : this.byName.get(asked);
  }
}
