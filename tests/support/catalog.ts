import path from "node:path";
import { loadCatalog } from "../../src/knowledge/load-catalog.ts";
import { type Catalog, type ServiceItem, serviceItemSchema } from "../../src/knowledge/catalog-schema.ts";

export const INTENTS_DIR = path.resolve(import.meta.dirname, "../../intents");

let cached: Promise<Catalog> | undefined;

/** The shipped catalog, loaded once per test file. */
export function shippedCatalog(): Promise<Catalog> {
  cached ??= loadCatalog(INTENTS_DIR);
  return cached;
}

/** A minimal valid item of department X: only its code, name, head and aliases matter to the test. */
export function headItem(
  code: string,
  name: string,
  head?: { objects: string[]; actions?: string[] },
  aliases: string[] = [],
): ServiceItem {
  return serviceItemSchema.parse({
    code,
    name,
    department: "X",
    aliases,
    examples: ["一", "二", "三"],
    ...(head && { head }),
    materials: [{ name: "无需材料" }],
    steps: ["办理"],
    timeLimit: "即时办结",
    fee: "不收费",
    location: "大厅",
    onlineUrl: null,
    officeHours: "工作日",
    legalBasis: ["规定"],
  });
}
