// Which district, street or community each community group (网格群) serves, from
// WECHATY_GROUP_PLACES resolved against the city gazetteer (intents/regions.yaml). A
// ticket filed from a group carries that place (KnownPlace); a name that is not in the
// gazetteer, or names two places, stops the bot's start, naming the variable.
import { ConfigError } from "../../src/config.ts";
import type { Region } from "../../src/knowledge/gazetteer-schema.ts";
import type { KnownPlace } from "../../src/messages/known-place.ts";
import type { GroupPlaceEntry } from "./wechaty-config.ts";

const AREA_LEVELS = new Set(["district", "street", "community"]);

export interface GroupRef {
  id: string;
  topic: string;
}

export class GroupPlaces {
  private constructor(private readonly entries: { entry: GroupPlaceEntry; place: KnownPlace }[]) {}

  /** Resolves every entry; throws a ConfigError listing every place it cannot resolve. */
  static resolve(entries: readonly GroupPlaceEntry[], regions: readonly Region[]): GroupPlaces {
    const problems: string[] = [];
    const resolved: { entry: GroupPlaceEntry; place: KnownPlace }[] = [];
    for (const entry of entries) {
      const found = findArea(entry.place, regions);
      if (typeof found === "string") problems.push(`WECHATY_GROUP_PLACES: "${entry.place}" ${found}`);
      else resolved.push({ entry, place: knownPlace(found, regions) });
    }
    if (problems.length > 0) throw ConfigError.invalid(problems);
    return new GroupPlaces(resolved);
  }

  /** The group's place: an entry for its id first, then one for its topic. */
  placeOf(group: GroupRef): KnownPlace | undefined {
    const byId = this.entries.find(({ entry }) => "id" in entry.group && entry.group.id === group.id);
    const byTopic = this.entries.find(
      ({ entry }) => "topic" in entry.group && entry.group.topic === group.topic.trim(),
    );
    return (byId ?? byTopic)?.place;
  }
}

/** The area a name, alias or code stands for, or why there is none. */
function findArea(name: string, regions: readonly Region[]): Region | string {
  const byCode = regions.find((r) => r.code === name);
  const matches = byCode ? [byCode] : regions.filter((r) => r.name === name || r.aliases.includes(name));
  const areas = matches.filter((r) => AREA_LEVELS.has(r.level));
  if (areas.length === 0)
    return matches.length > 0
      ? "is a road or landmark: give its district, street or community"
      : "is not a district, street or community of intents/regions.yaml";
  if (areas.length > 1) return `names ${areas.length} places (${areas.map((r) => r.code).join(", ")}): give the code`;
  return areas[0]!;
}

function knownPlace(region: Region, regions: readonly Region[]): KnownPlace {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const lineage: Region[] = [];
  for (let at: Region | undefined = region; at; at = at.parent ? byCode.get(at.parent) : undefined) lineage.unshift(at);
  return {
    code: region.code,
    name: region.name,
    level: region.level,
    district: lineage[0]!.name,
    address: lineage.map((r) => r.name).join(""),
  };
}
