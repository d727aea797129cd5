// Reads and validates the city gazetteer (intents/regions.yaml): codes unique, every
// parent present and of a level that may contain the child, no name given twice under
// one parent. Problems are reported with file and field, like the catalog's.
import { CatalogError } from "./load-catalog.ts";
import { readDataFile } from "./read-data-file.ts";
import { PARENT_LEVELS, type Region, regionsFileSchema } from "./gazetteer-schema.ts";

export const GAZETTEER_FILE = "regions.yaml";

/** The regions of intents/regions.yaml in file order; throws CatalogError naming every problem. */
export async function loadGazetteer(dir: string): Promise<Region[]> {
  const problems: string[] = [];
  const file = await readDataFile(dir, GAZETTEER_FILE, regionsFileSchema, problems);
  if (!file) throw new CatalogError(problems);
  problems.push(...gazetteerProblems(file.regions));
  if (problems.length > 0) throw new CatalogError(problems);
  return file.regions;
}

/** What is wrong with a list of regions beyond its shape (empty when nothing). */
export function gazetteerProblems(regions: readonly Region[]): string[] {
  const problems: string[] = [];
  const byCode = new Map<string, Region>();
  regions.forEach((region, i) => {
    if (byCode.has(region.code))
      problems.push(`${GAZETTEER_FILE}: regions.${i}: code "${region.code}" appears more than once`);
    else byCode.set(region.code, region);
  });
  const namesUnderParent = new Set<string>();
  regions.forEach((region, i) => {
    const where = `${GAZETTEER_FILE}: regions.${i} (${region.name})`;
    const allowed = PARENT_LEVELS[region.level];
    if (region.parent === undefined) {
      if (allowed.length > 0) problems.push(`${where}: a ${region.level} needs a parent (${allowed.join(" or ")})`);
    } else {
      const parent = byCode.get(region.parent);
      if (!parent) problems.push(`${where}: parent "${region.parent}" is not a code in the file`);
      else if (!allowed.includes(parent.level))
        problems.push(
          `${where}: a ${region.level} cannot be inside a ${parent.level}` +
            (allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : " (it has no parent)"),
        );
    }
    for (const name of [region.name, ...region.aliases]) {
      const key = `${region.parent ?? ""}\u0000${name}`;
      if (namesUnderParent.has(key)) problems.push(`${where}: the name "${name}" is used twice under the same parent`);
      namesUnderParent.add(key);
    }
  });
  return problems;
}
