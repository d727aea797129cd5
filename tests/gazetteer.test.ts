// The shipped gazetteer (intents/regions.yaml) and opinion lexicon validate, and the
// loaders catch the mistakes an editor makes.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Region } from "../src/knowledge/gazetteer-schema.ts";
import { gazetteerProblems, loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { CatalogError } from "../src/knowledge/load-catalog.ts";
import { loadOpinionLexicon } from "../src/knowledge/load-opinion-lexicon.ts";
import { INTENTS_DIR } from "./support/catalog.ts";

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "gazetteer-test-"));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

async function problemsOf(file: string, yaml: string): Promise<string[]> {
  const dir = await fs.mkdtemp(path.join(tmp, "intents-"));
  await fs.writeFile(path.join(dir, file), yaml);
  try {
    if (file === "regions.yaml") await loadGazetteer(dir);
    else await loadOpinionLexicon(dir);
    return [];
  } catch (error) {
    if (error instanceof CatalogError) return error.problems;
    throw error;
  }
}

describe("intents/regions.yaml", () => {
  it("validates, and holds the districts the routing rules name, with streets, communities, roads and landmarks", async () => {
    const regions = await loadGazetteer(INTENTS_DIR);
    expect(regions.length).toBeGreaterThan(200);
    const districts = regions.filter((r) => r.level === "district").map((r) => r.name);
    const routing = await fs.readFile(path.join(INTENTS_DIR, "routing-rules.yaml"), "utf8");
    const routed = /districts: \[([^\]]*)\]/.exec(routing)![1]!.split(", ");
    expect(districts.sort()).toEqual([...routed].sort());
    for (const level of ["street", "community", "road", "landmark"] as const)
      expect(regions.filter((r) => r.level === level).length, level).toBeGreaterThanOrEqual(20);
    // The citizens' service centre every item's location names is a landmark on 人民路.
    expect(regions.find((r) => r.name === "市民服务中心")?.level).toBe("landmark");
  });

  it("codes children inside their parent's code", async () => {
    const regions = await loadGazetteer(INTENTS_DIR);
    const byCode = new Map(regions.map((r) => [r.code, r]));
    for (const region of regions) {
      if (!region.parent) continue;
      const district = region.code.slice(0, 6);
      expect(byCode.get(region.parent)!.code.startsWith(district), region.name).toBe(true);
    }
  });

  it("reports a missing parent, a parent of the wrong level, a duplicate code and a name twice under one parent", () => {
    const regions: Region[] = [
      { code: "990102", name: "东湖区", level: "district", aliases: [] },
      { code: "990102001", name: "甲街道", level: "street", parent: "990102", aliases: [] },
      { code: "990102001", name: "乙街道", level: "street", parent: "990102", aliases: [] },
      { code: "990102001001", name: "丙社区", level: "community", parent: "990102", aliases: [] },
      { code: "990102002001", name: "丁社区", level: "community", parent: "990102009", aliases: [] },
      { code: "990102R001", name: "甲路", level: "road", parent: "990102", aliases: ["甲街道"] },
      { code: "990103", name: "西山区", level: "district", parent: "990102", aliases: [] },
    ];
    const problems = gazetteerProblems(regions).join("\n");
    expect(problems).toContain('code "990102001" appears more than once');
    expect(problems).toContain("(丙社区): a community cannot be inside a district");
    expect(problems).toContain('(丁社区): parent "990102009" is not a code in the file');
    expect(problems).toContain('(甲路): the name "甲街道" is used twice under the same parent');
    expect(problems).toContain("(西山区): a district cannot be inside a district (it has no parent)");
    expect(gazetteerProblems(regions.slice(0, 2))).toEqual([]);
  });

  it("rejects an unknown level and a malformed code with the file and field", async () => {
    const problems = await problemsOf(
      "regions.yaml",
      "regions:\n  - { code: '12', name: 甲, level: district }\n  - { code: '990102', name: 乙, level: city }\n",
    );
    expect(problems.some((p) => p.includes("regions.0.code"))).toBe(true);
    expect(problems.some((p) => p.includes("regions.1.level"))).toBe(true);
  });
});

describe("intents/opinion-lexicon.yaml", () => {
  it("validates", async () => {
    const lexicon = await loadOpinionLexicon(INTENTS_DIR);
    expect(Object.keys(lexicon.positive).length).toBeGreaterThan(50);
    expect(Object.keys(lexicon.emotions["焦虑/担忧"]).length).toBeGreaterThan(10);
  });

  it("rejects a word given two meanings", async () => {
    const shipped = await fs.readFile(path.join(INTENTS_DIR, "opinion-lexicon.yaml"), "utf8");
    const problems = await problemsOf("opinion-lexicon.yaml", shipped.replace("negative:\n", "negative:\n  满意: 1\n"));
    expect(problems).toEqual(['opinion-lexicon.yaml: negative: "满意" is also in positive; give it one meaning']);
  });
});
